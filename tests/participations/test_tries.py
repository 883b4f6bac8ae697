"""Trying again, as a pupil lives it (issue 17): "Je retente" and "Retenter" only when a
question will be asked again, "Remettre à zéro et tout retenter" on resettable parcours, the
right words on a multiple-sending campaign."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessments import algorithm
from assessments.models import Assessment, KnowledgeElement
from assessments.services import user_knowledge_elements
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from tests.factories import CampaignFactory
from tests.utils import text

from .student import answer_all, current_challenge_id

RESETTABLE = "tp-competence-1.1"


def knows_up_to(level):
    content = get_content()
    return lambda challenge: content.skills[challenge.skill_id].level <= level


def days_pass(user, days):
    """What the pupil did happened `days` days earlier."""
    delta = timedelta(days=days)
    KnowledgeElement.objects.filter(user=user).update(created_at=F("created_at") - delta)
    Assessment.objects.filter(user=user).update(created_at=F("created_at") - delta)
    CampaignParticipation.objects.filter(user=user, shared_at__isnull=False).update(shared_at=F("shared_at") - delta)


def failed_skill_ids(user, skill_ids):
    latest = algorithm.latest_per_skill(user_knowledge_elements(user.pk))
    return {skill_id for skill_id in skill_ids if skill_id in latest and latest[skill_id].status != algorithm.VALIDATED}


def asked_skill(client, assessment_id):
    return get_content().challenges[current_challenge_id(client, assessment_id)].skill_id


@pytest.fixture
def evaluation(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                           title="Rentrée")


@pytest.fixture
def finished(client_of, student, evaluation):
    """Ada's test is over, the harder questions failed, the results not sent."""
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    answer_all(client, CampaignParticipation.objects.get().assessment_id, knows=knows_up_to(1))
    return client


def results_page(client, campaign):
    return text(client.get(reverse("participations:results", args=[campaign.code])))


# --- "Je retente", before sending -------------------------------------------------------------

def test_je_retente_waits_four_days_after_the_failures(finished, evaluation):
    page = results_page(finished, evaluation)

    assert "Je retente" not in page
    assert "Retenter dans 4 jours : les questions ratées pourront vous être reposées." in page


def test_je_retente_posted_too_early_starts_nothing(finished, evaluation):
    response = finished.post(reverse("participations:improve", args=[evaluation.code]), follow=True)

    assert "Aucune question ne peut encore vous être reposée" in text(response)
    assert Assessment.objects.count() == 1
    assert CampaignParticipation.objects.get().status == CampaignParticipation.Status.TO_SHARE


def test_je_retente_asks_a_failed_question_again(finished, student, evaluation):
    target = get_content().target_profiles["tp-rentree-3e"].skill_ids
    failed = failed_skill_ids(student, target)
    days_pass(student, 5)
    assert "Je retente" in results_page(finished, evaluation)

    response = finished.post(reverse("participations:improve", args=[evaluation.code]))

    participation = CampaignParticipation.objects.get()
    assert response.url == reverse("assessments:challenge", args=[participation.assessment_id])
    assert participation.status == CampaignParticipation.Status.STARTED and participation.assessment.is_improving
    assert asked_skill(finished, participation.assessment_id) in failed


def test_je_retente_is_not_offered_when_everything_was_right(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    answer_all(client, CampaignParticipation.objects.get().assessment_id)
    days_pass(student, 5)

    page = results_page(client, evaluation)

    assert "Je retente" not in page and "Retenter dans" not in page


def test_je_retente_is_not_offered_once_the_campaign_is_archived(finished, student, evaluation):
    days_pass(student, 5)
    evaluation.archived_at = timezone.now()
    evaluation.save(update_fields=["archived_at"])

    page = results_page(finished, evaluation)

    assert "Je retente" not in page
    assert "Ce parcours a été désactivé par l'organisateur. L'envoi des résultats n'est plus possible." in page


# --- "Retenter" on the competence cards --------------------------------------------------------

@pytest.fixture
def competence_done(client_of, student, referential):
    """Ada evaluated 1.1 alone, failing above level 2."""
    client = client_of(student)
    client.post(reverse("assessments:competence_evaluate", args=["comp-1.1"]))
    answer_all(client, Assessment.objects.get().pk, knows=knows_up_to(2))
    return client


def test_a_competence_just_failed_says_when_it_can_be_retried(competence_done):
    profile = text(competence_done.get(reverse("assessments:profile")))
    result = text(competence_done.get(reverse("assessments:competence_result", args=["comp-1.1"])))

    assert "Retenter dans 4 jours" in profile and "Retenter<span" not in profile
    assert "Retenter dans 4 jours" in result


def test_retenter_too_early_starts_nothing(competence_done):
    response = competence_done.post(reverse("assessments:competence_evaluate", args=["comp-1.1"]), follow=True)

    assert "vous pourrez retenter cette compétence dans 4 jours" in text(response)
    assert Assessment.objects.count() == 1


def test_retenter_asks_a_failed_question_of_the_competence_again(competence_done, student):
    failed = failed_skill_ids(student, get_content().competences["comp-1.1"].skill_ids)
    days_pass(student, 5)
    assert "Retenter<span" in text(competence_done.get(reverse("assessments:profile")))

    response = competence_done.post(reverse("assessments:competence_evaluate", args=["comp-1.1"]))

    retry = Assessment.objects.latest("pk")
    assert response.url == reverse("assessments:challenge", args=[retry.pk])
    assert retry.is_improving and not retry.is_completed
    assert asked_skill(competence_done, retry.pk) in failed


# --- After sending, with multiple sending: retry and reset -------------------------------------

@pytest.fixture
def resettable(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id=RESETTABLE,
                           title="Recherche d'information", multiple_sendings=True)


def sent(client, campaign):
    client.post(reverse("participations:start", args=[campaign.code]))
    answer_all(client, CampaignParticipation.objects.get(campaign=campaign, is_improved=False).assessment_id,
               knows=knows_up_to(2))
    client.post(reverse("participations:results", args=[campaign.code]))


def test_the_teacher_sees_remise_a_zero_oui_for_this_parcours(client_of, teacher, resettable):
    page = text(client_of(teacher).get(reverse("campaigns:settings", args=[resettable.pk])))

    assert "Remise à zéro" in page and "Oui" in page


def test_the_pupil_is_told_when_he_may_try_again_after_sending(client_of, student, resettable):
    client = client_of(student)
    sent(client, resettable)

    page = results_page(client, resettable)

    assert "Vous pourrez repasser ce parcours dans 4 jours." in page
    assert "Repasser mon parcours" not in page and "Remettre à zéro" not in page


def test_four_days_after_sending_the_pupil_may_retry_or_reset(client_of, student, resettable):
    client = client_of(student)
    sent(client, resettable)
    days_pass(student, 4)

    page = results_page(client, resettable)

    assert "Améliorez vos résultats" in page and "Repasser mon parcours" in page
    assert "Remettre à zéro et tout retenter" in page and "Vous pourrez repasser" not in page


def test_the_reset_asks_for_a_confirmation_first(client_of, student, resettable):
    client = client_of(student)
    sent(client, resettable)
    days_pass(student, 4)

    page = text(client.get(reverse("participations:reset", args=[resettable.code])))

    assert "Vos Pix, vos niveaux et votre certificabilité obtenus lors de ce parcours vont être supprimés." in page
    assert "Vos résultats devront être envoyés une nouvelle fois à l'organisateur." in page
    assert "Confirmer" in page and "Annuler" in page
    assert not KnowledgeElement.objects.filter(status=KnowledgeElement.Status.RESET).exists()


def test_the_reset_forgets_the_parcours_and_asks_everything_again(client_of, student, resettable):
    client = client_of(student)
    sent(client, resettable)
    days_pass(student, 4)
    target = set(get_content().target_profiles[RESETTABLE].skill_ids)
    first = CampaignParticipation.objects.get()
    known = set(algorithm.latest_per_skill(user_knowledge_elements(student.pk))) & target
    validated = known - failed_skill_ids(student, target)

    response = client.post(reverse("participations:reset", args=[resettable.code]))

    again = CampaignParticipation.objects.get(is_improved=False)
    assert again.pk != first.pk and again.status == CampaignParticipation.Status.STARTED
    assert response.url == reverse("assessments:challenge", args=[again.assessment_id])
    resets = KnowledgeElement.objects.filter(user=student, status=KnowledgeElement.Status.RESET)
    assert set(resets.values_list("skill_id", flat=True)) == known and validated
    assert set(resets.values_list("earned_pix", flat=True)) == {0}
    assert not set(algorithm.latest_per_skill(user_knowledge_elements(student.pk))) & target
    profile = text(client.get(reverse("assessments:profile")))
    assert "0 pix sur" in profile
    # The results the teacher received stay as they were, until the pupil sends again.
    first.refresh_from_db()
    assert first.is_shared and first.pix_score > 0
    # A validated skill is asked again too: the first question is at level 2, validated before.
    assert asked_skill(client, again.assessment_id) in validated


def test_a_second_click_on_confirmer_resets_once(client_of, student, resettable):
    client = client_of(student)
    sent(client, resettable)
    days_pass(student, 4)
    url = reverse("participations:reset", args=[resettable.code])
    client.post(url)
    resets = KnowledgeElement.objects.filter(status=KnowledgeElement.Status.RESET).count()

    response = client.post(url)

    again = CampaignParticipation.objects.get(is_improved=False)
    assert response.url == reverse("assessments:challenge", args=[again.assessment_id])
    assert CampaignParticipation.objects.count() == 2
    assert KnowledgeElement.objects.filter(status=KnowledgeElement.Status.RESET).count() == resets


def test_the_reset_reopens_the_competence_evaluations_it_touches(client_of, student, resettable):
    client = client_of(student)
    client.post(reverse("assessments:competence_evaluate", args=["comp-1.1"]))
    evaluation = Assessment.objects.get()
    answer_all(client, evaluation.pk, knows=knows_up_to(1))
    sent(client, resettable)
    days_pass(student, 4)

    client.post(reverse("participations:reset", args=[resettable.code]))

    evaluation.refresh_from_db()
    assert evaluation.state == Assessment.State.STARTED and evaluation.completed_at is None
    assert "Reprendre<span" in text(client.get(reverse("assessments:profile")))


@pytest.mark.parametrize("days", [0, 3])
def test_no_reset_before_four_days(client_of, student, resettable, days):
    client = client_of(student)
    sent(client, resettable)
    days_pass(student, days)

    confirm = client.get(reverse("participations:reset", args=[resettable.code]), follow=True)
    client.post(reverse("participations:reset", args=[resettable.code]))

    assert "Ce parcours ne peut pas être remis à zéro pour l'instant." in text(confirm)
    assert CampaignParticipation.objects.count() == 1
    assert not KnowledgeElement.objects.filter(status=KnowledgeElement.Status.RESET).exists()


def test_a_parcours_that_is_not_resettable_offers_only_to_retry(client_of, student, school, teacher, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                               target_profile_id="tp-rentree-3e", multiple_sendings=True)
    client = client_of(student)
    sent(client, campaign)
    days_pass(student, 4)

    page = results_page(client, campaign)
    refused = client.post(reverse("participations:reset", args=[campaign.code]), follow=True)

    assert "Repasser mon parcours" in page and "Remettre à zéro" not in page
    assert "Ce parcours ne peut pas être remis à zéro pour l'instant." in text(refused)
    assert not KnowledgeElement.objects.filter(status=KnowledgeElement.Status.RESET).exists()


def test_a_disabled_pupil_cannot_reset(client_of, student, resettable):
    client = client_of(student)
    sent(client, resettable)
    days_pass(student, 4)
    CampaignParticipation.objects.get().organization_learner.__class__.objects.update(is_disabled=True)

    page = results_page(client, resettable)
    client.post(reverse("participations:reset", args=[resettable.code]))

    assert "Remettre à zéro" not in page
    assert not KnowledgeElement.objects.filter(status=KnowledgeElement.Status.RESET).exists()


# --- Sending a profile, with multiple sending --------------------------------------------------

@pytest.mark.parametrize("multiple, shown, hidden", [
    (False, "Cet envoi n'est possible qu'une seule fois",
     "Vous pourrez renvoyer votre profil"),
    (True, "Vous pourrez renvoyer votre profil 4 jours après cet envoi, pour montrer votre progression.",
     "Cet envoi n'est possible qu'une seule fois"),
])
def test_the_send_page_says_whether_the_profile_can_be_sent_again(
    client_of, student, school, teacher, referential, multiple, shown, hidden,
):
    campaign = CampaignFactory(organization=school, creator=teacher, multiple_sendings=multiple)

    page = text(client_of(student).post(reverse("participations:start", args=[campaign.code]), follow=True))

    assert shown in page and hidden not in page


def test_the_profile_costs_the_same_queries_whatever_was_tried(competence_done, student, django_assert_num_queries):
    days_pass(student, 2)

    # session, user, the knowledge elements, the competence evaluations under way.
    with django_assert_num_queries(4):
        page = text(competence_done.get(reverse("assessments:profile")))

    assert "Retenter dans 2 jours" in page


# --- The 4-day rule in every campaign test (§4.2) ----------------------------------------------

def test_a_new_campaign_asks_again_the_failures_older_than_four_days(finished, student, school, teacher, evaluation):
    failed = failed_skill_ids(student, get_content().target_profiles["tp-rentree-3e"].skill_ids)
    days_pass(student, 5)
    other = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                            title="Bilan")

    finished.post(reverse("participations:start", args=[other.code]))

    participation = CampaignParticipation.objects.get(campaign=other)
    assert not participation.assessment.is_improving
    page = finished.get(reverse("assessments:challenge", args=[participation.assessment_id]))
    assert page.status_code == 200 and "Question 1" in text(page)
    assert asked_skill(finished, participation.assessment_id) in failed


def test_a_new_campaign_keeps_the_failures_of_less_than_four_days(finished, student, school, teacher, evaluation):
    days_pass(student, 3)
    other = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                            title="Bilan")

    finished.post(reverse("participations:start", args=[other.code]))

    participation = CampaignParticipation.objects.get(campaign=other)
    assert current_challenge_id(finished, participation.assessment_id) is None
