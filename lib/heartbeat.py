"""Which processes that run jobs are alive, so that a job whose worker died is taken over in
about a minute rather than after its longest time limit.

Every Celery process that runs tasks (the worker itself with `-P solo`, each child with the
default prefork pool) writes its row of `WorkerHeartbeat` every BEAT_SECONDS from a thread of
its own; a job row records the name of the process that claimed it. A running job whose
process has not beaten for DEAD_AFTER is orphaned: the sweep sends it again and the next claim,
a conditional UPDATE as before, takes it over. The old attempt, if it was only slow, finds its
row changed at its next write and stops (the claims count attempts)."""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

BEAT_SECONDS = 10
# Six missed beats: a worker busy on a long query still beats (its thread does not wait on it).
DEAD_AFTER = timedelta(seconds=60)
# Rows of processes gone for this long are deleted by the sweep.
FORGET_AFTER = timedelta(days=1)

_beating_pid = None
_beating_lock = threading.Lock()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(*, now) -> str:
    """One upsert: this process is alive at `now`. Returns its name."""
    name = worker_name()
    WorkerHeartbeat.objects.bulk_create(
        [WorkerHeartbeat(name=name, seen_at=now)],
        update_conflicts=True, unique_fields=["name"], update_fields=["seen_at"],
    )
    return name


def alive(*, now):
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - DEAD_AFTER).values("name")


def orphaned(*, now, running_for: timedelta) -> Q:
    """Of running job rows: those whose process stopped beating, or that have run longer than
    their task's time limit allows (a live process stuck on them)."""
    return ~Q(worker__in=alive(now=now)) | Q(started_at__lt=now - running_for)


def latest() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-seen_at").first()


def forget_gone(*, now) -> int:
    return WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()[0]


def start_beating() -> None:
    """From a Celery process that runs tasks; once per process (a forked child starts its own)."""
    global _beating_pid
    with _beating_lock:
        if _beating_pid == os.getpid():
            return
        _beating_pid = os.getpid()
    threading.Thread(target=_beat_forever, name="pixorga-heartbeat", daemon=True).start()


def stop_beating() -> None:
    """A clean stop: the process says it is gone, its jobs (if any) need not wait DEAD_AFTER."""
    WorkerHeartbeat.objects.filter(name=worker_name()).delete()


def _beat_forever() -> None:
    failing = False
    while True:
        try:
            # A connection left broken by a database restart is replaced here.
            close_old_connections()
            beat(now=timezone.now())
        except Exception as error:
            if not failing:
                logger.warning("worker heartbeat not written (%s): retrying every %s s", error, BEAT_SECONDS)
            failing = True
        else:
            if failing:
                logger.info("worker heartbeat written again")
            failing = False
        time.sleep(BEAT_SECONDS)
