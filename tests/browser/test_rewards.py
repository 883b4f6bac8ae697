"""The pupil's « Récompenses » in the browser (issue 20): badges won and not won, readable by
axe-core's rules and on a 320 px phone; the teacher's « Résultats Thématiques » at 1366 px."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.pupils import take_test
from participations.models import BadgeAcquisition
from participations.services import participation_join, participation_share
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def evaluation(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                           title="Parcours de rentrée 3e", name="3e A - Rentrée")


def test_the_end_page_lists_the_badges_won_and_those_still_to_win(visitor, student, evaluation):
    participation = participation_join(campaign=evaluation, user=student, now=timezone.now())
    # He knows the first level of every tube: some badges, not all.
    take_test(participation.assessment, level=2, now=timezone.now())
    won = set(BadgeAcquisition.objects.values_list("badge_key", flat=True))
    assert won and "rentree-3e-bureautique" not in won

    visitor.sign_in(student.email, PASSWORD)
    page = visitor.goto(f"/campagnes/{evaluation.code}/evaluation/resultats/")

    rewards = page.locator("section[aria-labelledby=recompenses]")
    expect(rewards.get_by_role("heading", name="Récompenses")).to_be_visible()
    expect(rewards.get_by_role("heading", name="Obtenu", exact=True)).to_be_visible()
    expect(rewards.get_by_role("img", name="Un bouclier bleu frappé d'un cadenas")).to_be_visible()
    if "rentree-3e-certification" not in won:
        expect(rewards.get_by_role("heading", name="Non obtenu")).to_be_visible()
        expect(rewards.get_by_text("Certifiant")).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_teacher_reads_the_badges_in_the_results(visitor, student, teacher, evaluation):
    participation = participation_join(campaign=evaluation, user=student, now=timezone.now())
    take_test(participation.assessment, level=3, now=timezone.now())
    participation_share(participation=participation, user=student, now=timezone.now())

    visitor.sign_in(teacher.email, PASSWORD)
    page = visitor.page
    page.set_viewport_size({"width": 1366, "height": 900})
    page = visitor.goto(f"/orga/campagnes/{evaluation.pk}/resultats/")

    expect(page.get_by_role("columnheader", name="Résultats Thématiques")).to_be_visible()
    expect(page.get_by_role("img", name="Bureautique : obtenu")).to_be_visible()
    page.locator("label[for=thematique-rentree-3e-bureautique]").click()
    page = visitor.click("button", "Filtrer")
    expect(page.get_by_role("cell", name=student.last_name)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
