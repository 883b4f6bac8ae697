"""What the pupil reads: stars counted in French, « Bravo » only once a stage is earned, one
numbering of the questions, checkpoint titles without Markdown, tutorial durations in minutes."""

import re

from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, KnowledgeElement
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from participations.services import participation_complete
from tests.factories import CampaignFactory, ParticipationFactory
from tests.utils import text

from .student import current_challenge_id


def finished(evaluation, student, *, validated_share):
    """The pupil ended the test having proved this share of the parcours' skills."""
    assessment = Assessment.objects.create(
        user=student, type=Assessment.Type.CAMPAIGN, target_profile_id=evaluation.target_profile_id, end_path="/",
        state=Assessment.State.COMPLETED, completed_at=timezone.now(),
    )
    content = get_content()
    skill_ids = content.target_profiles[evaluation.target_profile_id].skill_ids
    for index, skill_id in enumerate(skill_ids):
        skill = content.skills[skill_id]
        proved = index < round(validated_share * len(skill_ids))
        KnowledgeElement.objects.create(
            user=student, assessment=assessment, skill_id=skill_id, competence_id=skill.competence_id,
            status="validated" if proved else "invalidated", source="direct",
            earned_pix=skill.pix_value if proved else 0, created_at=timezone.now(),
        )
    ParticipationFactory(campaign=evaluation, user=student, status="STARTED", assessment=assessment)
    participation_complete(assessment=assessment, now=assessment.completed_at)
    return reverse("participations:results", args=[evaluation.code])


def test_at_the_first_stage_there_is_no_bravo_and_zero_star_is_singular(client_of, student, evaluation):
    page = text(client_of(student).get(finished(evaluation, student, validated_share=0)))

    assert "Vous maîtrisez 0 % des compétences testées" in page and "Vous débutez" in page
    assert "Bravo" not in page
    assert "0 étoile acquise sur 3" in page and 'aria-label="0 étoile sur 3"' in page
    assert "0 étoiles" not in page


def test_above_the_first_stage_the_pupil_is_congratulated(client_of, student, evaluation):
    top_stage = get_content().target_profiles[evaluation.target_profile_id].stages[-1]

    page = text(client_of(student).get(finished(evaluation, student, validated_share=1)))

    assert f"Bravo Ada ! {top_stage.title}" in page
    assert "3 étoiles acquises sur 3" in page


def test_the_results_read_per_domain_with_the_rate_under_each_competence(client_of, student, evaluation):
    page = text(client_of(student).get(finished(evaluation, student, validated_share=1)))

    assert "<table" not in page
    assert re.search(r'<h3 class="fr-h6 fr-mb-1w">1\. Information et données</h3>', page)
    assert "100 % de maîtrise" in page


def test_the_profile_collection_does_not_ask_a_signed_in_pupil_to_sign_in(client_of, student, school, teacher):
    collection = CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte")

    page = text(client_of(student).get(reverse("participations:entry", args=[collection.code])))

    assert "Envoyez votre profil" in page and "Envoyez votre profil Pix à Collège Victor Hugo" in page
    assert "Inscrivez-vous ou connectez-vous" not in page and "C'est parti !" in page


def test_the_sixth_question_is_the_first_of_its_series_everywhere_on_the_page(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    for _ in range(5):
        client.post(reverse("assessments:challenge", args=[assessment_id]), {
            "challenge_id": current_challenge_id(client, assessment_id), "action": "skip"})
    # The sixth question may be a timed one (the pick follows the assessment id): its clock started.
    current_challenge_id(client, assessment_id)

    page = text(client.get(reverse("assessments:challenge", args=[assessment_id])))

    assert re.search(r'<h1 class="fr-h4 fr-mb-1w" id="progression">Question 1 / 5', page)
    assert "Question 6" not in page and "<title>Question 1 / 5 – Parcours de rentrée 3e" in page


def test_the_checkpoint_titles_read_without_markdown_and_durations_in_minutes(client_of, student, evaluation):
    content = get_content()
    with_marks = sorted((challenge for challenge in content.challenges.values()
                         if re.search(r"\*\*|`", challenge.instruction[:90])),
                        key=lambda challenge: "moteurs de recherche** ?" not in challenge.instruction)[:5]
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment = CampaignParticipation.objects.get().assessment
    for challenge in with_marks:
        Assessment.objects.filter(pk=assessment.pk).update(current_challenge_id=challenge.id,
                                                           current_challenge_started_at=timezone.now())
        assessment_services.answer_save(assessment_id=assessment.pk, user=student, challenge_id=challenge.id,
                                        value=None, skipped=True, now=timezone.now())

    page = text(client.get(reverse("assessments:checkpoint", args=[assessment.pk])))

    titles = re.findall(r'<span class="pix-accordion-summary">(.*?)</span>', page, re.S)
    assert len(titles) == 5
    assert not any("**" in title or "`" in title for title in titles), titles
    assert any(title.startswith("Parmi les noms suivants, lesquels désignent des moteurs de recherche ?")
               for title in titles), titles
    assert not re.search(r"\d:\d\d:\d\d", page)
    assert re.search(r" · \d+\u00a0min</li>", page)

