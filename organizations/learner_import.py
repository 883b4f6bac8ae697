"""Importing the school's student base (SIECLE XML or zip, SCO CSV; domain rules §10.5).

The upload is a status row holding the file; a worker claims it with a conditional UPDATE,
validates the whole file, then writes everything in one transaction: pupils upserted by
INE, pupils absent from the file disabled (never deleted: their results stay). A bad file
writes nothing and leaves its line-precise problems on the row. The file is dropped as soon
as it has been read: it holds minors' personal data.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lib import heartbeat
from lib.queue import send_on_commit

from .learner_files import MAX_FILE_SIZE, LearnerFileError, parse_learner_file
from .learners import LearnerError
from .models import LearnerImport, OrganizationLearner

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
MAX_ATTEMPTS = 3
# A run is orphaned as soon as its worker stops beating (lib.heartbeat), or once older than
# this: 20,000 pupils take seconds.
STALE_AFTER = timedelta(minutes=10)
ALLOWED_EXTENSIONS = (".xml", ".zip", ".csv")
# The columns an import owns; anything else on the pupil (account, certificability) is ours.
FIELDS = (
    "first_name", "middle_name", "third_name", "last_name", "preferred_last_name", "sex", "birthdate",
    "birth_city", "birth_city_code", "birth_province_code", "birth_country_code", "mef_code", "status", "division",
)

Status = LearnerImport.Status
DONE, FAILED, SKIPPED, RETRY = "done", "failed", "skipped", "retry"


def learner_import_request(*, organization, user, filename: str, data: bytes, now, enqueue=True) -> LearnerImport:
    """The admin's upload. One import at a time per school: a second upload while one runs
    is refused (a double click does not import twice). Without `enqueue`, the caller runs it
    (the demo loader, inside its own transaction)."""
    if not filename.lower().endswith(ALLOWED_EXTENSIONS):
        raise LearnerError("BAD_EXTENSION", _(
            "Format de fichier non pris en charge : importez un fichier .xml ou .zip (export SIECLE) ou .csv."
        ))
    if len(data) > MAX_FILE_SIZE:
        raise LearnerError("FILE_TOO_LARGE", _("Le fichier dépasse la taille maximale autorisée (20 Mo)."))
    with transaction.atomic():
        # The organization row serializes two uploads of the same school.
        type(organization).objects.select_for_update().filter(pk=organization.pk).first()
        running = learner_import_running(organization, now=now)
        if running is not None:
            raise LearnerError("IMPORT_RUNNING", _("Un import est déjà en cours pour votre établissement."))
        job = LearnerImport.objects.create(organization=organization, created_by=user, filename=filename[:255],
                                           data=data)
        if enqueue:
            send_on_commit(run_learner_import, (job.pk,))
    logger.info("learner import %s requested by user %s for organization %s", job.pk, user.pk, organization.pk)
    return job


def learner_import_running(organization, *, now) -> LearnerImport | None:
    job = LearnerImport.objects.filter(organization=organization).only("status", "created_at", "started_at").first()
    if job is None or not job.is_running:
        return None
    since = job.started_at or job.created_at
    return job if since >= now - STALE_AFTER else None


def learner_import_latest(organization) -> LearnerImport | None:
    return LearnerImport.objects.filter(organization=organization).select_related("created_by").defer("data").first()


def _claim(job_id: int, now) -> bool:
    worker = heartbeat.beat(now=now)
    claimable = Q(status=Status.UPLOADED) | Q(
        heartbeat.orphaned(now=now, running_for=STALE_AFTER), status__in=[Status.VALIDATING, Status.VALIDATED]
    )
    return bool(
        LearnerImport.objects.filter(claimable, pk=job_id, attempts__lt=MAX_ATTEMPTS, data__isnull=False)
        .update(status=Status.VALIDATING, started_at=now, worker=worker, attempts=F("attempts") + 1)
    )


def learner_import_run(job_id: int, *, now) -> str:
    """The worker's side: validate, then import all or nothing. The problems are stored as
    text, in the site's language whatever the language of the caller."""
    with translation.override(settings.LANGUAGE_CODE):
        return _run(job_id, now=now)


def _run(job_id: int, *, now) -> str:
    if not _claim(job_id, now):
        return SKIPPED
    job = LearnerImport.objects.select_related("organization").get(pk=job_id)
    organization = job.organization
    try:
        rows = parse_learner_file(job.filename, bytes(job.data), expected_uai=organization.external_id)
    except LearnerFileError as error:
        problems = [{"code": p.code, "message": p.message, "line": p.line} for p in error.problems]
        _finish(job, Status.VALIDATION_ERROR, now, errors=problems)
        logger.info("learner import %s refused: %s problem(s)", job.pk, len(problems))
        return FAILED
    except Exception:
        logger.exception("learner import %s: the file could not be read", job.pk)
        _finish(job, Status.VALIDATION_ERROR, now, errors=[{
            "code": "UNREADABLE", "line": None,
            "message": _("Le fichier n'a pas pu être lu : importez l'export SIECLE (.xml ou .zip) sans le "
                         "modifier, ou un fichier CSV enregistré au format “CSV UTF-8”."),
        }])
        return FAILED
    LearnerImport.objects.filter(pk=job.pk).update(status=Status.VALIDATED)
    try:
        with transaction.atomic():
            counts = _write(organization, rows, now)
    except Exception:
        logger.exception("learner import %s failed while writing", job.pk)
        _finish(job, Status.IMPORT_ERROR, now, errors=[{
            "code": "IMPORT_FAILED", "line": None,
            "message": _("L'import n'a pas pu aboutir et aucun élève n'a été modifié. "
                         "Réessayez dans quelques minutes."),
        }])
        return FAILED
    _finish(job, Status.IMPORTED, now, **counts)
    logger.info("learner import %s done: %s", job.pk, counts)
    return DONE


def _finish(job, status, now, *, errors=(), **counts) -> None:
    LearnerImport.objects.filter(pk=job.pk).update(
        status=status, finished_at=now, data=None, errors=list(errors), **counts
    )


@dataclass(frozen=True)
class _Existing:
    pk: int
    values: tuple
    is_disabled: bool


def _write(organization, rows, now) -> dict:
    by_ine = {row.national_student_id: row for row in rows}
    existing = {
        ine: _Existing(pk, tuple(values), disabled)
        for ine, pk, disabled, *values in OrganizationLearner.objects.alive()
        .filter(organization=organization).exclude(national_student_id="")
        .values_list("national_student_id", "pk", "is_disabled", *FIELDS).iterator(chunk_size=CHUNK_SIZE)
    }
    to_create, to_update = [], []
    for ine, row in by_ine.items():
        values = _values(row)
        known = existing.get(ine)
        if known is None:
            to_create.append(OrganizationLearner(
                organization=organization, national_student_id=ine, **dict(zip(FIELDS, values))
            ))
        elif known.values != values or known.is_disabled:
            to_update.append(OrganizationLearner(
                pk=known.pk, is_disabled=False, disabled_at=None, updated_at=now, **dict(zip(FIELDS, values))
            ))
    OrganizationLearner.objects.bulk_create(to_create, batch_size=CHUNK_SIZE)
    OrganizationLearner.objects.bulk_update(
        to_update, [*FIELDS, "is_disabled", "disabled_at", "updated_at"], batch_size=CHUNK_SIZE
    )
    departed = [known.pk for ine, known in existing.items() if ine not in by_ine and not known.is_disabled]
    departed_query = OrganizationLearner.objects.alive().filter(organization=organization, is_disabled=False)
    departure = {"is_disabled": True, "disabled_at": now, "updated_at": now}
    disabled = departed_query.filter(national_student_id="").update(**departure)
    for start in range(0, len(departed), CHUNK_SIZE):
        disabled += departed_query.filter(pk__in=departed[start:start + CHUNK_SIZE]).update(**departure)
    return {"created_count": len(to_create), "updated_count": len(to_update), "disabled_count": disabled}


def _values(row) -> tuple:
    return tuple(getattr(row, field) for field in FIELDS)


# Named as when it lived in organizations.tasks: messages already queued keep finding it.
@shared_task(name="organizations.tasks.run_learner_import", acks_late=True, reject_on_worker_lost=True,
             time_limit=600)
def run_learner_import(import_id: int) -> str:
    """Thin: the claim, the validation and the all-or-nothing write live in the service."""
    return learner_import_run(import_id, now=timezone.now())
