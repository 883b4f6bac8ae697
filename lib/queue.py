"""Sending a Celery task without letting the broker decide whether a pupil's answer or sending
succeeds. Every job already has a status row in the database (an export, an analysis, an
import), so a message that cannot be sent now is only late: the sweep (`requeue_lost` of each app,
every 30 s on Celery beat) sends it again once the broker is back."""

import logging
from datetime import timedelta

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# A message waits this long in a healthy queue before its job counts as lost.
LOST_AFTER = timedelta(minutes=2)

# Redis down must not hold a web request for long: two quick retries, then give up.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def send(task, args=(), *, countdown=None) -> bool:
    try:
        task.apply_async(args, countdown=countdown, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, ConnectionError, OSError) as error:
        # The first argument names the job; the others may be secret (an invitation's token).
        logger.error("task %s(%s…) not sent, the broker is unavailable (%s): the sweep will send it again",
                     task.name, args[0] if args else "", error)
        return False
    return True


def send_on_commit(task, args=(), *, countdown=None) -> None:
    transaction.on_commit(lambda: send(task, args, countdown=countdown))
