import re

from django.core import mail
from django.urls import reverse

from organizations.models import Invitation, Membership, Organization
from tests.factories import UserFactory
from tests.utils import text


def test_password_reset_by_email_sets_a_new_password(client, teacher):
    client.post(reverse("account_reset_password"), {"email": "prof@college.test"})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/compte/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"password1": "Nouveau-Mdp-2026", "password2": "Nouveau-Mdp-2026"})

    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password("Nouveau-Mdp-2026")


def test_password_reset_answers_the_same_for_an_unknown_address(client, teacher):
    known = client.post(reverse("account_reset_password"), {"email": "prof@college.test"})
    unknown = client.post(reverse("account_reset_password"), {"email": "personne@college.test"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


def test_signup_asks_for_names_and_the_terms(client, db):
    response = client.post(reverse("account_signup"), {
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.test",
        "password1": "Motdepasse1", "password2": "Motdepasse1",
    })
    assert "Vous devez accepter les conditions d'utilisation." in text(response)

    client.post(reverse("account_signup"), {
        "first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Example.test",
        "password1": "Motdepasse1", "password2": "Motdepasse1", "accept_terms": "on",
    })
    user = UserFactory._meta.model.objects.get()
    assert (user.email, user.first_name, user.last_name) == ("ada@example.test", "Ada", "Lovelace")


def test_login_is_throttled_after_repeated_failures(client, teacher):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": teacher.email, "password": "mauvais"})

    response = client.post(reverse("account_login"), {"login": teacher.email, "password": "Pix-Test-2026"})

    assert "Vous avez effectué trop de tentatives de connexion" in text(response)
    assert "_auth_user_id" not in client.session


def test_two_classes_sign_in_from_the_school_network_in_the_same_minute(client, db):
    pupils = [UserFactory() for _ in range(60)]

    for pupil in pupils:
        client.post(reverse("account_login"), {"login": pupil.email, "password": "Pix-Test-2026"})
        assert client.session.get("_auth_user_id") == str(pupil.pk), f"pupil {pupils.index(pupil) + 1} refused"
        client.logout()


def test_the_super_admin_creates_a_school_and_invites_its_first_admin(client, db, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:organizations_organization_add"), {
            "name": "Collège Jean Moulin", "type": "SCO", "external_id": "0330001B",
            "first_admin_email": "Principal@jean-moulin.test",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        })

    assert response.status_code == 302
    organization = Organization.objects.get(name="Collège Jean Moulin")
    invitation = Invitation.objects.get(organization=organization)
    assert (invitation.email, invitation.role) == ("principal@jean-moulin.test", "ADMIN")
    assert mail.outbox[0].to == ["principal@jean-moulin.test"]
    assert not Membership.objects.filter(organization=organization).exists()


def test_a_school_needs_its_uai(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(reverse("admin:organizations_organization_add"), {
        "name": "Collège sans UAI", "type": "SCO", "external_id": "",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })

    assert "L'UAI est obligatoire pour un établissement scolaire." in text(response)
