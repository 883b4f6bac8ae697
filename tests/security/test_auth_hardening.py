"""CSRF on every POST, sessions rotated at sign-in and dropped elsewhere on a password change,
and sign-in / password reset answering the same for known and unknown addresses."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import CampaignFactory
from tests.utils import text

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "analysis", "assessments", "campaigns", "learning_content", "organizations", "participations",
        "pixorga"]


def test_no_view_opts_out_of_csrf():
    offenders = [
        str(path.relative_to(ROOT)) for app in APPS for path in (ROOT / app).rglob("*.py")
        if re.search(r"csrf_exempt|csrf_protect\s*=\s*False", path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


@pytest.mark.parametrize("name, kwargs", [
    ("account_login", {}),
    ("participations:code", {}),
    ("orga:team_invite", {}),
    ("campaigns:create", {}),
    ("orga:learner_import", {}),
])
def test_a_post_without_the_csrf_token_is_refused(db, teacher, correspondent, name, kwargs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(correspondent)

    response = client.post(reverse(name, kwargs=kwargs), {"code": "ABCDEF123", "login": "x", "password": "y"})

    assert response.status_code == 403


def test_a_campaign_page_post_without_the_token_is_refused(db, teacher):
    campaign = CampaignFactory(creator=teacher, organization=teacher.memberships.get().organization)
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    assert client.post(reverse("campaigns:archive", args=[campaign.pk])).status_code == 403


def test_signing_in_gives_a_new_session_key(client, teacher):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key

    client.post(reverse("account_login"), {"login": teacher.email, "password": PASSWORD})

    assert client.session["_auth_user_id"] == str(teacher.pk)
    assert client.session.session_key != before


def test_changing_the_password_signs_out_the_other_sessions_but_not_this_one(client, teacher):
    elsewhere = Client()
    elsewhere.post(reverse("account_login"), {"login": teacher.email, "password": PASSWORD})
    client.post(reverse("account_login"), {"login": teacher.email, "password": PASSWORD})

    client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "Nouveau-Mdp-2026", "password2": "Nouveau-Mdp-2026",
    })

    assert client.get(reverse("orga:home")).status_code == 200
    assert elsewhere.get(reverse("orga:home")).status_code == 302, "the other browser is signed out"


def test_signing_in_answers_the_same_for_an_unknown_address_and_a_wrong_password(client, teacher):
    unknown = client.post(reverse("account_login"), {"login": "personne@college.test", "password": "Mauvais-1"})
    wrong = client.post(reverse("account_login"), {"login": teacher.email, "password": "Mauvais-1"})

    assert unknown.status_code == wrong.status_code == 200
    assert errors(unknown) == errors(wrong) != []


def test_signing_in_with_an_unknown_username_answers_like_a_wrong_password(client, db):
    from tests.factories import UserFactory

    UserFactory(email=None, username="lea.legoff0703")
    unknown = client.post(reverse("account_login"), {"login": "personne.inconnue0101", "password": "Mauvais-1"})
    wrong = client.post(reverse("account_login"), {"login": "lea.legoff0703", "password": "Mauvais-1"})

    assert errors(unknown) == errors(wrong) != []


def test_the_password_reset_page_says_the_same_for_a_known_and_an_unknown_address(client, teacher):
    known = client.post(reverse("account_reset_password"), {"email": teacher.email}, follow=True)
    unknown = client.post(reverse("account_reset_password"), {"email": "personne@college.test"}, follow=True)

    assert without_tokens(text(known)) == without_tokens(text(unknown))


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def errors(response) -> list[str]:
    return re.findall(r'class="fr-(?:alert|error-text)[^"]*"[^>]*>(.*?)</', response.content.decode(), re.S)
