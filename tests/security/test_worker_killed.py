"""A Celery worker killed (SIGKILL) in the middle of an export or an analysis: the job is
taken over as soon as the worker's heartbeat is a minute old (not after the task's time
limit), by the sweep and another worker, and ends whole.

To kill the worker at a known point, the test holds a lock on the job's row as soon as the
worker has claimed it: the worker then waits on its next progress or final write, and is
killed there. PostgreSQL, Redis and real worker processes only."""

import json
import os
import signal
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F
from django.utils import timezone

from analysis.analysis_tasks import campaign_analysis_compute, compute_campaign_analysis
from analysis.export_tasks import build_export
from analysis.models import CampaignAnalysis, ExportJob, JobStatus
from bench.generate import generate
from lib.heartbeat import BEAT_SECONDS, DEAD_AFTER
from lib.models import WorkerHeartbeat
from pixorga.celery import app as celery_app
from pixorga.sweep import requeue_stale_jobs
from tests.conftest import start_worker, stop_worker, wait_for

pytestmark = pytest.mark.services

PUPILS = 1500


@pytest.fixture
def services(transactional_db, settings, tmp_path, monkeypatch, referential):
    database = settings.DATABASES["default"]
    if not os.environ.get("REDIS_URL") or database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)")
    celery_app.control.purge()
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    workers = []

    def worker():
        process = start_worker(database, {})
        workers.append(process)
        return process

    yield worker
    for process in workers:
        if process.poll() is None:
            stop_worker(process)


@pytest.fixture
def generated(services):
    return generate(PUPILS)


class RowLock:
    """SELECT … FOR UPDATE on one row, from a connection of its own, until released."""

    def __init__(self, table: str, where: str, params):
        self.held, self.release = threading.Event(), threading.Event()
        self.status = None
        self.thread = threading.Thread(target=self._hold, args=(table, where, params), daemon=True)
        self.thread.start()
        assert self.held.wait(10), "the lock was not taken"

    def _hold(self, table, where, params):
        connection = connections.create_connection("default")
        try:
            connection.set_autocommit(False)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT status FROM {table} WHERE {where} FOR UPDATE", params)
                self.status = cursor.fetchone()[0]
                self.held.set()
                self.release.wait(60)
            connection.rollback()
        finally:
            connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(10)


def kill(process):
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)


def a_minute_passes(worker: str) -> None:
    """What a minute does to a dead worker: its last beat ages (the live ones keep beating)."""
    assert WorkerHeartbeat.objects.filter(name=worker).update(seen_at=F("seen_at") - DEAD_AFTER) == 1


def test_a_dead_workers_job_is_sent_again_well_within_two_minutes():
    """Its last beat is at most DEAD_AFTER old when it counts as dead, and the sweep runs
    every beat schedule: the sum is the longest wait."""
    sweep_every = timedelta(seconds=settings.CELERY_BEAT_SCHEDULE["sweep-lost-jobs"]["schedule"])

    assert DEAD_AFTER + sweep_every <= timedelta(seconds=90)
    assert timedelta(seconds=BEAT_SECONDS) * 3 <= DEAD_AFTER, "a slow beat is not a death"


def test_the_worker_beats_in_the_database_while_it_runs(services):
    worker = services()

    assert wait_for(lambda: WorkerHeartbeat.objects.exists(), timeout=20), "".join(worker.log[-30:])
    first = WorkerHeartbeat.objects.get()
    assert first.name.endswith(f":{worker.pid}")
    assert wait_for(lambda: WorkerHeartbeat.objects.get().seen_at > first.seen_at, timeout=BEAT_SECONDS + 10)
    stop_worker(worker)
    assert not WorkerHeartbeat.objects.exists(), "a clean stop says it is gone"


def test_an_export_whose_worker_is_killed_midway_is_rebuilt_whole(services, generated):
    first = services()
    job = ExportJob.objects.create(campaign_id=generated["evaluation_id"], format="csv", requested_by_id=generated["teacher_id"],
                                   requested_at=timezone.now())
    build_export.delay(job.pk)
    assert wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists(), interval=0.002), (
        "".join(first.log[-30:]))

    with RowLock(ExportJob._meta.db_table, "id = %s", [job.pk]) as lock:
        assert lock.status == JobStatus.RUNNING, "the export ended before the lock: make PUPILS larger"
        kill(first)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1 and job.file.name in ("", None)
    assert job.worker, "the claim names its worker"

    # A minute without a beat: the sweep sends it again; another worker claims it.
    assert requeue_stale_jobs(now=timezone.now())["exports"] == 0, "its worker beat seconds ago"
    a_minute_passes(job.worker)
    assert requeue_stale_jobs(now=timezone.now())["exports"] == 1
    second = services()
    assert wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(), timeout=60), (
        "".join(second.log[-30:]))

    job.refresh_from_db()
    assert job.attempts == 2 and job.rows_done == job.rows_total == PUPILS
    lines = job.file.read().decode("utf-8").split("\n")
    assert len(lines) == PUPILS + 2 and lines[-1] == ""
    directory = job.file.path.rsplit("/", 1)[0]
    assert os.listdir(directory) == [os.path.basename(job.file.name)], "a half-written file was left"


def test_an_analysis_whose_worker_is_killed_midway_is_computed_again(services, generated):
    campaign_id = generated["evaluation_id"]
    first = services()
    CampaignAnalysis.objects.create(campaign_id=campaign_id, status=JobStatus.REQUESTED,
                                    requested_at=timezone.now() - timedelta(minutes=1))
    compute_campaign_analysis.delay(campaign_id)
    assert wait_for(lambda: CampaignAnalysis.objects.filter(campaign_id=campaign_id, status=JobStatus.RUNNING)
                    .exists(), interval=0.002), "".join(first.log[-30:])

    with RowLock(CampaignAnalysis._meta.db_table, "campaign_id = %s", [campaign_id]) as lock:
        assert lock.status == JobStatus.RUNNING, "the analysis ended before the lock: make PUPILS larger"
        kill(first)
    dead = CampaignAnalysis.objects.get(campaign_id=campaign_id)
    assert dead.status == JobStatus.RUNNING and dead.worker

    assert requeue_stale_jobs(now=timezone.now())["analyses"] == 0, "its worker beat seconds ago"
    a_minute_passes(dead.worker)
    assert requeue_stale_jobs(now=timezone.now())["analyses"] == 1
    second = services()
    assert wait_for(lambda: CampaignAnalysis.objects.filter(campaign_id=campaign_id, status=JobStatus.DONE)
                    .exists(), timeout=60), "".join(second.log[-30:])

    analysis = CampaignAnalysis.objects.get(campaign_id=campaign_id)
    expected, participants = campaign_analysis_compute(campaign_id)
    assert analysis.participant_count == participants > 0
    assert analysis.data == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))
