"""The answer loop is the service's hot path (≈ 3 million answers on a peak day): its SQL
statements are counted here; its throughput is measured by bench/http_load.py."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning_content.repository import get_content
from participations.models import CampaignParticipation

from .student import correct_form, current_challenge_id, wrong_form


def statements(captured) -> list[str]:
    """The statements a request sends; the test's own savepoints stand for BEGIN and COMMIT."""
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_an_answer_costs_eight_statements_and_the_next_challenge_four(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    url = reverse("assessments:challenge", args=[assessment_id])
    content = get_content()
    costs = []
    for number in range(6):
        challenge_id = current_challenge_id(client, assessment_id)
        challenge = content.challenges[challenge_id]
        form = correct_form(challenge) if number % 2 else wrong_form(challenge)
        with CaptureQueriesContext(connection) as answer:
            response = client.post(url, {"challenge_id": challenge_id, "action": "validate", **form})
        assert response.status_code == 302
        with CaptureQueriesContext(connection) as following:
            client.get(url)
        costs.append((len(statements(answer)), len(statements(following))))

    # session, user, locked assessment, its answers, the user's knowledge elements,
    # INSERT answer, INSERT knowledge elements, UPDATE assessment.
    assert max(answer for answer, _ in costs) <= 8, costs
    # session, user, assessment, number of answers.
    assert max(following for _, following in costs) <= 4, costs
