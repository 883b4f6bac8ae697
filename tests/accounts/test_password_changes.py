"""Who may choose a new password, and which ones are refused (issue 17, items 1 and 2)."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import InvitationFactory, UserFactory
from tests.utils import text

NEW = "Nouveau-Mdp-2026"


@pytest.fixture
def pupil(db):
    """Zoé signed in with the one-time password printed on her class sheet."""
    return UserFactory(email=None, username="zoe.abel1403", first_name="Zoé", last_name="Abel",
                       must_change_password=True)


def said(response) -> str:
    """The page's text, Django's non-breaking spaces inside « » read as spaces."""
    return text(response).replace("\xa0", " ")


def choose(client, first, second=None, next_url="/"):
    return client.post(reverse("first_password"), {
        "new_password1": first, "new_password2": second or first, "next": next_url,
    })


# --- 1. The page exists only for a one-time password ----------------------------------------

def test_a_user_with_his_own_password_is_sent_to_the_page_that_asks_for_the_current_one(client_of, student):
    response = client_of(student).get(reverse("first_password"), follow=True)

    assert response.redirect_chain == [(reverse("account_change_password"), 302)]
    page = text(response)
    assert "Votre mot de passe est déjà personnel. Pour le modifier, saisissez d'abord votre mot de passe actuel." in page
    assert "Mot de passe actuel" in page


def test_a_passer_by_at_a_signed_in_computer_cannot_replace_the_password(client_of, student):
    response = choose(client_of(student), NEW)

    assert response.status_code == 302 and response.url == reverse("account_change_password")
    student.refresh_from_db()
    assert student.check_password(PASSWORD) and not student.check_password(NEW)


def test_changing_a_password_needs_the_current_one(client_of, student):
    client = client_of(student)
    url = reverse("account_change_password")

    refused = client.post(url, {"oldpassword": "pas-le-bon", "password1": NEW, "password2": NEW})
    student.refresh_from_db()
    assert refused.status_code == 200 and student.check_password(PASSWORD)

    client.post(url, {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW})
    student.refresh_from_db()
    assert student.check_password(NEW)


def test_the_set_password_page_is_no_way_around_the_current_password(client_of, student):
    client = client_of(student)

    response = client.post(reverse("account_set_password"), {"password1": NEW, "password2": NEW})

    assert response.status_code == 302 and response.url == reverse("account_change_password")
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_once_chosen_the_first_password_cannot_be_chosen_again(client_of, pupil):
    client = client_of(pupil)
    assert choose(client, NEW).url == "/"

    again = choose(client, "Autre-Mdp-2026")

    assert again.url == reverse("account_change_password")
    assert authenticate(username="zoe.abel1403", password=NEW) is not None


# --- 2. Which new passwords are refused ------------------------------------------------------

@pytest.mark.parametrize("password, message", [
    (PASSWORD, "Votre nouveau mot de passe doit être différent du mot de passe provisoire."),
    ("Zoe.Abel1403", "Le mot de passe est trop semblable au champ « identifiant »."),
    ("Password123", "Ce mot de passe est trop courant."),
    ("abcdefgh", "Votre mot de passe doit contenir 8 caractères au minimum"),
])
def test_the_first_password_refuses_the_one_time_password_the_username_and_the_usual_list(
    client_of, pupil, password, message,
):
    response = choose(client_of(pupil), password)

    assert response.status_code == 200 and message in said(response)
    pupil.refresh_from_db()
    assert pupil.must_change_password and pupil.check_password(PASSWORD)


def signup(client, password):
    return client.post(reverse("account_signup"), {
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.test",
        "password1": password, "password2": password, "accept_terms": "on",
    })


@pytest.mark.parametrize("password, message", [
    ("Lovelace2026", "Le mot de passe est trop semblable au champ « nom »."),
    ("Ada@example1", "Le mot de passe est trop semblable au champ « adresse e-mail »."),
    ("Password123", "Ce mot de passe est trop courant."),
])
def test_signup_refuses_a_password_like_the_names_the_email_or_a_common_one(client, db, password, message):
    response = signup(client, password)

    assert message in said(response)
    assert not User.objects.exists()


def reset_link(client, email):
    client.post(reverse("account_reset_password"), {"email": email})
    link = re.search(r"http://testserver(/compte/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]


@pytest.mark.parametrize("password, message", [
    ("Prof@college1", "Le mot de passe est trop semblable au champ « adresse e-mail »."),
    ("Lefèvre2026", "Le mot de passe est trop semblable au champ « nom »."),
    ("Password123", "Ce mot de passe est trop courant."),
])
def test_a_password_reset_refuses_a_password_like_the_account_or_a_common_one(client, teacher, password, message):
    response = client.post(reset_link(client, teacher.email), {"password1": password, "password2": password})

    assert response.status_code == 200 and message in said(response)
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)


def test_an_invited_teacher_cannot_sign_up_with_a_password_like_his_name(client, school):
    InvitationFactory(organization=school, email="rosa.parks@college.test", token="invitation-rosa")

    response = client.post(reverse("orga:invitation_signup", args=["invitation-rosa"]), {
        "first_name": "Rosa", "last_name": "Parks", "password": "Parks2024",
        "accept_terms": "on",
    })

    assert "Le mot de passe est trop semblable" in said(response)
    assert not User.objects.filter(email="rosa.parks@college.test").exists()
