import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.pupils import play, take_test
from participations.models import CampaignParticipation
from participations.services import participation_share
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_teacher_follows_the_campaign_reads_the_analysis_and_exports(visitor, school, teacher, referential,
                                                                         settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", name="3e A - Rentrée",
                               target_profile_id="tp-rentree-3e", title="Parcours de rentrée 3e")
    ada = UserFactory(first_name="Ada", last_name="Lovelace")
    grace = UserFactory(first_name="Grace", last_name="Hopper")
    play(campaign, [(ada, 2, "started")], now=timezone.now())

    page = visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")
    page = visitor.goto(f"/orga/campagnes/{campaign.pk}/")
    status_table = page.get_by_role("table", name="Détail par statut")
    expect(status_table.get_by_role("row", name=re.compile("En cours"))).to_contain_text("1")
    expect(page.get_by_role("table", name="Liste des participants")).to_contain_text("Lovelace")

    # Ada finishes and sends; Grace sends a stronger result.
    participation = CampaignParticipation.objects.get(user=ada)
    take_test(participation.assessment, level=2, now=timezone.now())
    participation_share(participation=CampaignParticipation.objects.get(user=ada), user=ada, now=timezone.now())
    play(campaign, [(grace, 5, "shared")], now=timezone.now())

    page = visitor.goto(f"/orga/campagnes/{campaign.pk}/")
    expect(status_table.get_by_role("row", name=re.compile("Résultats reçus"))).to_contain_text("2")
    page = visitor.click("link", "Résultats (2)")
    expect(page.get_by_text("Résultat moyen")).to_be_visible()
    results = page.get_by_role("table", name="Liste des résultats reçus")
    expect(results).to_contain_text("Hopper")
    expect(results.get_by_role("img", name="3 étoiles sur 3")).to_be_visible()

    page = visitor.follow(results.get_by_role("link", name="Lovelace"))
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_role("table", name="Résultats par compétence")).to_be_visible()

    page = visitor.click("link", "Analyse")
    expect(page.get_by_role("heading", name="Recommandation de sujets à travailler")).to_be_visible()
    page.locator(".fr-accordion__btn").first.click()
    expect(page.get_by_text(re.compile(r"tutos? recommandés? par la communauté")).first).to_be_visible()

    page = visitor.click("button", "Exporter les résultats (.csv)")
    download_link = page.locator("#exports").get_by_role("link", name=re.compile("Télécharger le fichier"))
    expect(download_link).to_be_visible()
    with page.expect_download() as download_info:
        download_link.first.click()
    download = download_info.value
    assert re.match(r"Resultats-3e A - Rentrée-\d+-\d{4}-\d{2}-\d{2}-\d{4}\.csv", download.suggested_filename)
    content = open(download.path(), encoding="utf-8-sig").read()
    header, *rows = content.strip().split("\n")
    assert header.startswith('"Nom de l\'organisation";"ID Campagne";"Code";"Nom de la campagne";"Parcours"')
    assert [row.split(";")[5] for row in rows] == ['"Hopper"', '"Lovelace"']
