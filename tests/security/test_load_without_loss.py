"""Load without loss (issue #9): pupils answering at the same time over HTTP; every answer the
server acknowledged is stored, once, and no request fails. The full-size run (gunicorn,
Locust, thousands of answers) is `bench/http_load.py`; this is its small version in the suite.

PostgreSQL only (SQLite serializes writes: nothing to lose there), against the live server."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from assessments.models import Answer
from learning_content.repository import get_content
from participations.services import participation_join
from tests.factories import CampaignFactory, UserFactory
from tests.participations.student import correct_form, wrong_form

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writes need PostgreSQL"),
]

PUPILS, ANSWERS = 12, 6
CSRF = "loadwithoutlosscsrfsecret0123456"  # 32 characters: a valid unmasked token
CHALLENGE_ID = re.compile(r'name="challenge_id" value="([^"]+)"')


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(url, cookies, data=None) -> tuple[int, str]:
    body = urlencode({**data, "csrfmiddlewaretoken": CSRF}, doseq=True).encode() if data is not None else None
    request = Request(url, data=body, headers={"Cookie": cookies})
    try:
        with build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except HTTPError as error:  # 3xx (not followed), 4xx, 5xx
        return error.code, error.read().decode(errors="replace")


def test_every_answer_acknowledged_under_concurrent_pupils_is_stored(live_server, school, teacher, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                               target_profile_id="tp-rentree-3e", name="3e A - Rentrée")
    content = get_content()
    pupils = []
    for _ in range(PUPILS):
        user = UserFactory()
        participation = participation_join(campaign=campaign, user=user, now=timezone.now())
        client = Client()
        client.force_login(user)
        cookies = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; csrftoken={CSRF}"
        pupils.append((participation.assessment_id, cookies))
    acknowledged, failures = [], []
    lock = threading.Lock()

    def play(pupil):
        assessment_id, cookies = pupil
        url = f"{live_server.url}/evaluations/{assessment_id}/"
        try:
            for number in range(ANSWERS):
                status, page = call(url, cookies)
                if status == 302:
                    return  # the test is over
                challenge_id = CHALLENGE_ID.search(page).group(1)
                if "Commencer l'épreuve" in page:
                    call(f"{url}demarrer-epreuve/", cookies, {"challenge_id": challenge_id})
                challenge = content.challenges[challenge_id]
                form = correct_form(challenge) if number % 2 else wrong_form(challenge)
                status, _page = call(url, cookies, {"challenge_id": challenge_id, "action": "validate", **form})
                with lock:
                    if status == 302:
                        acknowledged.append((assessment_id, challenge_id))
                    else:
                        failures.append((assessment_id, challenge_id, status))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=PUPILS) as pool:
        list(pool.map(play, pupils))

    assert failures == []
    stored = list(Answer.objects.values_list("assessment_id", "challenge_id"))
    assert sorted(stored) == sorted(acknowledged)
    assert len(acknowledged) >= PUPILS * 3
