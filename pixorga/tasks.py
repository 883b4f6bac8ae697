from celery import shared_task
from django.utils import timezone

from .sweep import requeue_stale_jobs


@shared_task
def sweep_lost_jobs() -> dict:
    return requeue_stale_jobs(now=timezone.now())
