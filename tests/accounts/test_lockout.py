"""Sign-in blocking per (login, address), through the real sign-in page: a guesser blocks only
himself, the waits grow (2, 4, 8… minutes), a school's shared address is not blocked by its
pupils' typing mistakes, and it all holds with Redis down."""

import re
import time
import types
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import lockout
from accounts.adapters import AccountAdapter
from accounts.models import LoginFailure
from pixorga.sweep import sweep
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.utils import text

HOME, ELSEWHERE, SCHOOL = "198.51.100.20", "203.0.113.5", "192.0.2.10"
BLOCKED = "Vous avez effectué trop de tentatives de connexion. Réessayez plus tard"
MISMATCH = "L’adresse e-mail ou le mot de passe sont incorrects."


class Clock:
    def __init__(self):
        self.current = timezone.now()

    def __call__(self):
        return self.current

    def advance(self, **delta):
        self.current += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(AccountAdapter, "now", staticmethod(clock))
    return clock


def sign_in(client, login, password, address):
    client.logout()
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_wrong_passwords_from_one_address_block_it_but_the_right_password_from_another_signs_in(client, teacher):
    for _ in range(lockout.THRESHOLD):
        sign_in(client, teacher.email, "Mauvais-1", ELSEWHERE)

    blocked = sign_in(client, teacher.email, PASSWORD, ELSEWHERE)
    assert BLOCKED in text(blocked) and "(dans 2 minutes)" in text(blocked)
    assert not signed_in_as(client, teacher)

    sign_in(client, teacher.email, PASSWORD, HOME)
    assert signed_in_as(client, teacher), "the guesser's address is blocked, not the account"


def test_the_waits_grow_two_four_then_eight_minutes(client, teacher, clock):
    for wait in (2, 4, 8):
        answers = [text(sign_in(client, teacher.email, "Mauvais-1", ELSEWHERE)) for _ in range(lockout.THRESHOLD)]
        assert all(MISMATCH in answer for answer in answers), "blocked only after the fifth failure"
        blocked = sign_in(client, teacher.email, PASSWORD, ELSEWHERE)
        assert f"(dans {wait} minutes)" in text(blocked) and not signed_in_as(client, teacher)
        clock.advance(minutes=wait - 1)
        assert "(dans 1 minute)" in text(sign_in(client, teacher.email, PASSWORD, ELSEWHERE))
        clock.advance(minutes=1)

    sign_in(client, teacher.email, PASSWORD, ELSEWHERE)
    assert signed_in_as(client, teacher)
    sign_in(client, teacher.email, "Mauvais-1", ELSEWHERE)
    assert MISMATCH in text(sign_in(client, teacher.email, "Mauvais-1", ELSEWHERE)), "a success starts again from zero"


def test_a_pupil_with_a_username_is_blocked_from_one_address_only(client, db):
    pupil = UserFactory(email=None, username="lea.legoff0703")
    for _ in range(lockout.THRESHOLD):
        sign_in(client, "Lea.Legoff0703", "Mauvais-1", SCHOOL)

    assert BLOCKED in text(sign_in(client, "lea.legoff0703", PASSWORD, SCHOOL))
    sign_in(client, "lea.legoff0703", PASSWORD, HOME)
    assert signed_in_as(client, pupil)


def test_a_password_reset_lifts_the_blocking_everywhere(client, teacher):
    for _ in range(lockout.THRESHOLD):
        sign_in(client, teacher.email, "Mauvais-1", HOME)
    client.post(reverse("account_reset_password"), {"email": teacher.email})
    link = re.search(r"http://testserver(/compte/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": "Nouveau-Mdp-2026", "password2": "Nouveau-Mdp-2026"})

    sign_in(client, teacher.email, "Nouveau-Mdp-2026", HOME)

    assert signed_in_as(client, teacher)


def test_300_pupils_signing_in_from_the_school_address_with_two_typos_each_are_not_blocked(
    client, db, monkeypatch
):
    """A morning: 300 pupils in ten minutes (one every 2 s), each mistyping twice first."""
    pupils = [UserFactory() for _ in range(300)]
    started = time.time()
    elapsed = {"seconds": 0.0}
    # allauth's per-IP windows read this clock.
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", types.SimpleNamespace(
        time=lambda: started + elapsed["seconds"], monotonic=time.monotonic, sleep=time.sleep))

    refused = []
    for number, pupil in enumerate(pupils):
        for attempt, password in enumerate(["Mauvais-1", "mauvais-2", PASSWORD]):
            elapsed["seconds"] = 2.0 * number + 0.5 * attempt
            sign_in(client, pupil.email, password, SCHOOL)
        if not signed_in_as(client, pupil):
            refused.append(number)

    assert refused == []


def test_the_blocking_holds_and_the_right_password_elsewhere_works_with_redis_down(client, teacher, redis_down):
    for _ in range(lockout.THRESHOLD):
        sign_in(client, teacher.email, "Mauvais-1", ELSEWHERE)

    assert BLOCKED in text(sign_in(client, teacher.email, PASSWORD, ELSEWHERE))
    sign_in(client, teacher.email, PASSWORD, HOME)
    assert signed_in_as(client, teacher)


def test_the_sweep_forgets_the_failures_a_day_after_the_last_one(client, teacher, clock):
    sign_in(client, teacher.email, "Mauvais-1", ELSEWHERE)
    sign_in(client, "personne@college.test", "Mauvais-1", ELSEWHERE)

    sweep(now=clock() + timedelta(hours=23))
    assert LoginFailure.objects.count() == 2
    sweep(now=clock() + lockout.FORGET_AFTER + timedelta(minutes=1))
    assert not LoginFailure.objects.exists()


@pytest.mark.parametrize("failures, wait", [
    (1, None), (4, None), (5, 2), (6, None), (10, 4), (15, 8), (20, 16), (55, 1440),
])
def test_the_waits_double_every_five_failures_up_to_a_day(failures, wait):
    expected = None if wait is None else timedelta(minutes=wait)
    assert lockout.wait_after(failures) == expected


def test_an_ipv6_client_is_counted_by_its_network():
    assert lockout.network_of("2001:db8:1:2:aaaa::1") == lockout.network_of("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::"
    assert lockout.network_of("192.0.2.10") == "192.0.2.10"
