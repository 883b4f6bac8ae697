"""The teacher's widest tables fit a laptop and a desktop screen: no sideways scrolling to
reach « Pertinence » and « Tutos » in Analyse, nor the last columns of Élèves (#21)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.pupils import play
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory, LearnerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1366, 1920]


def overflow(page, table_name):
    """How many pixels the table sticks out of its scrolling box and the page out of the window."""
    table = page.get_by_role("table", name=table_name)
    expect(table).to_be_visible()
    return table.evaluate(
        """table => {
            const box = table.closest('.fr-table__content') || table.parentElement;
            const root = document.documentElement;
            return [box.scrollWidth - box.clientWidth, root.scrollWidth - root.clientWidth];
        }"""
    )


def assert_column_on_screen(page, table_name, header, width):
    cell = page.get_by_role("table", name=table_name).get_by_role("columnheader", name=header)
    box = cell.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (header, box)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_analysis_and_the_pupils_tables_fit_the_screen(visitor, page, school, teacher, correspondent, referential,
                                                           width):
    school.is_managing_students = True
    school.save()
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                               name="3e A - Parcours de rentrée des élèves de troisième, premier trimestre",
                               target_profile_id="tp-rentree-3e", title="Parcours de rentrée 3e")
    pupils = []
    for number, level in enumerate([1, 2, 4, 5]):
        user = UserFactory(first_name="Marie-Charlotte-Eugénie", last_name=f"de La Tour d'Auvergne-Lauraguais {number}")
        LearnerFactory(organization=school, user=user, first_name=user.first_name, last_name=user.last_name,
                       division="3e A - section européenne")
        pupils.append((user, level, "shared"))
    play(campaign, pupils, now=timezone.now())
    page.set_viewport_size({"width": width, "height": 900})
    # The administrator's Élèves table has one more column (« Supprimer »).
    visitor.sign_in(correspondent.email, PASSWORD, path="/orga/connexion/")

    visitor.goto(f"/orga/campagnes/{campaign.pk}/analyse/")
    assert overflow(page, "Recommandation de sujets à travailler") == [0, 0]
    for header in ("Pertinence", "Tutos"):
        assert_column_on_screen(page, "Recommandation de sujets à travailler", header, width)
    page.locator(".fr-accordion__btn").first.click()
    expect(page.get_by_text("par la communauté Pix").first).to_be_visible()
    assert overflow(page, "Recommandation de sujets à travailler") == [0, 0]

    visitor.goto("/orga/eleves/")
    assert overflow(page, "Liste des élèves") == [0, 0]
    for header in ("Certificabilité", "Dernière participation"):
        assert_column_on_screen(page, "Liste des élèves", header, width)
