"""Logins for a big class are a background job with its progress, whose file (the one-time
passwords) is offered once and kept encrypted until then, an hour at most."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organizations import learner_logins
from organizations.learner_logins import learner_logins_request, learner_logins_run
from organizations.models import LoginGeneration, OrganizationLearner
from organizations.tasks import sweep_login_generations
from privacy.erasure import learner_erase
from tests.factories import LearnerFactory, UserFactory
from tests.utils import text


@pytest.fixture
def class_4e_c(managing_school):
    """Eight pupils of 4e C without account, and one who signs in with her e-mail."""
    pupils = [LearnerFactory(organization=managing_school, division="4e C", first_name=f"Élève{n}",
                             last_name=f"Quatrième{n}") for n in range(8)]
    LearnerFactory(organization=managing_school, division="4e C", first_name="Lina", last_name="Courriel",
                   user=UserFactory(email="lina@famille.test"))
    return pupils


def ask(client, capture, division="4e C"):
    with capture(execute=True):
        response = client.post(reverse("orga:learner_logins"), {"division": division})
    return response


def job_url(job):
    return reverse("orga:learner_logins_job", args=[job.pk])


def file_url(job):
    return reverse("orga:learner_logins_download", args=[job.pk])


def test_asking_starts_a_job_and_no_password_is_made_in_the_request(client_of, correspondent, class_4e_c):
    response = client_of(correspondent).post(reverse("orga:learner_logins"), {"division": "4e C"})

    job = LoginGeneration.objects.get()
    assert response.status_code == 302 and response.url == job_url(job)
    assert job.status == "requested" and job.division == "4e C" and job.requested_by == correspondent
    assert not User.objects.filter(username__isnull=False).exists()


def test_the_job_page_polls_with_its_progress_while_the_worker_runs(client_of, correspondent, managing_school):
    job = LoginGeneration.objects.create(organization=managing_school, division="4e C", status="running",
                                         requested_at=timezone.now(), started_at=timezone.now(), attempts=1,
                                         rows_done=400, rows_total=1000)

    page = text(client_of(correspondent).get(job_url(job)))

    assert f'hx-get="{job_url(job)}"' in page and 'hx-trigger="every 2s"' in page
    assert 'max="1000" value="400"' in page and "Élèves traités : 400 sur 1000" in page
    assert f'<label class="fr-label" for="logins-progress-{job.pk}">Progression</label>' in page
    assert '<div id="logins-status" role="status" aria-live="polite">' in page


def test_the_worker_reports_its_progress_while_hashing(managing_school, class_4e_c, correspondent, monkeypatch):
    monkeypatch.setattr(learner_logins, "PROGRESS_EVERY", 2)
    job = LoginGeneration.objects.create(organization=managing_school, division="4e C", requested_at=timezone.now())
    seen = []
    made = learner_logins.credential_new

    def watched():
        seen.append(LoginGeneration.objects.values_list("rows_done", "rows_total").get())
        return made()

    monkeypatch.setattr(learner_logins, "credential_new", watched)

    assert learner_logins_run(job.pk) == "done"

    assert seen == [(0, 8), (0, 8), (2, 8), (2, 8), (4, 8), (4, 8), (6, 8), (6, 8)]


def test_the_file_is_offered_once_and_then_says_why_it_is_gone(
    client_of, correspondent, class_4e_c, django_capture_on_commit_callbacks,
):
    client = client_of(correspondent)
    job_page = client.get(ask(client, django_capture_on_commit_callbacks).url)
    job = LoginGeneration.objects.get()
    assert "Le fichier est prêt : 8 élèves avec leur identifiant et leur mot de passe provisoire." in text(job_page)
    assert "1 élève de la classe n'en a pas besoin" in text(job_page)
    assert "Ce fichier ne se télécharge qu'une seule fois, dans l'heure" in text(job_page)

    first = client.get(file_url(job))
    second = client.get(file_url(job))

    lines = first.content.decode("utf-8").splitlines()
    assert first.status_code == 200 and first["Cache-Control"] == "no-store, private"
    assert lines[0] == '\ufeff"Classe";"Nom";"Prénom";"Identifiant";"Mot de passe"' and len(lines) == 9
    _class, _last, _first, username, password = lines[1].replace('"', "").split(";")
    assert authenticate(username=username, password=password) is not None
    assert second.status_code == 410
    assert "Le fichier a été téléchargé le" in text(second) and "ne se télécharge qu'une fois" in text(second)
    job.refresh_from_db()
    assert job.data is None and job.downloaded_at is not None
    assert "Générer à nouveau les identifiants de la classe" in text(client.get(job_url(job)))


def test_until_its_download_the_file_is_kept_encrypted(client_of, correspondent, class_4e_c,
                                                       django_capture_on_commit_callbacks):
    client = client_of(correspondent)
    ask(client, django_capture_on_commit_callbacks)

    stored = bytes(LoginGeneration.objects.get().data)
    passwords = [line.split(";")[-1].strip('"') for line in
                 client.get(file_url(LoginGeneration.objects.get())).content.decode().splitlines()[1:]]

    assert len(passwords) == 8
    assert not any(password.encode() in stored for password in passwords)
    assert b"Quatri" not in stored and "Quatrième".encode() not in stored


def test_a_file_not_downloaded_within_the_hour_is_erased_by_the_sweep(
    client_of, correspondent, class_4e_c, django_capture_on_commit_callbacks,
):
    client = client_of(correspondent)
    ask(client, django_capture_on_commit_callbacks)
    job = LoginGeneration.objects.get()
    LoginGeneration.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(minutes=59))
    assert sweep_login_generations.apply().get()["expired"] == 0
    LoginGeneration.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(minutes=61))

    assert sweep_login_generations.apply().get()["expired"] == 1

    response = client.get(file_url(job))
    assert response.status_code == 410 and "il n'a pas été téléchargé dans l'heure" in text(response)


def test_a_second_click_follows_the_same_job(client_of, correspondent, class_4e_c):
    client = client_of(correspondent)

    first = client.post(reverse("orga:learner_logins"), {"division": "4e C"})
    second = client.post(reverse("orga:learner_logins"), {"division": "4e C"})

    assert first.url == second.url and LoginGeneration.objects.count() == 1


def test_a_failure_writes_nothing_and_the_job_is_tried_again(managing_school, class_4e_c, monkeypatch):
    job = LoginGeneration.objects.create(organization=managing_school, division="4e C", requested_at=timezone.now())
    real = learner_logins.learners_generate_logins

    def broken(**kwargs):
        real(**kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(learner_logins, "learners_generate_logins", broken)

    assert learner_logins_run(job.pk) == "retry"

    job.refresh_from_db()
    assert job.status == "requested" and "disk full" in job.error and job.data is None
    assert not User.objects.filter(username__isnull=False).exists()
    assert not OrganizationLearner.objects.filter(user__isnull=False, user__email__isnull=True).exists()
    monkeypatch.setattr(learner_logins, "learners_generate_logins", real)
    assert learner_logins_run(job.pk) == "done"
    assert User.objects.filter(username__isnull=False).count() == 8


def test_the_last_failed_attempt_says_so_on_the_page(client_of, correspondent, managing_school):
    job = LoginGeneration.objects.create(organization=managing_school, division="4e C", status="failed",
                                         requested_at=timezone.now(), attempts=3)

    page = text(client_of(correspondent).get(job_url(job)))

    assert "a échoué : aucun compte n'a été modifié. Vous pouvez la relancer." in page and "hx-trigger" not in page


def test_a_job_whose_message_was_lost_is_sent_again_by_the_sweep(managing_school, class_4e_c, correspondent):
    job = learner_logins_request(organization=managing_school, division="4e C", user=correspondent,
                                 now=timezone.now() - timedelta(minutes=3))

    assert sweep_login_generations.apply().get()["sent"] == 1

    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1


def test_erasing_a_pupil_of_the_class_erases_the_file_not_yet_downloaded(
    client_of, correspondent, class_4e_c, django_capture_on_commit_callbacks,
):
    client = client_of(correspondent)
    ask(client, django_capture_on_commit_callbacks)

    learner_erase(learner_id=class_4e_c[0].pk, by=correspondent, now=timezone.now())

    assert LoginGeneration.objects.get().data is None
    assert "un élève de la classe a été supprimé" in text(client.get(file_url(LoginGeneration.objects.get())))


def test_the_job_page_costs_the_same_queries_for_a_small_and_a_big_class(client_of, correspondent, managing_school):
    client = client_of(correspondent)
    job = LoginGeneration.objects.create(organization=managing_school, division="4e C", status="done",
                                         requested_at=timezone.now(), finished_at=timezone.now(), rows_total=3,
                                         data=b"x")
    client.get(job_url(job))
    with CaptureQueriesContext(connection) as small:
        client.get(job_url(job))
    LoginGeneration.objects.filter(pk=job.pk).update(rows_total=1000, data=b"x" * 100_000)
    with CaptureQueriesContext(connection) as big:
        client.get(job_url(job))

    assert len(small) == len(big)
    # The file itself is never read to draw the page, only whether it is there.
    column = '"organizations_logingeneration"."data"'
    sql = " ".join(query["sql"] for query in big)
    assert sql.count(column) == sql.count(column + " IS ") >= 1


@pytest.mark.parametrize("name", ["orga:learner_logins_job", "orga:learner_logins_download"])
def test_another_schools_admin_gets_404_and_a_member_403(
    client_of, correspondent, teacher, teacher_of_another_school, class_4e_c, name,
    django_capture_on_commit_callbacks,
):
    ask(client_of(correspondent), django_capture_on_commit_callbacks)
    job = LoginGeneration.objects.get()

    assert client_of(teacher_of_another_school).get(reverse(name, args=[job.pk])).status_code == 404
    assert client_of(teacher).get(reverse(name, args=[job.pk])).status_code == 403
    assert LoginGeneration.objects.get().data is not None
