"""The state of what the site depends on: for /healthz, and for the pages that promise a job
will start soon (an export, an analysis) when no worker can take it now."""

import logging
import threading
import time

import redis
from celery import current_app as celery_app
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .heartbeat import DEAD_AFTER, latest

logger = logging.getLogger(__name__)

OK, DEGRADED, ERROR = "ok", "degraded", "error"
# Pages ask about the broker at most this often per process (a Redis that drops packets
# costs a connection timeout).
BROKER_PROBE_SECONDS = 5.0
BROKER_TIMEOUT_SECONDS = 0.5

_probes: dict[str, tuple[float, bool]] = {}
_probes_lock = threading.Lock()


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        logger.error("health check: database unreachable (%s)", error)
        return {"status": "unreachable"}
    return {"status": OK}


def cache_status() -> dict:
    probe = getattr(cache, "is_reachable", None)
    if probe is None:
        # The per-process memory cache (no REDIS_URL): nothing to reach.
        return {"status": "local"}
    return {"status": OK if probe() else "unreachable"}


def broker_status() -> dict:
    if celery_app.conf.task_always_eager:
        return {"status": "in-process"}
    return {"status": OK if _broker_answers() else "unreachable"}


def worker_status(*, now) -> dict:
    if celery_app.conf.task_always_eager:
        return {"status": "in-process"}
    last = latest()
    if last is None:
        return {"status": "missing"}
    age = (now - last.seen_at).total_seconds()
    return {"status": OK if age <= DEAD_AFTER.total_seconds() else "stale", "last_seen_seconds_ago": round(age)}


def report(*, now) -> tuple[str, dict]:
    """(overall status, each dependency's): the database down is an error (nothing works),
    anything else down is degraded (pages work, jobs wait)."""
    checks = {"database": database_status(), "cache": cache_status(), "broker": broker_status()}
    checks["worker"] = worker_status(now=now) if checks["database"]["status"] == OK else {"status": "unknown"}
    if checks["database"]["status"] != OK:
        overall = ERROR
    elif all(check["status"] in (OK, "local", "in-process") for check in checks.values()):
        overall = OK
    else:
        overall = DEGRADED
    return overall, checks


def jobs_wait_for_workers(*, now=None) -> bool:
    """True when a job asked for now cannot start at once: the broker does not answer, or no
    worker is alive. The job row waits; the sweep sends it when they are back."""
    if celery_app.conf.task_always_eager:
        return False
    if not _broker_answers(memo=True):
        return True
    return worker_status(now=now or timezone.now())["status"] != OK


def _broker_answers(*, memo: bool = False) -> bool:
    url = celery_app.conf.broker_url
    if memo:
        seen = _probes.get(url)
        if seen is not None and time.monotonic() < seen[0] + BROKER_PROBE_SECONDS:
            return seen[1]
    answers = _ping(url)
    with _probes_lock:
        _probes[url] = (time.monotonic(), answers)
    return answers


def _ping(url: str) -> bool:
    if not url.startswith(("redis://", "rediss://")):
        return True
    client = redis.Redis.from_url(url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                                  socket_timeout=BROKER_TIMEOUT_SECONDS)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()
