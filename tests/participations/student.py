"""A pupil driving the test client through a campaign, answering right (or wrong)."""

import re

from django.urls import reverse

from demo.pupils import as_form, right_answer, wrong_answer
from learning_content.repository import get_content


def correct_form(challenge) -> dict:
    return as_form(challenge, right_answer(challenge))


def wrong_form(challenge) -> dict:
    return as_form(challenge, wrong_answer(challenge))


def current_challenge_id(client, assessment_id) -> str | None:
    """The challenge shown, starting the clock of a timed one."""
    url = reverse("assessments:challenge", args=[assessment_id])
    page = client.get(url)
    if page.status_code == 302:
        return None
    html = page.content.decode()
    challenge_id = re.search(r'name="challenge_id" value="([^"]+)"', html).group(1)
    if "Commencer l'épreuve" in html:
        client.post(reverse("assessments:start_timer", args=[assessment_id]), {"challenge_id": challenge_id})
    return challenge_id


def answer_all(client, assessment_id, *, knows=lambda challenge: True, limit=400) -> int:
    """Answer until the end; returns the number of answers."""
    content = get_content()
    count = 0
    while count < limit:
        challenge_id = current_challenge_id(client, assessment_id)
        if challenge_id is None:
            return count
        challenge = content.challenges[challenge_id]
        form = correct_form(challenge) if knows(challenge) else wrong_form(challenge)
        response = client.post(reverse("assessments:challenge", args=[assessment_id]),
                               {"challenge_id": challenge_id, "action": "validate", **form})
        assert response.status_code == 302, response.content.decode()[:2000]
        count += 1
    raise AssertionError("the test never ended")
