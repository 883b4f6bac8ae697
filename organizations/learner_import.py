"""Importing the school's student base (SIECLE XML or zip, SCO CSV; domain rules §10.5).

The upload is a status row holding the file; a worker claims it with a conditional UPDATE and
validates the whole file. A good file first gives a preview (pupils added, updated, leaving)
and a digest of the base it was computed on; nothing changes until the administrator
confirms. The worker then writes everything in one transaction, only if the base still has
that digest (so exactly the preview is applied): pupils upserted by INE, pupils absent from
the file disabled (never deleted: their results stay). A bad file writes nothing and leaves
its line-precise problems on the row. The file is dropped as soon as the import is over or
cancelled: it holds minors' personal data.
"""

import hashlib
import logging
from dataclasses import dataclass, field
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
DONE, FAILED, SKIPPED, RETRY, PREVIEWED = "done", "failed", "skipped", "retry", "previewed"
# The preview names this many pupils of each kind; the counts are always complete.
PREVIEW_NAMES = 50


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
        # A new file replaces a preview left unconfirmed.
        LearnerImport.objects.filter(organization=organization, status=Status.PREVIEWED).update(
            status=Status.CANCELLED, data=None, preview={}, finished_at=now)
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


def _claim(job_id: int, now) -> str | None:
    """VALIDATING: the file is to be checked and previewed; VALIDATED: the administrator
    confirmed its preview, it is to be written. None: another run has it, or it is over."""
    worker = heartbeat.beat(now=now)
    orphaned = heartbeat.orphaned(now=now, running_for=STALE_AFTER)
    claimable = LearnerImport.objects.filter(pk=job_id, attempts__lt=MAX_ATTEMPTS, data__isnull=False)
    claim = {"started_at": now, "worker": worker, "attempts": F("attempts") + 1}
    if claimable.filter(Q(status=Status.UPLOADED) | Q(orphaned, status=Status.VALIDATING)).update(
            status=Status.VALIDATING, **claim):
        return Status.VALIDATING
    if claimable.filter(orphaned, status=Status.VALIDATED).update(**claim):
        return Status.VALIDATED
    return None


def learner_import_confirm(*, organization, job_id: int, user, now, enqueue=True) -> bool:
    """The administrator applies the preview he read. Only a preview moves on, once: a second
    click finds it confirmed already and changes nothing. Without `enqueue`, the caller runs it."""
    with transaction.atomic():
        confirmed = LearnerImport.objects.filter(
            pk=job_id, organization=organization, status=Status.PREVIEWED, data__isnull=False,
        ).update(status=Status.VALIDATED, confirmed_by=user, confirmed_at=now, worker="", started_at=None, attempts=0)
        if confirmed and enqueue:
            send_on_commit(run_learner_import, (job_id,))
    if confirmed:
        logger.info("learner import %s confirmed by user %s", job_id, user.pk)
    return bool(confirmed)


def learner_import_unattended(*, organization, user, filename: str, data: bytes, now) -> LearnerImport:
    """Upload, preview, confirmation and import in a row, in the caller's process: for the
    demo loader and scripts, where the caller stands for the administrator who reads the preview."""
    job = learner_import_request(organization=organization, user=user, filename=filename, data=data, now=now,
                                 enqueue=False)
    if learner_import_run(job.pk, now=now) == PREVIEWED:
        learner_import_confirm(organization=organization, job_id=job.pk, user=user, now=now, enqueue=False)
        learner_import_run(job.pk, now=now)
    job.refresh_from_db()
    return job


def learner_import_cancel(*, organization, job_id: int, user, now) -> bool:
    cancelled = LearnerImport.objects.filter(pk=job_id, organization=organization, status=Status.PREVIEWED).update(
        status=Status.CANCELLED, data=None, preview={}, finished_at=now)
    if cancelled:
        logger.info("learner import %s cancelled by user %s", job_id, user.pk)
    return bool(cancelled)


def learner_import_run(job_id: int, *, now) -> str:
    """The worker's side: validate, then import all or nothing. The problems are stored as
    text, in the site's language whatever the language of the caller."""
    with translation.override(settings.LANGUAGE_CODE):
        return _run(job_id, now=now)


def _run(job_id: int, *, now) -> str:
    phase = _claim(job_id, now)
    if phase is None:
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
    if phase == Status.VALIDATING:
        return _preview(job, rows, now)
    try:
        with transaction.atomic():
            # The organization row serializes this write with another import's.
            type(organization).objects.select_for_update().filter(pk=organization.pk).first()
            plan = _plan(organization, rows)
            if plan.digest != job.preview.get("digest"):
                raise _BaseChanged
            counts = _write(organization, plan, now)
    except _BaseChanged:
        logger.info("learner import %s refused: the base changed since its preview", job.pk)
        _finish(job, Status.IMPORT_ERROR, now, errors=[{
            "code": "BASE_CHANGED", "line": None,
            "message": _("La base élèves a changé depuis l'aperçu (un autre import ou une modification) : aucun "
                         "élève n'a été modifié. Importez de nouveau le fichier pour obtenir un nouvel aperçu."),
        }])
        return FAILED
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


class _BaseChanged(Exception):
    pass


def _preview(job, rows, now) -> str:
    plan = _plan(job.organization, rows)
    leaving_names = dict(
        OrganizationLearner.objects.filter(pk__in=plan.disable[:PREVIEW_NAMES]).order_by("last_name", "first_name")
        .values_list("pk", "last_name")
    )
    preview = {
        "digest": plan.digest, "active": plan.active, "added": len(plan.create), "updated": len(plan.update),
        "leaving": len(plan.disable), "added_names": [_name(row) for row in plan.create[:PREVIEW_NAMES]],
        "updated_names": [_name(row) for _pk, row in plan.update[:PREVIEW_NAMES]],
        # The leaving pupils are named from the base when the page is read (organizations.selectors).
        "leaving_ids": list(leaving_names),
    }
    previewed = LearnerImport.objects.filter(pk=job.pk, status=Status.VALIDATING, attempts=job.attempts).update(
        status=Status.PREVIEWED, preview=preview, worker="", finished_at=now)
    logger.info("learner import %s previewed: %s added, %s updated, %s leaving", job.pk, preview["added"],
                preview["updated"], preview["leaving"])
    return PREVIEWED if previewed else SKIPPED


def _name(row) -> str:
    name = " ".join(part for part in (row.last_name, row.first_name) if part)
    return f"{name} ({row.division})" if row.division else name


def _finish(job, status, now, *, errors=(), **counts) -> None:
    # The names of the preview go with the file; its counts stay.
    kept = {key: value for key, value in (job.preview or {}).items() if not key.endswith(("_names", "_ids"))}
    LearnerImport.objects.filter(pk=job.pk).update(
        status=status, finished_at=now, data=None, errors=list(errors), preview=kept, **counts
    )


@dataclass(frozen=True)
class _Existing:
    pk: int
    values: tuple
    is_disabled: bool


@dataclass
class _Plan:
    """What an import of these rows does to the base as it is now, and that base's digest."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)  # [(pk, row)]
    disable: list = field(default_factory=list)  # pks
    active: int = 0
    digest: str = ""


def _plan(organization, rows) -> _Plan:
    by_ine = {row.national_student_id: row for row in rows}
    plan, existing, digest = _Plan(), {}, hashlib.sha256()
    base = (
        OrganizationLearner.objects.alive().filter(organization=organization).order_by("pk")
        .values_list("pk", "national_student_id", "is_disabled", *FIELDS).iterator(chunk_size=CHUNK_SIZE)
    )
    for pk, ine, disabled, *values in base:
        digest.update(repr((pk, ine, disabled, *values)).encode())
        plan.active += not disabled
        if not ine:
            if not disabled:
                plan.disable.append(pk)
            continue
        existing[ine] = _Existing(pk, tuple(values), disabled)
    for ine, row in by_ine.items():
        known = existing.get(ine)
        if known is None:
            plan.create.append(row)
        elif known.values != _values(row) or known.is_disabled:
            plan.update.append((known.pk, row))
    plan.disable += [known.pk for ine, known in existing.items() if ine not in by_ine and not known.is_disabled]
    plan.digest = digest.hexdigest()
    return plan


def _write(organization, plan: _Plan, now) -> dict:
    OrganizationLearner.objects.bulk_create([
        OrganizationLearner(organization=organization, national_student_id=row.national_student_id,
                            **dict(zip(FIELDS, _values(row))))
        for row in plan.create
    ], batch_size=CHUNK_SIZE)
    OrganizationLearner.objects.bulk_update([
        OrganizationLearner(pk=pk, is_disabled=False, disabled_at=None, updated_at=now,
                            **dict(zip(FIELDS, _values(row))))
        for pk, row in plan.update
    ], [*FIELDS, "is_disabled", "disabled_at", "updated_at"], batch_size=CHUNK_SIZE)
    departed_query = OrganizationLearner.objects.alive().filter(organization=organization, is_disabled=False)
    departure = {"is_disabled": True, "disabled_at": now, "updated_at": now}
    disabled = 0
    for start in range(0, len(plan.disable), CHUNK_SIZE):
        disabled += departed_query.filter(pk__in=plan.disable[start:start + CHUNK_SIZE]).update(**departure)
    return {"created_count": len(plan.create), "updated_count": len(plan.update), "disabled_count": disabled}


def _values(row) -> tuple:
    return tuple(getattr(row, name) for name in FIELDS)


# Named as when it lived in organizations.tasks: messages already queued keep finding it.
@shared_task(name="organizations.tasks.run_learner_import", acks_late=True, reject_on_worker_lost=True,
             time_limit=600)
def run_learner_import(import_id: int) -> str:
    """Thin: the claim, the validation and the all-or-nothing write live in the service."""
    return learner_import_run(import_id, now=timezone.now())
