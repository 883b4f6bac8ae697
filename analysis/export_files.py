"""The life of an export file, which holds pupils' names and results: downloadable for
EXPORT_RETENTION_HOURS after it was built, then deleted by the periodic sweep; deleted at once
when participations it may hold are deleted or erased. The job row stays, with the date and
the reason, so that a late download explains why the file is gone.

The rows are updated in the caller's transaction and the files unlinked once it commits: a
rollback never leaves a row pointing to a deleted file, and a crash between the two leaves
an orphan file that the next sweep removes."""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import ExportJob, FileDeletion, JobStatus

logger = logging.getLogger(__name__)

EXPORT_DIR = "exports"
ACTIVE = (JobStatus.REQUESTED, JobStatus.RUNNING)
# A file on disk that no job names is an orphan once older than this (a build in progress
# writes under a temporary name, renamed when whole).
ORPHAN_AFTER = timedelta(hours=1)


def exports_discard(*, campaign_ids, now) -> int:
    """The files of these campaigns are deleted: participations they may hold were deleted or
    erased. A file being written is stopped too (its worker finds the job taken and drops
    what it wrote); the teacher starts a new export. Returns the number of files deleted."""
    campaign_ids = set(campaign_ids)
    if not campaign_ids:
        return 0
    with transaction.atomic():
        stopped = ExportJob.objects.filter(campaign_id__in=campaign_ids, status__in=ACTIVE).update(
            status=JobStatus.FAILED, finished_at=now, error="stopped: participations deleted during the build",
        )
        if stopped:
            logger.info("%s export(s) under way stopped: campaigns %s lost participations", stopped,
                        sorted(campaign_ids))
        return _delete_files(ExportJob.objects.filter(campaign_id__in=campaign_ids), FileDeletion.ERASED, now)


def exports_expire(*, now) -> int:
    """The periodic sweep: files older than EXPORT_RETENTION_HOURS, and orphans."""
    limit = now - timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    with transaction.atomic():
        count = _delete_files(ExportJob.objects.filter(finished_at__lt=limit), FileDeletion.EXPIRED, now)
    _delete_orphans(now)
    if count:
        logger.info("%s export file(s) expired", count)
    return count


def _delete_files(jobs, reason, now) -> int:
    # Locked: a download or another sweep reading the row waits for the decision.
    files = dict(
        jobs.select_for_update().filter(status=JobStatus.DONE, file_deleted_at__isnull=True).exclude(file="")
        .values_list("pk", "file")
    )
    if not files:
        return 0
    ExportJob.objects.filter(pk__in=files).update(file="", file_deleted_at=now, file_deleted_reason=reason)
    names = list(files.values())
    transaction.on_commit(lambda: _unlink(names))
    return len(files)


def _unlink(names) -> None:
    for name in names:
        try:
            (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
        except OSError:
            logger.exception("export file %s could not be deleted: the next sweep tries again", name)


def _delete_orphans(now) -> None:
    directory = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    if not directory.is_dir():
        return
    known = {Path(name).name for name in ExportJob.objects.exclude(file="").values_list("file", flat=True)}
    oldest = (now - ORPHAN_AFTER).timestamp()
    for path in directory.iterdir():
        try:
            if path.is_file() and path.name not in known and path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
                logger.warning("orphan export file %s deleted", path.name)
        except OSError:
            logger.exception("orphan export file %s could not be deleted", path.name)
