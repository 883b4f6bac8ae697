""""Exporter les résultats": the request (a status row, then a Celery job) and the job itself.

A job row goes requested → running → done | failed. A worker claims it with a conditional
UPDATE that also counts the attempt, writes the file under a temporary name and renames it
when whole, so the file is complete or absent. The message is acknowledged only after the
task returns (acks_late): a worker killed in the middle leaves the message to be delivered
again, and the job, running with an old `started_at`, is claimed again and rebuilt whole.
"""

import contextlib
import logging
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from campaigns.models import Campaign
from learning_content.repository import get_content
from lib import health, heartbeat
from lib.queue import send_on_commit

from . import exports
from .export_files import ACTIVE, EXPORT_DIR, exports_expire
from .models import ExportJob, JobStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A job is orphaned as soon as its worker stops beating (lib.heartbeat), or once it has run
# for longer than this: the task's time limit stops a live worker before. 10,000
# participations take about 20 s in CSV, 45 s in XLSX.
STALE_AFTER = timedelta(minutes=15)

BUILT, FAILED, RETRY, BUSY, SKIPPED = "built", "failed", "retry", "busy", "skipped"


class Superseded(Exception):
    """Another worker took the job over (this one was thought dead)."""


def export_request(*, campaign, user, format: str, now, divisions=()) -> ExportJob:
    """The export under way for this campaign, format and classes, or a new one. A job that
    looks stuck (its message lost, or its worker dead) is sent to the workers again."""
    if format not in ExportJob.Format.values:
        raise ValueError(f"unknown export format {format!r}")
    divisions = sorted(set(divisions))
    with transaction.atomic():
        # Two clicks at once would both find no job under way: the campaign row serializes them.
        list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True))
        # The jobs under way are few; their classes are compared here, as SQLite cannot in SQL.
        under_way = ExportJob.objects.filter(campaign=campaign, format=format, status__in=ACTIVE)
        job = next((job for job in under_way if job.divisions == divisions), None)
        if job is None:
            job = ExportJob.objects.create(
                campaign=campaign, requested_by=user, format=format, requested_at=now, divisions=divisions,
            )
        elif not _looks_stuck(job, now):
            return job
        send_on_commit(build_export, (job.pk,))
    logger.info("export %s (%s) of campaign %s requested", job.pk, format, campaign.pk)
    return job


def _looks_stuck(job, now) -> bool:
    if job.status == JobStatus.RUNNING:
        return _orphaned(job.pk, now)
    return job.requested_at < now - STALE_AFTER


def _orphaned(job_id, now) -> bool:
    return ExportJob.objects.filter(
        heartbeat.orphaned(now=now, running_for=STALE_AFTER), pk=job_id, status=JobStatus.RUNNING
    ).exists()


def export_latest(campaign) -> dict:
    """The panel's two jobs: the last one asked for and the last file still there (two queries)."""
    jobs = ExportJob.objects.filter(campaign=campaign)
    job = jobs.first()
    return {
        "export_job": job,
        "last_done_export": jobs.filter(status=JobStatus.DONE, file_deleted_at__isnull=True).first(),
        "export_waits": export_waits(job),
    }


def export_waits(job: ExportJob | None) -> bool:
    """The job is asked for but no worker can take it now (broker or workers down): the page
    says it will start by itself."""
    return job is not None and job.status == JobStatus.REQUESTED and health.jobs_wait_for_workers()


def _claim(job_id, now) -> bool:
    worker = heartbeat.beat(now=now)
    return bool(
        ExportJob.objects.filter(pk=job_id, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(status=JobStatus.REQUESTED)
                | Q(heartbeat.orphaned(now=now, running_for=STALE_AFTER), status=JobStatus.RUNNING))
        .update(status=JobStatus.RUNNING, started_at=now, worker=worker, finished_at=None,
                attempts=F("attempts") + 1, rows_done=0, error="")
    )


def export_build(*, job_id: int, clock=timezone.now) -> str:
    """Claim the job and write its file. Returns BUILT, FAILED (given up), RETRY (this attempt
    failed, try again later), BUSY (a live worker holds it) or SKIPPED (nothing to do)."""
    now = clock()
    if not _claim(job_id, now):
        return _unclaimed(job_id, now)
    job = ExportJob.objects.select_related("campaign__organization").get(pk=job_id)
    directory = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob(f".export-{job.pk}-*"):
        # The half-written file of an attempt that died.
        leftover.unlink(missing_ok=True)
    extension = job.format
    temporary = directory / f".export-{job.pk}-{job.attempts}.part"
    # Unguessable, in case the media directory is ever served: the view checks the membership.
    name = f"{EXPORT_DIR}/{job.campaign_id}-{job.pk}-{secrets.token_urlsafe(12)}.{extension}"
    started = time.monotonic()
    try:
        rows = _write(job, temporary)
        os.replace(temporary, Path(settings.MEDIA_ROOT) / name)
    except Superseded:
        temporary.unlink(missing_ok=True)
        logger.warning("export %s: attempt %s stopped, the job was taken over", job.pk, job.attempts)
        return SKIPPED
    except Exception as error:
        temporary.unlink(missing_ok=True)
        return _attempt_failed(job, error, clock())
    finished = ExportJob.objects.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, finished_at=clock(), file=name, rows_done=rows, rows_total=rows,
        filename=exports.export_filename(job.campaign.name, job.campaign_id, job.requested_at, extension),
    )
    if not finished:
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
        logger.warning("export %s: attempt %s finished after being taken over", job.pk, job.attempts)
        return SKIPPED
    logger.info("export %s (%s) of campaign %s done: %s rows in %.1f s, attempt %s",
                job.pk, extension, job.campaign_id, rows, time.monotonic() - started, job.attempts)
    return BUILT


def _write(job, temporary: Path) -> int:
    campaign = job.campaign
    with translation.override(settings.LANGUAGE_CODE):
        layout = exports.campaign_layout(campaign, get_content(), max_level=settings.MAX_REACHABLE_LEVEL)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=exports.export_row_count(campaign, job.divisions))
        writer = exports.WRITERS[job.format](temporary)
        rows = 0
        try:
            writer.write(exports.headers(layout))
            for lines in exports.export_chunks(campaign, layout, divisions=job.divisions):
                for values in lines:
                    writer.write(values)
                rows += len(lines)
                mine = ExportJob.objects.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)
                if not mine.update(rows_done=rows):
                    raise Superseded
        except BaseException:
            with contextlib.suppress(Exception):
                writer.close()
            raise
        writer.close()
    # Renamed only once on disk: a power cut right after must not leave an empty "whole" file.
    with open(temporary, "rb") as written:
        os.fsync(written.fileno())
    return rows


def _attempt_failed(job, error, now) -> str:
    last = job.attempts >= MAX_ATTEMPTS
    ExportJob.objects.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED if last else JobStatus.REQUESTED, finished_at=now if last else None,
        error=f"{type(error).__name__}: {error}"[:2000],
    )
    logger.error("export %s failed (attempt %s of %s)", job.pk, job.attempts, MAX_ATTEMPTS, exc_info=error)
    return FAILED if last else RETRY


def _unclaimed(job_id, now) -> str:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in ACTIVE:
        return SKIPPED
    if job.status == JobStatus.RUNNING and not _orphaned(job.pk, now):
        return BUSY
    # Requested or stale, but every attempt is spent: its workers keep dying on it.
    ExportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=JobStatus.FAILED, finished_at=now, error=f"abandoned after {job.attempts} attempts",
    )
    logger.error("export %s abandoned after %s attempts", job.pk, job.attempts)
    return FAILED


# Cut before STALE_AFTER: a job running for longer than that is then surely orphaned, and
# never taken from a worker still writing it.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=2 * MAX_ATTEMPTS,
             soft_time_limit=(STALE_AFTER - timedelta(minutes=2)).total_seconds(),
             time_limit=(STALE_AFTER - timedelta(minutes=1)).total_seconds())
def build_export(self, job_id: int) -> str:
    outcome = export_build(job_id=job_id)
    if outcome == RETRY:
        raise self.retry(countdown=30 * self.request.retries + 5)
    if outcome == BUSY:
        # Maybe a second delivery while the first worker still writes; maybe that worker just
        # died. Come back when the job would count as stale.
        raise self.retry(countdown=STALE_AFTER.total_seconds() + 5)
    return outcome


@shared_task
def expire_export_files() -> int:
    """Every few minutes on Celery beat (settings.CELERY_BEAT_SCHEDULE)."""
    return exports_expire(now=timezone.now())
