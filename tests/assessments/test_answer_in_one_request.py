"""One request per answer (issue #23): with htmx, the answer's POST brings the next question
back; the checkpoint, a replay and a refusal still say what they said; without JavaScript the
redirects are unchanged. On PostgreSQL the answer is written in one guarded statement: a row
that moved meanwhile (a double click, a second tab) writes nothing twice."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from assessments import answer_write, services
from assessments.models import Answer, Assessment, KnowledgeElement
from learning_content.repository import get_content
from tests.participations.student import correct_form, current_challenge_id, wrong_form
from tests.utils import text

HTMX = {"HX-Request": "true"}


def answer(client, assessment_id, challenge_id, *, right=True, headers=None, **extra):
    challenge = get_content().challenges[challenge_id]
    form = correct_form(challenge) if right else wrong_form(challenge)
    return client.post(reverse("assessments:challenge", args=[assessment_id]),
                       {"challenge_id": challenge_id, "action": "validate", **form, **extra}, headers=headers or {})


def asked(assessment_id) -> str:
    return Assessment.objects.get(pk=assessment_id).current_challenge_id


def test_the_answer_brings_the_next_question_with_its_title_and_no_page_around_it(pupil, assessment):
    first = current_challenge_id(pupil, assessment.pk)

    response = answer(pupil, assessment.pk, first, headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "fr-footer" not in page and "fr-header" not in page
    second = asked(assessment.pk)
    assert second != first
    assert re.match(r"\s*<title>Question 2 / 5 – Parcours de rentrée 3e \| Pix</title>", page) or (
        get_content().challenges[second].is_timed and "<title>Question chronométrée" in page
    )
    assert f'name="challenge_id" value="{second}"' in page or "Commencer l'épreuve" in page
    assert list(Answer.objects.values_list("challenge_id", flat=True)) == [first]


def test_the_form_is_sent_by_htmx_into_the_main_content_once(pupil, assessment):
    page = text(pupil.get(reverse("assessments:challenge", args=[assessment.pk])))
    if "Commencer l'épreuve" in page:
        current_challenge_id(pupil, assessment.pk)
        page = text(pupil.get(reverse("assessments:challenge", args=[assessment.pk])))

    form = re.search(r"<form method=\"post\" novalidate[^>]*>", page).group(0)
    assert f'hx-post="{reverse("assessments:challenge", args=[assessment.pk])}"' in form
    assert 'hx-target="#contenu"' in form and 'hx-sync="this:drop"' in form
    # Without JavaScript the same form posts to the same page.
    assert "action=" not in form
    assert "Votre réponse n'a pas pu être envoyée." in page


def test_the_fifth_answer_sends_the_browser_to_the_checkpoint(pupil, assessment):
    for _ in range(4):
        answer(pupil, assessment.pk, current_challenge_id(pupil, assessment.pk), right=False)

    response = answer(pupil, assessment.pk, current_challenge_id(pupil, assessment.pk), headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("assessments:checkpoint", args=[assessment.pk])


def test_an_empty_answer_is_refused_in_place_with_its_hint(pupil, assessment):
    first = current_challenge_id(pupil, assessment.pk)

    response = pupil.post(reverse("assessments:challenge", args=[assessment.pk]),
                          {"challenge_id": first, "action": "validate"}, headers=HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert "<html" not in page and "Pour valider" in page and 'id="erreur-reponse"' in page
    assert not Answer.objects.exists()


def test_a_replayed_answer_reloads_the_page_that_says_so(pupil, assessment):
    first = current_challenge_id(pupil, assessment.pk)
    answer(pupil, assessment.pk, first, headers=HTMX)

    response = answer(pupil, assessment.pk, first, right=False, headers=HTMX)

    url = reverse("assessments:challenge", args=[assessment.pk])
    assert response["HX-Redirect"] == url
    assert "Cette question a déjà reçu une réponse" in text(pupil.get(url))
    assert list(Answer.objects.values_list("challenge_id", "result")) == [(first, Answer.Result.OK)]


def test_without_javascript_the_answer_still_redirects_to_the_next_question(pupil, assessment):
    first = current_challenge_id(pupil, assessment.pk)

    response = answer(pupil, assessment.pk, first)

    assert response.status_code == 302 and response.url == reverse("assessments:challenge", args=[assessment.pk])


@pytest.mark.skipif(not answer_write.supported(), reason="the one-statement write is PostgreSQL's")
def test_a_row_that_moved_since_it_was_read_takes_nothing_from_the_stale_answer(pupil, assessment, monkeypatch):
    """A double click: both requests read the row, the other one writes first. The stale
    statement writes nothing and the answer is a replay, stored once."""
    first = current_challenge_id(pupil, assessment.pk)
    write = answer_write.write_answer
    student = assessment.user

    def the_other_request_first(**arguments):
        monkeypatch.setattr(answer_write, "write_answer", write)
        services.answer_save(assessment_id=assessment.pk, user=student, challenge_id=first,
                             value=arguments["answer"]["value"], skipped=False, now=arguments["answer"]["created_at"])
        return write(**arguments)

    monkeypatch.setattr(answer_write, "write_answer", the_other_request_first)
    response = answer(pupil, assessment.pk, first)

    assert response.status_code == 302
    assert Answer.objects.filter(challenge_id=first).count() == 1
    assert KnowledgeElement.objects.filter(answer__challenge_id=first, source="direct").count() == 1
    assert asked(assessment.pk) != first


@pytest.mark.skipif(not answer_write.supported(), reason="the one-statement write is PostgreSQL's")
def test_the_one_statement_write_stores_what_the_locked_path_stores(pupil, assessment, evaluation):
    """The same answers through both paths give the same rows."""
    paths = {}
    for path in ("one statement", "locked"):
        if path == "locked":
            Answer.objects.all().delete()
            KnowledgeElement.objects.all().delete()
            Assessment.objects.filter(pk=assessment.pk).update(progress=None, progress_at=None, current_challenge_id="")
        rows = []
        for number in range(4):
            challenge_id = current_challenge_id(pupil, assessment.pk)
            if path == "locked":
                with connection.execute_wrapper(_refuse_the_one_statement_write):
                    answer(pupil, assessment.pk, challenge_id, right=bool(number % 2))
            else:
                answer(pupil, assessment.pk, challenge_id, right=bool(number % 2))
            rows.append(challenge_id)
        paths[path] = (
            rows,
            list(Answer.objects.order_by("pk").values_list("challenge_id", "result", "value")),
            sorted(KnowledgeElement.objects.values_list("answer__challenge_id", "skill_id", "status", "source",
                                                        "earned_pix")),
            Assessment.objects.get(pk=assessment.pk).progress,
        )
    assert paths["one statement"] == paths["locked"]


def _refuse_the_one_statement_write(execute, sql, params, many, context):
    if sql.startswith("WITH moved AS"):
        # What the guard answers when the row moved: nothing written, the locked path decides.
        return execute("SELECT 1 WHERE false", [], many, context)
    return execute(sql, params, many, context)


def a_timed_question():
    return next(c for c in sorted(get_content().challenges.values(), key=lambda c: c.id)
                if c.is_timed and c.status == "validé" and c.type == "QCU")


def test_commencer_l_epreuve_brings_the_question_with_its_clock_started(pupil, assessment):
    timed = a_timed_question()
    Assessment.objects.filter(pk=assessment.pk).update(current_challenge_id=timed.id,
                                                       current_challenge_started_at=None)
    intro = text(pupil.get(reverse("assessments:challenge", args=[assessment.pk])))
    start_url = reverse("assessments:start_timer", args=[assessment.pk])
    assert f'hx-post="{start_url}"' in intro

    response = pupil.post(start_url, {"challenge_id": timed.id}, headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert f'name="challenge_id" value="{timed.id}"' in page and "data-countdown" in page
    # Its answer goes to the question's address, not to « Commencer l'épreuve »'s.
    assert f'hx-post="{reverse("assessments:challenge", args=[assessment.pk])}"' in page
    assert Assessment.objects.get(pk=assessment.pk).current_challenge_started_at is not None


def test_a_second_commencer_l_epreuve_reloads_the_page_and_keeps_the_first_clock(pupil, assessment):
    timed = a_timed_question()
    Assessment.objects.filter(pk=assessment.pk).update(current_challenge_id=timed.id,
                                                       current_challenge_started_at=None)
    start_url = reverse("assessments:start_timer", args=[assessment.pk])
    pupil.post(start_url, {"challenge_id": timed.id}, headers=HTMX)
    first_clock = Assessment.objects.get(pk=assessment.pk).current_challenge_started_at

    response = pupil.post(start_url, {"challenge_id": timed.id}, headers=HTMX)

    assert response["HX-Redirect"] == reverse("assessments:challenge", args=[assessment.pk])
    assert Assessment.objects.get(pk=assessment.pk).current_challenge_started_at == first_clock
    # Without JavaScript: the redirect of before.
    plain = pupil.post(start_url, {"challenge_id": timed.id})
    assert plain.status_code == 302 and plain.url == reverse("assessments:challenge", args=[assessment.pk])
