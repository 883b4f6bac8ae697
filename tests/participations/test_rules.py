from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.services import answer_save
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from participations.services import can_retry, participation_join, participation_share
from tests.factories import CampaignFactory
from tests.utils import text

from .student import answer_all, correct_form, current_challenge_id


@pytest.fixture
def evaluation(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                           title="Rentrée", multiple_sendings=True)


def test_answering_costs_the_same_queries_at_the_first_and_the_tenth_question(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    url = reverse("assessments:challenge", args=[assessment_id])
    content = get_content()

    def queries_of_one_answer():
        challenge_id = current_challenge_id(client, assessment_id)
        with CaptureQueriesContext(connection) as captured:
            client.post(url, {"challenge_id": challenge_id, "action": "validate",
                              **correct_form(content.challenges[challenge_id])})
        assert not [q for q in captured if "learning_content_" in q["sql"]], "the référentiel was queried"
        return len(captured)

    first = queries_of_one_answer()
    for _ in range(8):
        queries_of_one_answer()
    tenth = queries_of_one_answer()
    # session, user, assessment, lock, replay check, answers, savepoint+insert+release, assessed skills,
    # knowledge elements insert, user knowledge, assessment update, answer count
    assert first == tenth <= 16


def test_a_timed_challenge_answered_too_late_is_not_validated(student, evaluation):
    participation = participation_join(campaign=evaluation, user=student, now=timezone.now())
    content = get_content()
    challenge = next(c for c in content.challenges.values() if c.is_timed and c.type in ("QCU", "QROC"))
    start = timezone.now()
    Assessment.objects.filter(pk=participation.assessment_id).update(
        current_challenge_id=challenge.id, current_challenge_started_at=start)
    value = str(challenge.solution) if challenge.type == "QCU" else challenge.solution[0]

    outcome = answer_save(assessment_id=participation.assessment_id, user=student, challenge_id=challenge.id, value=value,
                          skipped=False, now=start + timedelta(seconds=challenge.timer + 30))

    assert outcome.answer.result == Answer.Result.TIMED_OUT


def test_a_timed_challenge_answered_in_time_is_checked(student, evaluation):
    participation = participation_join(campaign=evaluation, user=student, now=timezone.now())
    challenge = next(c for c in get_content().challenges.values() if c.is_timed and c.type in ("QCU", "QROC"))
    start = timezone.now()
    Assessment.objects.filter(pk=participation.assessment_id).update(
        current_challenge_id=challenge.id, current_challenge_started_at=start)
    value = str(challenge.solution) if challenge.type == "QCU" else challenge.solution[0]

    outcome = answer_save(assessment_id=participation.assessment_id, user=student, challenge_id=challenge.id, value=value,
                          skipped=False, now=start + timedelta(seconds=challenge.timer - 5))

    assert outcome.answer.result == Answer.Result.OK


def test_je_retente_asks_again_the_failed_skills_older_than_four_days(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    participation = CampaignParticipation.objects.get()
    content = get_content()
    answer_all(client, participation.assessment_id, knows=lambda c: content.skills[c.skill_id].level <= 1)
    results = text(client.get(reverse("participations:results", args=[evaluation.code])))
    assert "Je retente" not in results and "Retenter dans 4 jours" in results
    participation.assessment.knowledge_elements.update(created_at=timezone.now() - timedelta(days=5))
    assert "Je retente" in text(client.get(reverse("participations:results", args=[evaluation.code])))

    response = client.post(reverse("participations:improve", args=[evaluation.code]))

    participation.refresh_from_db()
    assert participation.status == "STARTED" and participation.assessment.is_improving
    assert response.url == reverse("assessments:challenge", args=[participation.assessment_id])
    assert current_challenge_id(client, participation.assessment_id) is not None


def test_multiple_sending_allows_a_new_participation_four_days_after_sharing(student, evaluation):
    now = timezone.now()
    participation = participation_join(campaign=evaluation, user=student, now=now)
    Assessment.objects.filter(pk=participation.assessment_id).update(state="completed", completed_at=now)
    participation.refresh_from_db()
    participation = participation_share(participation=participation, user=student, now=now)

    assert not can_retry(participation, now=now + timedelta(days=3))
    assert can_retry(participation, now=now + timedelta(days=4))
    again = participation_join(campaign=evaluation, user=student, retry=True, now=now + timedelta(days=4))

    assert again.pk != participation.pk and again.status == "STARTED"
    assert CampaignParticipation.objects.get(pk=participation.pk).is_improved
    assert CampaignParticipation.objects.counted().count() == 1


def test_results_cannot_be_sent_before_the_end(student, evaluation):
    from participations.services import ParticipationError

    participation = participation_join(campaign=evaluation, user=student, now=timezone.now())

    with pytest.raises(ParticipationError, match="Terminez le parcours"):
        participation_share(participation=participation, user=student, now=timezone.now())


def test_what_was_sent_stays_frozen(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    participation = CampaignParticipation.objects.get()
    answer_all(client, participation.assessment_id)
    client.post(reverse("participations:results", args=[evaluation.code]))
    before = text(client.get(reverse("participations:results", args=[evaluation.code])))

    # Later, the pupil fails the same skills in a competence evaluation: the sent results do not move.
    participation.refresh_from_db()
    participation.assessment.knowledge_elements.update(status="invalidated", earned_pix=0)

    after = text(client.get(reverse("participations:results", args=[evaluation.code])))
    assert "Vous maîtrisez 100 % des compétences testées" in before and "Vous maîtrisez 100 %" in after
    assert CampaignParticipation.objects.get().mastery_rate == 1


def test_mes_parcours_lists_the_pupils_participations(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))

    page = text(client.get(reverse("participations:mine")))

    assert "Rentrée" in page and "En cours" in page and "Reprendre" in page


def test_a_competence_evaluated_alone_feeds_the_profile(client_of, student, referential):
    client = client_of(student)
    start = client.post(reverse("assessments:competence_evaluate", args=["comp-1.1"]))
    assessment = Assessment.objects.get()
    assert start.url == reverse("assessments:challenge", args=[assessment.pk])

    answer_all(client, assessment.pk)

    profile = text(client.get(reverse("assessments:profile")))
    assert "Vous avez 16 compétences à tester" in profile
    # Everything asked was right: nothing left to retry in 1.1, the 15 others to start.
    assert "52 pix sur 896" in profile and "Retenter" not in profile and profile.count("Commencer<span") == 15
    result = text(client.get(reverse("assessments:competence_result", args=["comp-1.1"])))
    assert "Niveau" in result


@pytest.mark.parametrize("max_level, total, level", [(7, "52 pix sur 896", "Niveau 6"), (5, "40 pix sur 640", "Niveau 5")])
def test_the_profile_follows_max_reachable_level(client_of, student, referential, settings, max_level, total, level):
    settings.MAX_REACHABLE_LEVEL = max_level
    client = client_of(student)
    client.post(reverse("assessments:competence_evaluate", args=["comp-1.1"]))
    answer_all(client, Assessment.objects.get().pk)

    profile = text(client.get(reverse("assessments:profile")))

    assert total in profile and f"{level} · " in profile


# --- Automatic sharing at completion (an option per campaign, off by default) --------------------

@pytest.mark.parametrize("automatic", [False, True])
def test_the_results_are_sent_at_the_end_only_when_the_campaign_says_so(client_of, student, school, teacher,
                                                                        referential, automatic):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                               target_profile_id="tp-rentree-3e", title="Rentrée", automatic_sharing=automatic)
    client = client_of(student)
    landing = text(client.get(reverse("participations:entry", args=[campaign.code])))
    assert ("envoyés automatiquement à la fin du parcours" in landing) is automatic
    client.post(reverse("participations:start", args=[campaign.code]))

    answer_all(client, CampaignParticipation.objects.get().assessment_id, knows=lambda challenge: True)

    participation = CampaignParticipation.objects.get()
    page = text(client.get(reverse("participations:results", args=[campaign.code])))
    if automatic:
        assert participation.status == "SHARED" and participation.mastery_rate is not None
        assert "Vos résultats ont été envoyés automatiquement" in page and "J'envoie mes résultats" not in page
    else:
        assert participation.status == "TO_SHARE" and participation.shared_at is None
        assert "J'envoie mes résultats" in page
