"""Faults lose nothing: Redis down while pupils answer and send, a database connection cut
under the app, jobs whose message was lost sent again by the sweep."""

import logging
import re
from datetime import timedelta
from urllib.request import urlopen

import pytest
from django.core import mail
from django.db import close_old_connections, connection, connections
from django.urls import reverse
from django.utils import timezone

from analysis.models import CampaignAnalysis, ExportJob, JobStatus
from demo.siecle import generated_students, siecle_xml
from organizations.models import Invitation, LearnerImport
from participations.models import CampaignParticipation
from pixorga.celery import app as celery_app
from pixorga.sweep import requeue_stale_jobs
from tests.participations.student import answer_all
from tests.utils import text


def test_with_redis_down_pupils_still_answer_and_send_and_the_sweep_catches_up(
    client, evaluation, student, redis_down, caplog, django_capture_on_commit_callbacks
):
    client.force_login(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    participation = CampaignParticipation.objects.get()
    answers = answer_all(client, participation.assessment_id)

    with caplog.at_level(logging.ERROR, logger="lib.queue"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participations:results", args=[evaluation.code]))

    assert answers > 0
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.status == "SHARED", "the sending is kept"
    assert "not sent, the broker is unavailable" in caplog.text
    analysis = CampaignAnalysis.objects.get(campaign=evaluation)
    assert analysis.status == JobStatus.REQUESTED

    celery_app.conf.task_always_eager = True
    sent = requeue_stale_jobs(now=timezone.now() + timedelta(minutes=5))

    assert sent["analyses"] == 1
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.DONE
    assert analysis.participant_count == 1


def test_with_redis_down_an_export_asked_for_is_built_once_redis_is_back(
    client, evaluation, teacher, redis_down, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(teacher)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start", args=[evaluation.pk]), {"format": "csv"})

    assert response.status_code in (200, 302)
    job = ExportJob.objects.get()
    assert job.status == JobStatus.REQUESTED
    celery_app.conf.task_always_eager = True
    requeue_stale_jobs(now=timezone.now() + timedelta(minutes=5))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_with_redis_down_an_uploaded_student_base_is_imported_once_redis_is_back(
    client, school, correspondent, redis_down, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    school.is_managing_students = True
    school.save()
    client.force_login(correspondent)
    data = siecle_xml(school.external_id, generated_students(5, divisions=["3e A"]))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orga:learner_import"), {"file": SimpleUploadedFile("eleves.xml", data)})

    assert LearnerImport.objects.get().status == LearnerImport.Status.UPLOADED
    celery_app.conf.task_always_eager = True
    requeue_stale_jobs(now=timezone.now() + timedelta(minutes=5))
    assert LearnerImport.objects.get().status == LearnerImport.Status.IMPORTED


def test_with_redis_down_an_invitation_is_mailed_once_redis_is_back_with_a_link_that_works(
    client, school, correspondent, redis_down, django_capture_on_commit_callbacks
):
    client.force_login(correspondent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orga:team_invite"), {"emails": "nouveau@college.test"}, follow=True)

    assert "Une invitation a bien été envoyée à l'adresse e-mail nouveau@college.test." in text(response)
    assert Invitation.objects.get(email="nouveau@college.test").mailed_at is None and mail.outbox == []
    celery_app.conf.task_always_eager = True
    assert requeue_stale_jobs(now=timezone.now() + timedelta(minutes=1))["invitations"] == 0, "still in its grace"
    assert requeue_stale_jobs(now=timezone.now() + timedelta(minutes=5))["invitations"] == 1

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouveau@college.test"]
    link = re.search(r"http://testserver(/orga/rejoindre/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Vous êtes invité(e) à rejoindre l'organisation Collège Victor Hugo" in text(page)
    assert requeue_stale_jobs(now=timezone.now() + timedelta(minutes=10))["invitations"] == 0, "sent once"


def test_the_sweep_leaves_alone_jobs_that_are_on_time_or_done(db, evaluation):
    now = timezone.now()
    CampaignAnalysis.objects.create(campaign=evaluation, requested_at=now)
    ExportJob.objects.create(campaign=evaluation, requested_at=now - timedelta(days=1), status=JobStatus.DONE)

    assert requeue_stale_jobs(now=now) == {"exports": 0, "analyses": 0, "imports": 0, "invitations": 0}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts PostgreSQL connections")
def test_a_database_connection_cut_under_the_app_is_replaced_at_the_next_request(live_server, evaluation):
    """What a PostgreSQL restart looks like from a web process: its persistent connection is
    dead. What every request does first (close_old_connections, then the health check of
    CONN_HEALTH_CHECKS) replaces it, and pages answer again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    admin = connections.create_connection("default")
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    admin.close()

    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid

    page = live_server.url + reverse("participations:entry", args=[evaluation.code])
    assert urlopen(page).status == 200
    assert urlopen(live_server.url + "/healthz").status == 200
