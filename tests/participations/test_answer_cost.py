"""The answer loop is the service's hot path (≈ 3 million answers on a peak day): its SQL
statements are counted here; its throughput is measured by bench/http_load.py, its cost by
history by bench/answer_cost.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, KnowledgeElement
from learning_content.repository import get_content
from participations.models import CampaignParticipation

from .student import correct_form, current_challenge_id, wrong_form


def statements(captured) -> list[str]:
    """The statements a request sends; the test's own savepoints stand for BEGIN and COMMIT."""
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def earlier_tests(user, answers):
    """`answers` answers of the pupil in earlier competence evaluations, a month ago, each with
    its knowledge element, outside the campaign's target skills."""
    content = get_content()
    target = set(content.target_profiles["tp-rentree-3e"].skill_ids)
    challenges = [c for c in content.challenges.values() if c.skill_id not in target][:answers]
    month_ago = timezone.now() - timedelta(days=30)
    assessment = Assessment.objects.create(
        user=user, type=Assessment.Type.COMPETENCE_EVALUATION, state=Assessment.State.COMPLETED,
        competence_id=content.skills[challenges[0].skill_id].competence_id, end_path="/",
    )
    for number, challenge in enumerate(challenges):
        answer = Answer.objects.create(assessment=assessment, challenge_id=challenge.id, result="ko")
        KnowledgeElement.objects.create(
            user=user, assessment=assessment, answer=answer, skill_id=challenge.skill_id,
            competence_id=content.skills[challenge.skill_id].competence_id, status="invalidated", source="direct",
            created_at=month_ago + timedelta(seconds=number),
        )


def answer_costs(client, evaluation, answers=6):
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    url = reverse("assessments:challenge", args=[assessment_id])
    content = get_content()
    costs = []
    for number in range(answers):
        challenge_id = current_challenge_id(client, assessment_id)
        challenge = content.challenges[challenge_id]
        form = correct_form(challenge) if number % 2 else wrong_form(challenge)
        with CaptureQueriesContext(connection) as answer:
            response = client.post(url, {"challenge_id": challenge_id, "action": "validate", **form})
        assert response.status_code == 302
        with CaptureQueriesContext(connection) as following:
            client.get(url)
        costs.append((len(statements(answer)), len(statements(following))))
    return costs


def round_trips(captured) -> int:
    """What a request sends to the database; the test's savepoints stand for BEGIN and COMMIT."""
    return len(captured.captured_queries)


def test_an_answer_costs_four_round_trips_on_postgresql_and_the_next_challenge_three(client_of, student, evaluation):
    costs = answer_costs(client_of(student), evaluation)

    if connection.vendor == "postgresql":
        # session, user, the assessment (its progress on the row), then one statement writing
        # the answer, its knowledge elements and the row's next challenge: no transaction.
        assert max(answer for answer, _ in costs) <= 4, costs
    else:
        # SQLite: the locked row, INSERT answer, INSERT knowledge elements, UPDATE assessment.
        assert max(answer for answer, _ in costs) <= 6, costs
    # session, user, assessment.
    assert max(following for _, following in costs) <= 3, costs


def test_with_htmx_one_request_answers_and_brings_the_next_question(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    url = reverse("assessments:challenge", args=[assessment_id])
    content = get_content()
    challenge_id = current_challenge_id(client, assessment_id)
    for number in range(3):
        challenge = content.challenges[challenge_id]
        form = correct_form(challenge) if number % 2 else wrong_form(challenge)
        with CaptureQueriesContext(connection) as answer:
            response = client.post(url, {"challenge_id": challenge_id, "action": "validate", **form},
                                   headers={"HX-Request": "true"})
        page = response.content.decode()
        assert response.status_code == 200 and "<html" not in page
        # The next question came back with the answer: no GET is needed.
        challenge_id = Assessment.objects.get(pk=assessment_id).current_challenge_id
        assert f'name="challenge_id" value="{challenge_id}"' in page or "Commencer l'épreuve" in page
        assert round_trips(answer) <= (4 if connection.vendor == "postgresql" else 8), statements(answer)
        if "Commencer l'épreuve" in page:
            client.post(reverse("assessments:start_timer", args=[assessment_id]), {"challenge_id": challenge_id})
    assert Answer.objects.filter(assessment_id=assessment_id).count() == 3


@pytest.mark.parametrize("earlier", [0, 60])
def test_the_statements_do_not_grow_with_the_pupils_history(
    client_of, student, evaluation, earlier, django_assert_max_num_queries
):
    if earlier:
        earlier_tests(student, earlier)
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    url = reverse("assessments:challenge", args=[assessment_id])
    content = get_content()
    current_challenge_id(client, assessment_id)
    for number in range(4):
        challenge = content.challenges[Assessment.objects.get(pk=assessment_id).current_challenge_id]
        form = correct_form(challenge) if number % 2 else wrong_form(challenge)
        # PostgreSQL: four statements; SQLite: six and the test's savepoint around the transaction.
        with django_assert_max_num_queries(4 if connection.vendor == "postgresql" else 8):
            response = client.post(url, {"challenge_id": challenge.id, "action": "validate", **form})
        assert response.status_code == 302
        with django_assert_max_num_queries(3):
            client.get(url)


def test_the_first_challenge_costs_three_statements(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id

    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("assessments:challenge", args=[assessment_id]))

    assert page.status_code == 200 and ('name="challenge_id"' in page.content.decode()
                                        or "Commencer l'épreuve" in page.content.decode())
    # session, user, assessment: « Je commence » chose the first question (was 7 statements:
    # the row read twice, locked, its answers, the knowledge elements, UPDATE).
    assert len(statements(first)) <= 3, statements(first)


def test_a_test_that_would_ask_nothing_still_ends_on_its_first_page(client_of, student, evaluation):
    """Every target skill already known: « Je commence » asks nothing, the page ends the test."""
    content = get_content()
    now = timezone.now()
    for skill_id in content.target_profiles["tp-rentree-3e"].skill_ids:
        skill = content.skills[skill_id]
        assessment = Assessment.objects.create(user=student, type=Assessment.Type.COMPETENCE_EVALUATION,
                                               competence_id=skill.competence_id, end_path="/",
                                               state=Assessment.State.COMPLETED)
        KnowledgeElement.objects.create(user=student, assessment=assessment, skill_id=skill_id, status="validated",
                                        source="direct", competence_id=skill.competence_id, earned_pix=1,
                                        created_at=now - timedelta(days=1))
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    participation = CampaignParticipation.objects.get(campaign=evaluation)
    assert participation.assessment.current_challenge_id == ""

    page = client.get(reverse("assessments:challenge", args=[participation.assessment_id]))

    participation.refresh_from_db()
    assert page.status_code == 302 and participation.assessment.is_completed
    assert participation.status == CampaignParticipation.Status.TO_SHARE
