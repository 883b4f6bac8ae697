"""The pupil's side of issue 17 in the browser: a half-filled answer sent with Enter, a
parcours archived while he answers, "Remettre à zéro et tout retenter"."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Answer, Assessment, KnowledgeElement
from campaigns.services import campaign_archive
from demo.pupils import take_test
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from participations.services import participation_join, participation_share
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def started_on(campaign, student, challenge):
    """Ada's test under way, asking `challenge`."""
    participation = participation_join(campaign=campaign, user=student, now=timezone.now())
    Assessment.objects.filter(pk=participation.assessment_id).update(
        current_challenge_id=challenge.id, current_challenge_started_at=timezone.now()
    )
    return participation


def test_a_half_filled_answer_sent_with_enter_asks_for_every_field(visitor, student, evaluation):
    challenge = next(c for c in sorted(get_content().challenges.values(), key=lambda c: c.id)
                     if c.type == "QROCM-dep" and c.status == "validé" and not c.is_timed)
    participation = started_on(evaluation, student, challenge)
    visitor.sign_in(student.email, PASSWORD)
    page = visitor.goto(f"/evaluations/{participation.assessment_id}/")

    first = page.locator(f"[name='answer-{challenge.inputs[0]['key']}']")
    first.fill("11")
    page = visitor.send(press=first)

    expect(page.get_by_text("Pour valider, veuillez remplir tous les champs réponse. Sinon, passez.")).to_be_visible()
    expect(page.locator(f"[name='answer-{challenge.inputs[0]['key']}']")).to_have_value("11")
    assert not Answer.objects.exists()
    page = visitor.send("Je passe")
    assert Answer.objects.get().result == Answer.Result.SKIPPED


def test_a_parcours_archived_while_the_pupil_answers_says_so_at_once(visitor, student, teacher, evaluation):
    challenge = next(c for c in sorted(get_content().challenges.values(), key=lambda c: c.id)
                     if c.type == "QCU" and c.status == "validé" and not c.is_timed)
    participation = started_on(evaluation, student, challenge)
    visitor.sign_in(student.email, PASSWORD)
    page = visitor.goto(f"/evaluations/{participation.assessment_id}/")
    campaign_archive(campaign=evaluation, by=teacher, now=timezone.now())

    page.locator("label[for=proposition-1]").click()
    page = visitor.send("Je valide")

    expect(page.get_by_role("heading", level=1)).to_have_text("Oups, la page demandée n’est plus accessible.")
    expect(page.get_by_text(
        "Ce parcours a été désactivé par l'organisateur. L'envoi des résultats n'est plus possible."
    )).to_be_visible()
    assert not Answer.objects.exists()
    page = visitor.goto("/mes-parcours/")
    expect(page.get_by_text("Inactif", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Reprendre")).to_have_count(0)


def test_the_pupil_resets_his_parcours_after_a_confirmation(visitor, school, teacher, student, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                               target_profile_id="tp-competence-1.1", title="Recherche d'information",
                               multiple_sendings=True)
    past = timezone.now() - timedelta(days=5)
    participation = participation_join(campaign=campaign, user=student, now=past)
    take_test(participation.assessment, level=2, now=past)
    participation.refresh_from_db()
    participation_share(participation=participation, user=student, now=past)
    visitor.sign_in(student.email, PASSWORD)

    page = visitor.goto(f"/campagnes/{campaign.code}/evaluation/resultats/")
    expect(page.get_by_role("button", name="Repasser mon parcours")).to_be_visible()
    page = visitor.click("link", "Remettre à zéro et tout retenter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Remettre à zéro et tout retenter")
    expect(page.get_by_text(
        "Vos Pix, vos niveaux et votre certificabilité obtenus lors de ce parcours vont être supprimés."
    )).to_be_visible()
    page = visitor.click("button", "Confirmer")

    expect(page.get_by_role("button", name="Je valide")).to_be_visible()
    again = CampaignParticipation.objects.get(is_improved=False)
    assert again.pk != participation.pk and page.url.endswith(f"/evaluations/{again.assessment_id}/")
    assert KnowledgeElement.objects.filter(user=student, status=KnowledgeElement.Status.RESET).exists()
