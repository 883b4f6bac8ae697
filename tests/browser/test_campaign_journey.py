import re

import pytest
from playwright.sync_api import expect

from campaigns.codes import CODE_PATTERN
from campaigns.models import Campaign
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "permissions": ["clipboard-read", "clipboard-write"]}


def create_campaign(visitor, page, name, objective, extra=lambda page: None):
    visitor.follow(page.locator(".fr-sidemenu").get_by_role("link", name="Campagnes"))
    visitor.click("link", "Créer une campagne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Création d'une campagne")
    page.get_by_label("Nom de la campagne").fill(name)
    page.get_by_text(objective, exact=True).click()
    extra(page)
    return visitor.click("button", "Créer la campagne")


def test_the_teacher_creates_both_kinds_of_campaign_and_manages_them(visitor, school, teacher, correspondent,
                                                                      referential):
    page = visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")
    visitor.follow(page.locator(".fr-sidemenu").get_by_role("link", name="Campagnes"))
    expect(page.get_by_text("Aucune campagne, pour commencer cliquez")).to_be_visible()

    # Seed 1: collect the pupils' profiles, no identifier, an optional landing text.
    def profiles_collection(page):
        expect(page.get_by_label("Que souhaitez-vous tester ?")).to_be_hidden()
        page.get_by_role("group", name="Souhaitez-vous demander un identifiant externe ?").get_by_text("Non", exact=True).click()
        page.get_by_label("Texte de la page d'accueil").fill("Bonjour la **3e A** !")

    page = create_campaign(visitor, page, "3e A - Collecte de profils", "Collecter les profils Pix des participants",
                           profiles_collection)
    expect(page.get_by_role("status")).to_contain_text("La campagne a bien été créée")
    collection = Campaign.objects.get(name="3e A - Collecte de profils")
    assert CODE_PATTERN.match(collection.code)
    expect(page.locator("#code-campagne")).to_have_text(collection.code)
    expect(page.locator(".pix-settings")).to_contain_text("Campagne de collecte de profils")
    expect(page.locator(".pix-markdown strong")).to_have_text("3e A")
    page.get_by_role("button", name="Copier le code").click()
    expect(page.get_by_role("button", name="Copié !")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == collection.code

    # Seed 2: evaluate the pupils on the "Parcours de rentrée 3e".
    def evaluation(page):
        page.get_by_label("Que souhaitez-vous tester ?").select_option(label="Parcours de rentrée 3e")
        expect(page.locator("#parcours-card")).to_contain_text("Sujets :")
        page.get_by_role("group", name="Souhaitez-vous demander un identifiant externe ?").get_by_text("Non", exact=True).click()
        page.get_by_label("Titre du parcours").fill("Parcours de rentrée")

    page = create_campaign(visitor, page, "3e A - Parcours de rentrée", "Évaluer les participants", evaluation)
    expect(page.locator(".pix-settings")).to_contain_text("Parcours de rentrée 3e")
    evaluation_campaign = Campaign.objects.get(name="3e A - Parcours de rentrée")
    expect(page.locator("#lien-direct")).to_have_text(re.compile(rf"/campagnes/{evaluation_campaign.code}$"))

    page = visitor.click("link", "Activité")
    expect(page.get_by_text("Aucun participant pour l’instant !")).to_be_visible()
    page = visitor.click("link", "Paramètres")

    page = visitor.click("link", "Modifier")
    page.get_by_label("Nom de la campagne").fill("3e A - Rentrée")
    page = visitor.click("button", "Modifier")
    expect(page.get_by_role("status")).to_contain_text("Les modifications ont bien été enregistrées.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("3e A - Rentrée")

    page = visitor.click("link", "Dupliquer")
    expect(page.get_by_label("Nom de la campagne")).to_have_value("Copie de 3e A - Rentrée")
    page = visitor.click("button", "Créer la campagne")
    assert Campaign.objects.get(name="Copie de 3e A - Rentrée").target_profile_id == "tp-rentree-3e"

    page = visitor.click("button", "Archiver")
    expect(page.get_by_text("Campagne archivée")).to_be_visible()
    page = visitor.click("button", "Désarchiver la campagne")
    expect(page.get_by_text("Campagne archivée")).to_be_hidden()

    visitor.follow(page.locator(".fr-sidemenu").get_by_role("link", name="Campagnes"))
    expect(page.get_by_role("table")).to_contain_text(collection.code)
    expect(page.get_by_text("3 campagnes")).to_be_visible()

    # The correspondent (admin) edits the teacher's campaign.
    visitor.click("button", "Se déconnecter")
    page = visitor.sign_in(correspondent.email, PASSWORD, path="/orga/connexion/")
    visitor.follow(page.locator(".fr-sidemenu").get_by_role("link", name="Campagnes"))
    page = visitor.click("link", "Toutes les campagnes")
    page = visitor.click("link", "3e A - Collecte de profils")
    page = visitor.click("link", "Paramètres")
    page = visitor.click("link", "Modifier")
    page.get_by_label("Nom de la campagne").fill("3e A - Profils")
    page = visitor.click("button", "Modifier")
    expect(page.get_by_role("heading", level=1)).to_contain_text("3e A - Profils")

    # Another member may look but not edit; a teacher of another school finds nothing.
    colleague = UserFactory(email="collegue@college.test")
    MembershipFactory(organization=school, user=colleague)
    visitor.click("button", "Se déconnecter")
    page = visitor.sign_in(colleague.email, PASSWORD, path="/orga/connexion/")
    assert page.goto(f"{visitor.base_url}/orga/campagnes/{collection.pk}/parametres/").status == 200
    assert page.goto(f"{visitor.base_url}/orga/campagnes/{collection.pk}/modification/").status == 403


def test_a_teacher_of_another_school_gets_404_on_every_campaign_page(visitor, teacher_of_another_school,
                                                                     school, teacher):
    campaign = Campaign.objects.create(organization=school, name="Secrète", code="ABCDEF234",
                                       type="PROFILES_COLLECTION", creator=teacher, owner=teacher)
    page = visitor.sign_in(teacher_of_another_school.email, PASSWORD, path="/orga/connexion/")

    for path in ("", "resultats/", "parametres/", "modification/"):
        assert page.goto(f"{visitor.base_url}/orga/campagnes/{campaign.pk}/{path}").status == 404
