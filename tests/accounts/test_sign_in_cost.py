"""The sign-in in the join storm of the rentrée (issue #23: 2,000 pupils in two minutes): its
cache commands (each a Redis round trip in production) and SQL statements are counted here,
through the real page; its CPU is measured by bench/join_cost.py. The limits it consults must
still hold."""

from contextlib import contextmanager

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import LoginFailure
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.utils import text

SCHOOL, ELSEWHERE = "192.0.2.10", "203.0.113.5"
TOO_MANY = "Vous avez effectué trop de tentatives de connexion. Réessayez plus tard"
COMMANDS = ("add", "get", "set", "touch", "delete", "get_many", "set_many", "delete_many", "has_key", "incr")


@contextmanager
def cache_commands(monkeypatch):
    """The cache calls made, outermost only (LocMem's get_many calls its own get)."""
    calls, depth = [], [0]

    def counted(name, method):
        def wrapper(self, *args, **kwargs):
            if depth[0] == 0:
                calls.append(name)
            depth[0] += 1
            try:
                return method(self, *args, **kwargs)
            finally:
                depth[0] -= 1
        return wrapper

    for name in COMMANDS:
        monkeypatch.setattr(LocMemCache, name, counted(name, getattr(LocMemCache, name)))
    yield calls


def sign_in(client, login, password, address=SCHOOL):
    client.logout()
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


@pytest.fixture
def pupil(db):
    return UserFactory(email="lucas@eleve.test")


def test_a_sign_in_takes_five_cache_commands_and_seven_statements(client, pupil, monkeypatch):
    """allauth's "login" limit (lock, read, write, unlock), the "login_failed" histories read
    once (was consumed then given back: 8 commands); the blocking counter read, the user, the
    session (3), last_login, whether he is a teacher; no DELETE of a counter he does not have."""
    with cache_commands(monkeypatch) as calls, CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("account_login"), {"login": pupil.email, "password": PASSWORD},
                               REMOTE_ADDR=SCHOOL)

    assert response.status_code == 302 and signed_in_as(client, pupil)
    assert len(calls) == 5, calls
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 7, "\n".join(sql)


def test_after_a_wrong_password_the_next_sign_in_clears_the_counter(client, pupil):
    sign_in(client, pupil.email, "Mauvais-1")
    sign_in(client, pupil.email, PASSWORD)

    assert signed_in_as(client, pupil) and not LoginFailure.objects.exists()


def test_the_per_address_limit_of_failures_still_refuses_the_next_attempt(client, settings, db):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    pupils = [UserFactory() for _ in range(4)]
    for guessed in pupils[:3]:
        sign_in(client, guessed.email, "Mauvais-1")

    refused = sign_in(client, pupils[3].email, PASSWORD)
    elsewhere = sign_in(client, pupils[3].email, PASSWORD, ELSEWHERE)

    assert TOO_MANY in text(refused)
    assert elsewhere.status_code == 302 and signed_in_as(client, pupils[3])


def test_sign_ins_that_succeed_do_not_count_against_the_limit_of_failures(client, settings, db):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    pupils = [UserFactory() for _ in range(6)]
    for pupil in pupils:
        sign_in(client, pupil.email, PASSWORD)
        assert signed_in_as(client, pupil)
