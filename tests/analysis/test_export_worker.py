"""The export job on a real Celery worker (PostgreSQL + Redis)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from analysis import export_tasks
from analysis.export_tasks import build_export, export_request
from analysis.models import ExportJob, JobStatus
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from tests.conftest import wait_for
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")

pytestmark = pytest.mark.services


@pytest.fixture
def shared_media(settings, tmp_path, monkeypatch):
    """One media folder for this process and the worker it starts (request it before real_worker)."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    return media


@pytest.fixture
def collection(school, teacher):
    campaign = CampaignFactory(organization=school, creator=teacher, name="Collecte 3e B")
    shared = ParticipationFactory(campaign=campaign, user=UserFactory(last_name="Abel", first_name="Zoé"),
                                  status="SHARED", pix_score=30, is_certifiable=True)
    KnowledgeElementSnapshot.objects.create(participation=shared, snapshotted_at=timezone.now(), knowledge_elements=[])
    ParticipationFactory(campaign=campaign, user=UserFactory(last_name="Bernard", first_name="Élodie"),
                         status="TO_SHARE")
    return campaign


def finished(job):
    job.refresh_from_db()
    return job.status in (JobStatus.DONE, JobStatus.FAILED)


def lines_of(job):
    return job.file.read().decode("utf-8").split("\n")


def test_a_real_worker_builds_the_file(shared_media, real_worker, collection, teacher):
    job = export_request(campaign=collection, user=teacher, format="csv", now=timezone.now())

    assert wait_for(lambda: finished(job)), "".join(real_worker.log[-30:])
    assert job.status == JobStatus.DONE and job.rows_done == 2, job.error
    lines = lines_of(job)
    assert len(lines) == 4 and lines[-1] == ""
    shared_at = CampaignParticipation.objects.get(status="SHARED").shared_at
    assert lines[1].endswith(f'"Abel";"Zoé";"Oui";"{shared_at.astimezone(PARIS):%d/%m/%Y %H:%M}";30;"Oui";0')
    assert lines[2].endswith('"Bernard";"Élodie";"Non";"NA";"NA";"NA";"NA"')


def test_a_job_whose_worker_died_is_rebuilt_whole_by_a_real_worker(shared_media, real_worker, collection):
    now = timezone.now()
    job = ExportJob.objects.create(
        campaign=collection, format="csv", status=JobStatus.RUNNING, attempts=1, rows_done=1, rows_total=2,
        requested_at=now - timedelta(hours=1), started_at=now - export_tasks.STALE_AFTER - timedelta(minutes=1),
    )
    (shared_media / "exports").mkdir(parents=True)
    leftover = shared_media / "exports" / f".export-{job.pk}-1.part"
    leftover.write_text('\ufeff"Nom de l\'organisation";"ID Campagne"\n"Collège')

    build_export.delay(job.pk)

    assert wait_for(lambda: finished(job)), "".join(real_worker.log[-30:])
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.rows_done == 2, job.error
    assert not leftover.exists()
    assert [item.name for item in (shared_media / "exports").iterdir()] == [job.file.name.split("/")[-1]]
    assert len(lines_of(job)) == 4
