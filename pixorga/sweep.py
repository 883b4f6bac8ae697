"""Sends again the jobs whose message was lost: the broker was down when they were asked for
(see `pixorga.queue`), or a worker died holding them (see `pixorga.heartbeat`). Each job is a
status row that a worker claims with a conditional UPDATE, so a message sent twice still runs
the job once. Celery beat runs it every 30 s (CELERY_BEAT_SCHEDULE): a job whose worker died
is sent again at most DEAD_AFTER + 30 s after the worker's last beat."""

import logging
from datetime import timedelta

from django.db.models import Q

from accounts.services import login_failures_forget
from analysis.analysis_tasks import DEBOUNCE_SECONDS, TIME_LIMIT, compute_campaign_analysis
from analysis.export_tasks import MAX_ATTEMPTS as EXPORT_ATTEMPTS
from analysis.export_tasks import STALE_AFTER as EXPORT_STALE
from analysis.export_tasks import build_export
from analysis.models import CampaignAnalysis, ExportJob, JobStatus
from organizations.learner_import import MAX_ATTEMPTS as IMPORT_ATTEMPTS
from organizations.learner_import import STALE_AFTER as IMPORT_STALE
from organizations.models import LearnerImport
from organizations.tasks import invitation_emails_resend, run_learner_import
from sso.services import used_assertions_forget

from .heartbeat import forget_gone, orphaned
from .queue import send

logger = logging.getLogger(__name__)

# A message waits this long in a healthy queue before a job counts as lost.
GRACE = timedelta(minutes=2)


def requeue_stale_jobs(*, now) -> dict[str, int]:
    exports = ExportJob.objects.filter(attempts__lt=EXPORT_ATTEMPTS).filter(
        Q(status=JobStatus.REQUESTED, requested_at__lt=now - GRACE)
        | Q(orphaned(now=now, running_for=EXPORT_STALE), status=JobStatus.RUNNING)
    ).values_list("pk", flat=True)
    analyses = CampaignAnalysis.objects.filter(
        Q(status=JobStatus.REQUESTED, requested_at__lt=now - GRACE - timedelta(seconds=DEBOUNCE_SECONDS))
        | Q(orphaned(now=now, running_for=TIME_LIMIT), status=JobStatus.RUNNING)
    ).values_list("campaign_id", flat=True)
    imports = LearnerImport.objects.filter(attempts__lt=IMPORT_ATTEMPTS, data__isnull=False).filter(
        Q(status=LearnerImport.Status.UPLOADED, created_at__lt=now - GRACE)
        | Q(orphaned(now=now, running_for=IMPORT_STALE),
            status__in=[LearnerImport.Status.VALIDATING, LearnerImport.Status.VALIDATED])
    ).values_list("pk", flat=True)
    sent = {
        "exports": sum(send(build_export, (pk,)) for pk in exports),
        "analyses": sum(send(compute_campaign_analysis, (pk,)) for pk in analyses),
        "imports": sum(send(run_learner_import, (pk,)) for pk in imports),
        "invitations": invitation_emails_resend(now=now, older_than=now - GRACE),
    }
    if any(sent.values()):
        logger.warning("lost jobs sent again: %s", sent)
    return sent


def sweep(*, now) -> dict[str, int]:
    """What Celery beat runs every 30 s (or cron, `manage.py requeue_jobs`): the lost
    jobs, then the rows that only age (heartbeats of gone workers, old sign-in failures, expired
    SAML assertions)."""
    sent = requeue_stale_jobs(now=now)
    forget_gone(now=now)
    login_failures_forget(now=now)
    used_assertions_forget(now=now)
    return sent
