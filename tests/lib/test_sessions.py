"""Sessions read with one plain statement (lib/sessions.py, issue #23): the same rules as
Django's database sessions — an expired, unknown or signed-out session signs nobody in."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory


def _mine(client):
    return client.get(reverse("participations:mine"))


def test_a_signed_in_pupil_is_read_from_his_session(client, db):
    client.force_login(UserFactory(first_name="Ada", last_name="Lovelace"))

    with CaptureQueriesContext(connection) as queries:
        response = _mine(client)

    assert response.status_code == 200 and "Ada Lovelace" in response.content.decode()
    reads = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert len(reads) == 1 and "expire_date" in reads[0]


def test_an_expired_session_signs_nobody_in(client, db):
    client.force_login(UserFactory())
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = _mine(client)

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_an_unknown_session_signs_nobody_in_and_a_new_one_is_made(client, db):
    client.cookies["sessionid"] = "a" * 32

    response = client.get(reverse("account_login"))
    client.post(reverse("account_login"), {"login": "personne@college.test", "password": "faux"})

    assert response.status_code == 200
    assert not Session.objects.filter(session_key="a" * 32).exists()


def test_after_signing_out_the_old_cookie_opens_nothing(client, db):
    client.force_login(UserFactory())
    old = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))

    client.cookies["sessionid"] = old
    response = _mine(client)

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
