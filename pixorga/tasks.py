from celery import shared_task
from django.utils import timezone

from .sweep import sweep


@shared_task
def sweep_lost_jobs() -> dict:
    return sweep(now=timezone.now())
