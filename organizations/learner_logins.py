""""Générer les identifiants et les mots de passe" of a class as a background job, and its file
offered once.

The worker claims the job with a conditional UPDATE, hashes the one-time passwords first (the
slow part, with its progress on the row), then in one transaction creates the accounts, sets
the hashes and stores the CSV encrypted on the row: all of it or nothing, so a worker killed
in the middle leaves a job to run again whole. The file is erased from the row at its single
download, or an hour after it was made; the passwords exist nowhere else (only hashed).
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lib.csv_format import BOM, csv_line
from lib.queue import send_on_commit
from lib.sealed import Unreadable, seal, unseal

from .learners import credential_new, gets_a_password, learners_generate_logins
from .models import LoginGeneration, OrganizationLearner

logger = logging.getLogger(__name__)

Status = LoginGeneration.Status
ACTIVE = (Status.REQUESTED, Status.RUNNING)
MAX_ATTEMPTS = 3
# Argon2 takes about 40 ms a password on the reference machine: 1,000 pupils, under a minute.
STALE_AFTER = timedelta(minutes=10)
FILE_LIFETIME = timedelta(hours=1)
PROGRESS_EVERY = 20
SEALED_AS = "learner-logins"
# A message waits this long in a healthy queue before a job counts as lost.
GRACE = timedelta(minutes=2)
DONE, FAILED, RETRY, SKIPPED = "done", "failed", "retry", "skipped"


class Superseded(Exception):
    """Another worker took the job over (this one was thought dead)."""


def class_learners(organization, division):
    return (
        OrganizationLearner.objects.active().filter(organization=organization, division=division)
        .select_related("user").order_by("last_name", "first_name", "pk")
    )


def login_generations(organization):
    """The school's jobs, without their file but saying whether it is there."""
    return LoginGeneration.objects.filter(organization=organization).defer("data").annotate(
        has_file=ExpressionWrapper(Q(data__isnull=False), output_field=BooleanField())
    )


def learner_logins_request(*, organization, division: str, user, now) -> LoginGeneration:
    """The job under way for this class, or a new one: a second click waits for the first."""
    with transaction.atomic():
        # Two clicks at once would both find no job under way: the school's row serializes them.
        type(organization).objects.select_for_update().filter(pk=organization.pk).first()
        job = LoginGeneration.objects.filter(organization=organization, division=division, status__in=ACTIVE).first()
        if job is not None and not _looks_stuck(job, now):
            return job
        if job is None:
            job = LoginGeneration.objects.create(
                organization=organization, division=division, requested_by=user, requested_at=now
            )
        send_on_commit(generate_learner_logins, (job.pk,))
    logger.info("logins of class %r of organization %s requested: job %s", division, organization.pk, job.pk)
    return job


def _looks_stuck(job, now) -> bool:
    since = job.started_at if job.status == Status.RUNNING else job.requested_at
    return since is None or since < now - STALE_AFTER


def _claim(job_id, now) -> bool:
    return bool(
        LoginGeneration.objects.filter(pk=job_id, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(status=Status.REQUESTED) | Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER))
        .update(status=Status.RUNNING, started_at=now, attempts=F("attempts") + 1, rows_done=0, error="")
    )


def learner_logins_run(job_id: int, *, clock=timezone.now) -> str:
    now = clock()
    if not _claim(job_id, now):
        return SKIPPED
    job = LoginGeneration.objects.select_related("organization").defer("data").get(pk=job_id)
    mine = LoginGeneration.objects.filter(pk=job.pk, attempts=job.attempts, status=Status.RUNNING)
    try:
        learners = [learner for learner in class_learners(job.organization, job.division) if gets_a_password(learner)]
        mine.update(rows_total=len(learners))
        credentials = {}
        for count, learner in enumerate(learners, start=1):
            credentials[learner.pk] = credential_new()
            if (count % PROGRESS_EVERY == 0 or count == len(learners)) and not mine.update(rows_done=count):
                raise Superseded
        with transaction.atomic():
            rows, skipped = learners_generate_logins(
                organization=job.organization, credentials=credentials,
                learner_ids=list(class_learners(job.organization, job.division).values_list("pk", flat=True)),
            )
            with translation.override(settings.LANGUAGE_CODE):
                content = logins_csv(rows)
            if not mine.update(status=Status.DONE, finished_at=clock(), rows_done=len(rows), rows_total=len(rows),
                               skipped_count=skipped, data=seal(content, purpose=SEALED_AS),
                               filename=logins_filename(job.division, clock())):
                raise Superseded
    except Superseded:
        logger.warning("login generation %s: attempt %s stopped, the job was taken over", job.pk, job.attempts)
        return SKIPPED
    except Exception as error:
        last = job.attempts >= MAX_ATTEMPTS
        mine.update(status=Status.FAILED if last else Status.REQUESTED, finished_at=clock() if last else None,
                    error=f"{type(error).__name__}: {error}"[:2000])
        logger.exception("login generation %s failed (attempt %s of %s)", job.pk, job.attempts, MAX_ATTEMPTS)
        return FAILED if last else RETRY
    logger.info("login generation %s done: %s pupil(s) of class %r of organization %s", job.pk, len(rows),
                job.division, job.organization_id)
    return DONE


def logins_csv(rows) -> bytes:
    lines = [BOM, csv_line([_("Classe"), _("Nom"), _("Prénom"), _("Identifiant"), _("Mot de passe")])]
    lines += [csv_line([row.division, row.last_name, row.first_name, row.username, row.password]) for row in rows]
    return "".join(lines).encode("utf-8")


def logins_filename(division: str, moment) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in division)
    return f"Identifiants-{safe}-{timezone.localtime(moment):%Y-%m-%d-%H%M}.csv"


def learner_logins_take(*, job, now) -> bytes | None:
    """The file, once: it leaves the row in the same transaction as it is read. None when it
    was downloaded already, has expired or cannot be read any more (SECRET_KEY changed)."""
    with transaction.atomic():
        locked = LoginGeneration.objects.select_for_update().filter(
            pk=job.pk, status=Status.DONE, data__isnull=False
        ).first()
        if locked is None:
            return None
        LoginGeneration.objects.filter(pk=job.pk).update(data=None, downloaded_at=now)
    try:
        content = unseal(locked.data, purpose=SEALED_AS)
    except Unreadable:
        logger.error("login generation %s: the file cannot be decrypted (SECRET_KEY changed?)", job.pk)
        return None
    logger.info("login generation %s downloaded", job.pk)
    return content


def login_jobs_lost(*, now) -> list[int]:
    """Jobs whose message was lost (the broker was down) or whose worker died."""
    return list(
        LoginGeneration.objects.filter(attempts__lt=MAX_ATTEMPTS).filter(
            Q(status=Status.REQUESTED, requested_at__lt=now - GRACE)
            | Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER)
        ).values_list("pk", flat=True)
    )


def login_files_expire(*, now) -> int:
    """Files not downloaded within FILE_LIFETIME are erased (the sweep, every few minutes)."""
    count = LoginGeneration.objects.filter(
        status=Status.DONE, data__isnull=False, finished_at__lt=now - FILE_LIFETIME
    ).update(data=None)
    if count:
        logger.info("%s login file(s) not downloaded in time erased", count)
    return count


def login_files_discard(*, organization_id, division: str) -> int:
    """A pupil of that class is erased: the files that name him go, downloaded or not."""
    return LoginGeneration.objects.filter(
        organization_id=organization_id, division=division, data__isnull=False
    ).update(data=None)


# Named as when it lived in organizations.tasks: messages already queued keep finding it.
@shared_task(name="organizations.tasks.generate_learner_logins", bind=True, acks_late=True,
             reject_on_worker_lost=True, max_retries=MAX_ATTEMPTS, time_limit=(STALE_AFTER.total_seconds() - 60))
def generate_learner_logins(self, job_id: int) -> str:
    outcome = learner_logins_run(job_id)
    if outcome == RETRY:
        raise self.retry(countdown=10 * (self.request.retries + 1))
    return outcome
