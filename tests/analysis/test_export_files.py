"""Export files have a life: downloadable for EXPORT_RETENTION_HOURS, deleted by the sweep,
deleted at once with the participations or campaigns they hold, never cached."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from analysis import exports
from analysis.export_files import exports_expire
from analysis.export_tasks import expire_export_files, export_build, export_request
from analysis.models import ExportJob, JobStatus
from organizations.models import Membership
from participations.models import KnowledgeElementSnapshot
from participations.services import participation_delete
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory
from tests.utils import text


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def collection(school, teacher):
    campaign = CampaignFactory(organization=school, creator=teacher, name="Collecte 3e B")
    shared = ParticipationFactory(campaign=campaign, user=UserFactory(last_name="Abel", first_name="Zoé"),
                                  status="SHARED", pix_score=30, is_certifiable=True)
    KnowledgeElementSnapshot.objects.create(participation=shared, snapshotted_at=timezone.now(), knowledge_elements=[])
    return campaign


@pytest.fixture
def built(collection, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(campaign=collection, user=teacher, format="csv", now=timezone.now())
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    return job


def on_disk(job_or_name) -> Path:
    name = job_or_name if isinstance(job_or_name, str) else job_or_name.file.name
    return Path(django_settings.MEDIA_ROOT) / name


def download(client, job):
    return client.get(reverse("exports:download", args=[job.campaign_id, job.pk]))


def test_the_file_is_served_so_that_no_browser_nor_proxy_keeps_it(client_of, teacher, built):
    response = download(client_of(teacher), built)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_the_panel_says_until_when_the_file_can_be_downloaded(client_of, teacher, built, settings):
    settings.EXPORT_RETENTION_HOURS = 24
    finished = timezone.localtime(timezone.now().replace(microsecond=0))
    ExportJob.objects.filter(pk=built.pk).update(finished_at=finished)
    until = timezone.localtime(finished + timedelta(hours=24))

    status = text(client_of(teacher).get(reverse("exports:status", args=[built.campaign_id, built.pk])))

    assert f"Disponible jusqu’au {until:%d/%m/%Y à %H:%M}." in status
    assert "Télécharger le fichier" in status


def test_the_sweep_deletes_a_file_older_than_the_retention_and_the_download_says_why(
    client_of, teacher, built, settings, django_capture_on_commit_callbacks,
):
    settings.EXPORT_RETENTION_HOURS = 24
    path = on_disk(built)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        kept = exports_expire(now=built.finished_at + timedelta(hours=23, minutes=59))
    assert kept == 0 and path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        deleted = exports_expire(now=built.finished_at + timedelta(hours=24, minutes=1))

    assert deleted == 1 and not path.exists()
    built.refresh_from_db()
    assert (built.file.name, built.file_deleted_reason) == ("", "expired")
    response = download(client_of(teacher), built)
    page = text(response)
    assert response.status_code == 410
    assert "Ce fichier d'export n'est plus disponible" in page
    assert "passé ce délai, il est effacé pour ne pas garder les données des élèves" in page
    assert "Télécharger le fichier" not in text(
        client_of(teacher).get(reverse("analysis:results", args=[built.campaign_id]))
    )


def test_the_retention_is_a_setting(built, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_RETENTION_HOURS = 2
    path = on_disk(built)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = exports_expire(now=built.finished_at + timedelta(hours=2, minutes=1))

    assert deleted == 1 and not path.exists()


def test_the_sweep_runs_on_celery_beat():
    entries = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert "analysis.export_tasks.expire_export_files" in entries
    assert django_settings.EXPORT_RETENTION_HOURS == 24


def test_the_sweep_removes_orphan_files_but_not_a_file_being_written(built, django_capture_on_commit_callbacks):
    directory = on_disk(built).parent
    orphan, fresh = directory / "7-99-lost.csv", directory / ".export-100-1.part"
    orphan.write_text("Abel;Zoé")
    fresh.write_text("Abel;Zoé")
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(orphan, (two_hours_ago, two_hours_ago))

    with django_capture_on_commit_callbacks(execute=True):
        exports_expire(now=timezone.now())

    assert not orphan.exists() and fresh.exists() and on_disk(built).exists()


def test_deleting_a_participation_deletes_the_files_that_hold_it_at_once(
    client_of, correspondent, teacher, built, collection, django_capture_on_commit_callbacks,
):
    participation = collection.participations.get()
    path = on_disk(built)

    with django_capture_on_commit_callbacks(execute=True):
        client_of(correspondent).post(reverse("analysis:participation_delete", args=[collection.pk, participation.pk]))

    assert not path.exists()
    response = download(client_of(teacher), built)
    assert response.status_code == 410
    assert "parce que des participations qu’il contenait ont été supprimées" in text(response)


def test_deleting_campaigns_deletes_their_files_at_once(
    client_of, teacher, built, collection, django_capture_on_commit_callbacks,
):
    path = on_disk(built)

    with django_capture_on_commit_callbacks(execute=True):
        client_of(teacher).post(reverse("campaigns:delete"), {"campaign": [collection.pk], "confirm": "on"})

    assert not path.exists()
    built.refresh_from_db()
    assert built.file_deleted_reason == "erased"


def test_other_campaigns_files_stay_when_a_participation_is_deleted(
    client_of, correspondent, teacher, school, built, collection, django_capture_on_commit_callbacks,
):
    other = CampaignFactory(organization=school, creator=teacher)
    ParticipationFactory(campaign=other, status="SHARED")
    with django_capture_on_commit_callbacks(execute=True):
        other_job = export_request(campaign=other, user=teacher, format="csv", now=timezone.now())
    other_job.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        client_of(correspondent).post(reverse("analysis:participation_delete",
                                              args=[collection.pk, collection.participations.get().pk]))

    assert on_disk(other_job).exists() and download(client_of(teacher), other_job).status_code == 200


def test_an_export_being_written_when_participations_are_deleted_leaves_no_file(
    collection, correspondent, teacher, monkeypatch, media_root, django_capture_on_commit_callbacks,
):
    job = ExportJob.objects.create(campaign=collection, requested_by=teacher, format="csv",
                                   requested_at=timezone.now())
    chunks = exports.export_chunks

    def deleted_in_the_middle(campaign, layout, **kwargs):
        for chunk in chunks(campaign, layout, **kwargs):
            participation_delete(participation=collection.participations.get(), now=timezone.now(),
                                 membership=Membership.objects.get(user=correspondent))
            yield chunk

    monkeypatch.setattr(exports, "export_chunks", deleted_in_the_middle)

    outcome = export_build(job_id=job.pk)

    job.refresh_from_db()
    assert outcome == "skipped" and job.status == JobStatus.FAILED and job.file.name == ""
    assert not any(Path(media_root).rglob("*.csv")) and not any(Path(media_root).rglob("*.part"))


def test_a_file_missing_on_disk_answers_a_page_that_says_so(client_of, teacher, built):
    on_disk(built).unlink()

    response = download(client_of(teacher), built)

    assert response.status_code == 410 and "Le fichier est introuvable sur le serveur." in text(response)


def test_a_teacher_of_another_school_gets_404_for_a_deleted_file(
    client_of, teacher_of_another_school, built, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        exports_expire(now=built.finished_at + timedelta(days=2))

    assert download(client_of(teacher_of_another_school), built).status_code == 404


def test_the_beat_task_expires_the_files(built, django_capture_on_commit_callbacks, settings):
    settings.EXPORT_RETENTION_HOURS = 0
    ExportJob.objects.filter(pk=built.pk).update(finished_at=timezone.now() - timedelta(minutes=1))
    path = on_disk(built)

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_export_files.apply().get() == 1

    assert not path.exists()
