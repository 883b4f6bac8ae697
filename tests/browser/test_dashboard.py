"""The pupil's home after signing in, and the test as a focused screen (features §B.8, §B.12)."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import CampaignFactory

# The first question is picked from the assessment's id (algorithm._pick): sequences start
# again at each test so that the pick, hence the question shown, does not depend on the tests
# run before (on PostgreSQL a flush keeps them, and an id of a timed question failed here).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, reset_sequences=True)]
FIRST_QUESTION = re.compile(r"^Question 1 / 5( \(chronométrée\))?$")


def test_the_pupil_starts_from_his_dashboard_pauses_and_resumes(visitor, school, teacher, student, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", name="3e A - Rentrée",
                               target_profile_id="tp-rentree-3e", title="Parcours de rentrée 3e")
    page = visitor.sign_in(student.email, PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Ada")
    expect(page.get_by_text("Vous n'avez aucun parcours en cours.")).to_be_visible()
    expect(page.get_by_text("0 pix", exact=True)).to_be_visible()
    page = visitor.follow(page.get_by_role("main").get_by_role("link", name="J'ai un code"))
    page.get_by_label("Code").fill(campaign.code)
    page = visitor.click("button", "Accéder au parcours")
    page = visitor.click("button", "Je commence")
    # The first question may be a timed one (the pick follows the assessment id).
    if page.get_by_role("button", name="Commencer l'épreuve").count():
        page = visitor.send("Commencer l'épreuve")

    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST_QUESTION)
    expect(page.get_by_text("Épreuve pour l'évaluation : Parcours de rentrée 3e")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principal")).to_have_count(0)
    expect(page.get_by_role("link", name="Mes parcours")).to_have_count(0)
    quit_link = page.get_by_role("link", name="Quitter")
    expect(quit_link).to_have_accessible_description(
        "Besoin d'une pause ? Tous vos progrès sont enregistrés : vous reprendrez plus tard avec « Reprendre » sur "
        "votre page d'accueil."
    )
    page = visitor.follow(quit_link)

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Ada")
    card = page.get_by_role("listitem").filter(has_text="Parcours de rentrée 3e")
    expect(card.get_by_text("En cours")).to_be_visible()
    page = visitor.follow(card.get_by_role("link", name="Reprendre"))
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST_QUESTION)


def test_the_dashboard_fits_a_phone_with_everything_on_it(visitor, page, school, teacher, student, referential):
    page.set_viewport_size({"width": 320, "height": 800})
    campaign = CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte des profils de la classe")
    page = visitor.sign_in(student.email, PASSWORD)
    page = visitor.follow(page.get_by_role("main").get_by_role("link", name="J'ai un code"))
    page.get_by_label("Code").fill(campaign.code)
    page = visitor.click("button", "Accéder au parcours")
    page = visitor.click("button", "C'est parti !")
    page = visitor.goto("/")

    expect(page.get_by_role("heading", name="N'oubliez pas de finaliser votre envoi !")).to_be_visible()
    expect(page.get_by_role("link", name="Envoyer mon profil")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
