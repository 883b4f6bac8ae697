"""Sends again the jobs whose message was lost: the broker was down when they were asked for
(see `lib.queue`), or a worker died holding them (see `lib.heartbeat`). Each job is a status
row that a worker claims with a conditional UPDATE, so a message sent twice still runs the job
once; each app knows its own jobs (`requeue_lost`). Celery beat runs it every 30 s
(CELERY_BEAT_SCHEDULE): a job whose worker died is sent again at most DEAD_AFTER + 30 s after
the worker's last beat."""

import logging

from accounts.services import login_failures_forget
from analysis.tasks import requeue_lost as analysis_requeue_lost
from lib.heartbeat import forget_gone
from organizations.tasks import requeue_lost as organizations_requeue_lost

logger = logging.getLogger(__name__)


def requeue_stale_jobs(*, now) -> dict[str, int]:
    sent = {**analysis_requeue_lost(now=now), **organizations_requeue_lost(now=now)}
    if any(sent.values()):
        logger.warning("lost jobs sent again: %s", sent)
    return sent


def sweep(*, now) -> dict[str, int]:
    """What Celery beat runs every 30 s (or cron, `manage.py requeue_jobs`): the lost
    jobs, then the rows that only age (heartbeats of gone workers, old sign-in failures)."""
    sent = requeue_stale_jobs(now=now)
    forget_gone(now=now)
    login_failures_forget(now=now)
    return sent
