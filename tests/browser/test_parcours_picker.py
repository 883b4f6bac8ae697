"""Choosing a parcours (#21 item 6): a search narrows the list, and the card of the chosen
one says its category, description, number of subjects and estimated duration."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_teacher_searches_a_parcours_and_reads_its_card(visitor, page, teacher, referential):
    page.set_viewport_size({"width": 1366, "height": 900})
    visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")
    visitor.goto("/orga/campagnes/creation/")
    page.get_by_text("Évaluer les participants", exact=True).click()

    page.get_by_label("Rechercher un parcours").fill("1.1 veille")
    expect(page.locator("#parcours-recherche-resultat")).to_have_text("Un parcours correspond à cette recherche.")
    select = page.get_by_label("Que souhaitez-vous tester ?")
    visible = select.locator("option:not([hidden])").all_text_contents()
    assert visible[1:] == ["1.1 Mener une recherche et une veille d'information"]

    page.get_by_label("Rechercher un parcours").fill("rentree 3e")  # without its accent
    select.select_option("tp-rentree-3e")
    card = page.locator("#parcours-card")
    expect(card).to_be_visible()
    expect(card.locator("[data-field=category]")).to_have_text("Parcours de rentrée")
    expect(card.locator("[data-field=name]")).to_have_text("Parcours de rentrée 3e")
    expect(card.locator("[data-field=description]")).not_to_be_empty()
    expect(card.locator("[data-field=subjects]")).to_have_text(re.compile(r"Sujets : \d+"))
    expect(card.locator("[data-field=duration]")).to_have_text(re.compile(r"Durée estimée : environ \d+"))

    page.get_by_label("Rechercher un parcours").fill("zzz")
    expect(page.locator("#parcours-recherche-resultat")).to_have_text("Aucun parcours ne correspond à cette recherche.")
