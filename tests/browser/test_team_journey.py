import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Invitation, Membership
from tests.conftest import PASSWORD
from tests.factories import InvitationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def invitation_link():
    return re.search(r"http\S+/orga/rejoindre/\S+/", mail.outbox[-1].body).group(0)


def test_correspondent_invites_a_teacher_who_signs_up_and_sees_the_school(visitor, correspondent, school):
    page = visitor.sign_in(correspondent.email, PASSWORD, path="/orga/connexion/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bienvenue Claire")

    visitor.follow(page.locator(".fr-sidemenu").get_by_role("link", name="Équipe"))
    visitor.click("link", "Inviter un membre")
    page.get_by_label("Adresse(s) e-mail").fill("prof@college.test")
    page = visitor.click("button", "Inviter")
    expect(page.get_by_role("status")).to_contain_text("Une invitation a bien été envoyée")
    expect(page.get_by_role("table")).to_contain_text("prof@college.test")

    visitor.click("button", "Se déconnecter")
    page = visitor.goto(invitation_link())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vous êtes invité(e) à rejoindre l'organisation Collège Victor Hugo"
    )
    visitor.fill("Prénom", "Rosa")
    visitor.fill("Nom", "Parks")
    page.get_by_label("Mot de passe").fill("Motdepasse1")
    page.get_by_text("J'accepte les conditions").click()
    page = visitor.click("button", "Je m'inscris")

    expect(page.get_by_role("status")).to_contain_text("Bienvenue dans l'espace Pix Orga de Collège Victor Hugo")
    expect(page.locator(".fr-sidemenu__title")).to_have_text("Collège Victor Hugo")
    assert Membership.objects.get(user__email="prof@college.test").role == "MEMBER"


@pytest.mark.parametrize(
    "state, message",
    [
        ({"status": Invitation.Status.ACCEPTED}, "Cette invitation a déjà été acceptée"),
        ({"status": Invitation.Status.CANCELLED}, "Cette invitation n'est plus valide"),
        ({"sent_at_days_ago": 8}, "Cette invitation a expiré"),
    ],
)
def test_a_dead_invitation_link_explains_why(visitor, school, state, message):
    sent_at = timezone.now() - timedelta(days=state.pop("sent_at_days_ago", 0))
    InvitationFactory(organization=school, token="lien-mort", sent_at=sent_at, **state)

    page = visitor.goto("/orga/rejoindre/lien-mort/")

    expect(page.get_by_role("alert")).to_contain_text(message)


def test_an_outsider_is_refused_at_the_orga_login(visitor, student):
    page = visitor.sign_in(student.email, PASSWORD, path="/orga/connexion/")

    expect(page.get_by_role("alert")).to_contain_text("L'accès à Pix Orga est limité aux membres invités")
