"""Redis stopped (cache and broker on a port where nothing listens, the cache configured as in
production): every page a pupil or a teacher uses still answers, the limits fall back to each
process's memory with one warning line, jobs asked for wait in their rows, and /healthz says
"degraded"."""

import logging

from django.db import OperationalError, connection
from django.urls import reverse

from analysis.models import ExportJob, JobStatus
from participations.models import CampaignParticipation
from tests.conftest import PASSWORD
from tests.factories import ParticipationFactory
from tests.participations.student import answer_all, current_challenge_id
from tests.utils import text


def test_a_pupil_signs_in_joins_answers_and_sends_his_results_with_redis_down(
    client, evaluation, student, redis_down, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO):
        wrong = client.post(reverse("account_login"), {"login": student.email, "password": "Mauvais-1"})
        signed_in = client.post(reverse("account_login"), {"login": student.email, "password": PASSWORD})
        wrong_code = client.post(reverse("participations:code"), {"code": "ZZZZZZ999"})
        right_code = client.post(reverse("participations:code"), {"code": evaluation.code})
        landing = client.get(reverse("participations:entry", args=[evaluation.code]))
        client.post(reverse("participations:start", args=[evaluation.code]))
        participation = CampaignParticipation.objects.get(user=student)
        challenge = client.get(reverse("assessments:challenge", args=[participation.assessment_id]))
        answers = answer_all(client, participation.assessment_id)
        results = client.get(reverse("participations:results", args=[evaluation.code]))
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(reverse("participations:results", args=[evaluation.code]))

    assert wrong.status_code == 200 and "mot de passe" in text(wrong)
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(student.pk)
    assert "Votre code est erroné" in text(wrong_code)
    assert right_code.status_code == 302 and landing.status_code == 200
    assert challenge.status_code == 200 and answers > 0
    assert results.status_code == 200 and "J'envoie mes résultats" in text(results)
    assert sent.status_code == 302
    participation.refresh_from_db()
    assert participation.status == "SHARED"
    warnings = [r for r in caplog.records if r.name == "lib.cache" and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unreachable" in warnings[0].getMessage()


def test_competence_pages_answer_with_redis_down(client, referential, student, redis_down):
    client.force_login(student)
    competence_id = next(iter(referential.competences))

    profile = client.get(reverse("assessments:profile"))
    started = client.post(reverse("assessments:competence_evaluate", args=[competence_id]))
    assessment_id = int(started.url.rstrip("/").rsplit("/", 1)[-1])
    shown = current_challenge_id(client, assessment_id)
    result = client.get(reverse("assessments:competence_result", args=[competence_id]))

    assert profile.status_code == 200 and started.status_code == 302 and shown
    assert result.status_code in (200, 302)


def test_wrong_codes_are_still_limited_with_redis_down(client, student, redis_down):
    client.force_login(student)
    for _ in range(10):
        client.post(reverse("participations:code"), {"code": "ZZZZZZ999"})

    response = client.post(reverse("participations:code"), {"code": "ZZZZZZ999"})

    assert response.status_code == 429
    assert "Trop de codes erronés" in text(response)


def test_the_orga_tabs_answer_and_an_export_says_it_will_start_with_redis_down(
    client, evaluation, teacher, student, redis_down, django_capture_on_commit_callbacks
):
    ParticipationFactory(campaign=evaluation, user=student, status="SHARED")
    client.force_login(teacher)
    pages = {
        name: client.get(reverse(name, args=args)) for name, args in [
            ("orga:home", []), ("campaigns:all", []), ("analysis:activity", [evaluation.pk]),
            ("analysis:results", [evaluation.pk]), ("analysis:analysis", [evaluation.pk]),
            ("campaigns:settings", [evaluation.pk]), ("learners:list", []), ("orga:team_members", []),
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("exports:start", args=[evaluation.pk]), {"format": "csv"},
                              HTTP_HX_REQUEST="true")
    job = ExportJob.objects.get()
    status = client.get(reverse("exports:status", args=[evaluation.pk, job.pk]))
    analysis = client.get(reverse("analysis:analysis", args=[evaluation.pk]))

    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert job.status == JobStatus.REQUESTED
    for page in (started, status):
        assert "l’export démarrera de lui-même dans quelques minutes" in text(page)
    assert "l’analyse sera mise à jour d’elle-même dans quelques minutes" in text(analysis)


def test_healthz_says_degraded_with_each_dependency_when_redis_is_down(client, db, redis_down):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded", "database": {"status": "ok"}, "cache": {"status": "unreachable"},
        "broker": {"status": "unreachable"}, "worker": {"status": "missing"},
    }


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "ensure_connection", refused)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == {"status": "unreachable"}
