"""Celery discovers this module; the tasks live beside their code. `requeue_lost` is this app's
part of the sweep (pixorga.sweep)."""

from datetime import timedelta

from django.db.models import Q

from lib.heartbeat import orphaned
from lib.queue import LOST_AFTER, send

from .analysis_tasks import DEBOUNCE_SECONDS, TIME_LIMIT, compute_campaign_analysis
from .export_tasks import MAX_ATTEMPTS as EXPORT_ATTEMPTS
from .export_tasks import STALE_AFTER as EXPORT_STALE
from .export_tasks import build_export
from .models import CampaignAnalysis, ExportJob, JobStatus

__all__ = ["build_export", "compute_campaign_analysis", "requeue_lost"]


def requeue_lost(*, now) -> dict[str, int]:
    """Exports and analyses whose message was lost or whose worker died, sent again. Returns
    how many were handed to the broker."""
    exports = ExportJob.objects.filter(attempts__lt=EXPORT_ATTEMPTS).filter(
        Q(status=JobStatus.REQUESTED, requested_at__lt=now - LOST_AFTER)
        | Q(orphaned(now=now, running_for=EXPORT_STALE), status=JobStatus.RUNNING)
    ).values_list("pk", flat=True)
    analyses = CampaignAnalysis.objects.filter(
        Q(status=JobStatus.REQUESTED, requested_at__lt=now - LOST_AFTER - timedelta(seconds=DEBOUNCE_SECONDS))
        | Q(orphaned(now=now, running_for=TIME_LIMIT), status=JobStatus.RUNNING)
    ).values_list("campaign_id", flat=True)
    return {
        "exports": sum(send(build_export, (pk,)) for pk in exports),
        "analyses": sum(send(compute_campaign_analysis, (pk,)) for pk in analyses),
    }
