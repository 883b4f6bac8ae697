"""Activité while the teacher keeps it open (#21 item 5): a pupil who joins appears in the
list and in the chart's figures without a reload."""

import pytest
from playwright.sync_api import expect

from analysis import views
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_open_tab_shows_the_pupil_who_just_joined(visitor, page, school, teacher, monkeypatch):
    monkeypatch.setattr(views, "ACTIVITY_REFRESH_SECONDS", 1)
    campaign = CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte")
    ParticipationFactory(campaign=campaign, status="SHARED", user=UserFactory(last_name="Babbage"))
    visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")
    visitor.goto(f"/orga/campagnes/{campaign.pk}/")
    expect(page.get_by_role("img", name="Activité des participants par jour")).to_be_visible()
    participants = page.get_by_role("table", name="Liste des participants")
    expect(participants).to_contain_text("Babbage")

    ParticipationFactory(campaign=campaign, status="TO_SHARE", user=UserFactory(last_name="Hopper"))

    expect(participants).to_contain_text("Hopper", timeout=5000)
    expect(page.get_by_role("table", name="Détail par statut")).to_contain_text("En attente d'envoi")
    expect(page.locator("#graphique-activite-desc")).to_contain_text("passé à 2")
