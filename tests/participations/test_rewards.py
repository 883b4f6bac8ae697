"""Stages and badges stored at completion (issues 19 and 20), as the pupil and his teacher see
them: the pupil's « Récompenses », the « Résultats Thématiques » of Pix Orga, its filters, the
participant page and the share of each badge on the Analyse tab."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis.analysis_tasks import campaign_analysis_request
from assessments.models import Assessment, KnowledgeElement
from learning_content.repository import get_content
from participations.models import (
    BadgeAcquisition,
    CampaignParticipation,
    KnowledgeElementSnapshot,
    StageAcquisition,
)
from participations.services import participation_complete
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory, stage_reached
from tests.utils import text

from .student import answer_all

PROFILE = "tp-rentree-3e"


def knows_up_to(level):
    content = get_content()
    return lambda challenge: content.skills[challenge.skill_id].level <= level


@pytest.fixture
def evaluation(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id=PROFILE,
                           title="Rentrée", name="3e A - Rentrée")


def take(client, campaign, *, level):
    client.post(reverse("participations:start", args=[campaign.code]))
    participation = CampaignParticipation.objects.filter(campaign=campaign, is_improved=False).latest("pk")
    answer_all(client, participation.assessment_id, knows=knows_up_to(level))
    return participation


def results_page(client, campaign):
    return text(client.get(reverse("participations:results", args=[campaign.code])))


def section(page, start, end):
    return page[page.index(start):page.index(end, page.index(start))]


# --- At completion --------------------------------------------------------------------------

def test_a_pupil_who_masters_the_parcours_wins_every_badge_the_certifiable_one_first(client_of, student, evaluation):
    client = client_of(student)
    participation = take(client, evaluation, level=3)

    stored = StageAcquisition.objects.get(participation=participation)
    assert (stored.reached, stored.stage_count, stored.mastery_percentage) == (4, 4, 100)
    assert set(BadgeAcquisition.objects.filter(participation=participation).values_list("badge_key", flat=True)) == {
        "rentree-3e-certification", "rentree-3e-securite", "rentree-3e-recherche", "rentree-3e-bureautique",
    }
    page = results_page(client, evaluation)
    rewards = section(page, ">Récompenses<", "Vos résultats par compétence")
    assert "Obtenu" in rewards and "Non obtenu" not in rewards
    titles = [title for title in ("Prêt pour la certification Pix", "Sécurité numérique", "Recherche d'information",
                                  "Bureautique") if title in rewards]
    assert len(titles) == 4 and rewards.index("Prêt pour la certification Pix") < rewards.index("Sécurité numérique")
    assert rewards.count("Certifiant") == 1 and "(Badge obtenu)" in rewards
    assert 'alt="Une médaille dorée marquée d\'une coche"' in rewards
    assert "3 étoiles acquises sur 3" in page


def test_a_pupil_who_fails_sees_only_the_always_visible_badges_with_their_progress(client_of, student, evaluation):
    client = client_of(student)
    participation = take(client, evaluation, level=0)

    assert StageAcquisition.objects.get(participation=participation).reached == 1
    assert not BadgeAcquisition.objects.exists()
    rewards = section(results_page(client, evaluation), ">Récompenses<", "Vos résultats par compétence")
    assert "Non obtenu" in rewards and ">Obtenu<" not in rewards
    assert "Sécurité numérique" in rewards and "Prêt pour la certification Pix" in rewards
    assert "Bureautique" not in rewards  # not always visible
    assert "Progression : 0 %" in rewards and "(Badge non obtenu)" in rewards


def test_a_completion_run_twice_stores_the_same_stage_and_badges_once(client_of, student, evaluation):
    participation = take(client_of(student), evaluation, level=3)
    before = list(BadgeAcquisition.objects.values_list("pk", "badge_key", "acquired_at"))

    participation_complete(assessment=participation.assessment, now=timezone.now())

    assert list(BadgeAcquisition.objects.values_list("pk", "badge_key", "acquired_at")) == before
    assert StageAcquisition.objects.filter(participation=participation).count() == 1


def test_a_new_participation_gets_its_own_stage_and_badges(client_of, student, school, teacher, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id=PROFILE,
                               multiple_sendings=True)
    client = client_of(student)
    first = take(client, campaign, level=0)
    client.post(reverse("participations:results", args=[campaign.code]))
    delta = timedelta(days=5)
    KnowledgeElement.objects.update(created_at=F("created_at") - delta)
    Assessment.objects.update(created_at=F("created_at") - delta)
    CampaignParticipation.objects.update(shared_at=F("shared_at") - delta)
    client.post(reverse("participations:retry", args=[campaign.code]))
    second = CampaignParticipation.objects.get(campaign=campaign, is_improved=False)
    answer_all(client, second.assessment_id, knows=knows_up_to(3))

    assert second.pk != first.pk
    assert not BadgeAcquisition.objects.filter(participation=first).exists()
    assert BadgeAcquisition.objects.filter(participation=second).count() == 4
    assert StageAcquisition.objects.get(participation=first).reached == 1
    assert StageAcquisition.objects.get(participation=second).reached == 4


# --- Pix Orga --------------------------------------------------------------------------------

def received(campaign, last_name, *, badges=(), validated_count=0):
    """A received result as a completion stored it."""
    participation = ParticipationFactory(
        campaign=campaign, user=UserFactory(last_name=last_name, first_name="Ada"), status="SHARED",
        mastery_rate=validated_count / 48, validated_skills_count=validated_count, pix_score=0,
    )
    KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                            knowledge_elements=[])
    stage_reached(participation, validated_count=validated_count)
    BadgeAcquisition.objects.bulk_create(
        BadgeAcquisition(participation=participation, badge_key=key, acquired_at=timezone.now()) for key in badges
    )
    return participation


def results_list(client, campaign, query=None):
    page = text(client.get(reverse("analysis:results", args=[campaign.pk]), query or {}))
    return page[page.index("Liste des résultats reçus"):]


def test_results_show_the_won_badges_and_the_others_greyed_with_a_tooltip(client_of, teacher, evaluation):
    received(evaluation, "Hopper", badges=["rentree-3e-securite"], validated_count=30)

    page = results_list(client_of(teacher), evaluation)

    assert ">Résultats Thématiques</th>" in page
    assert 'alt="Sécurité numérique : obtenu"' in page and 'title="Badge obtenu : Sécurité numérique"' in page
    assert 'class="pix-badge-icon--not-won"' in page and 'alt="Bureautique : non obtenu"' in page
    assert 'title="Badge non obtenu : Bureautique"' in page
    row = page[page.index("Hopper"):]
    assert 'aria-label="2 étoiles sur 3"' in row  # 30 of 48 = 62.5, 63 %: the stored stage 3


def test_results_filter_thematiques_needs_all_and_lacunes_none(client_of, teacher, evaluation):
    received(evaluation, "Babbage", badges=["rentree-3e-securite"])
    received(evaluation, "Hopper", badges=["rentree-3e-securite", "rentree-3e-recherche"])
    received(evaluation, "Lamarr")
    client = client_of(teacher)

    both = results_list(client, evaluation, {"thematiques": ["rentree-3e-securite", "rentree-3e-recherche"]})
    assert "Hopper" in both and "Babbage" not in both and "Lamarr" not in both
    gaps = results_list(client, evaluation, {"lacunes": ["rentree-3e-recherche"]})
    assert "Babbage" in gaps and "Lamarr" in gaps and "Hopper" not in gaps
    assert "Effacer les filtres" in gaps
    unknown = results_list(client, evaluation, {"thematiques": ["badge-inconnu"]})
    assert "Babbage" in unknown and "Hopper" in unknown


@pytest.mark.parametrize("query", [{}, {"thematiques": ["rentree-3e-securite"], "lacunes": ["rentree-3e-recherche"]}])
def test_the_results_tab_costs_the_same_queries_for_2_and_20_participants(client_of, teacher, evaluation, query):
    client = client_of(teacher)
    url = reverse("analysis:results", args=[evaluation.pk])

    def queries(count):
        for index in range(count - CampaignParticipation.objects.count()):
            received(evaluation, f"Eleve{index:02}", badges=["rentree-3e-securite"] if index % 2 else [])
        client.get(url, query)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


def test_the_participant_page_shows_every_badge_won_or_not(client_of, teacher, evaluation):
    participation = received(evaluation, "Lovelace", badges=["rentree-3e-recherche"], validated_count=10)

    page = text(client_of(teacher).get(reverse("analysis:participant", args=[evaluation.pk, participation.pk])))

    block = section(page, "Résultats Thématiques", "Résultats par compétence")
    assert "Recherche d'information" in block and "(Badge obtenu)" in block
    assert "Bureautique" in block and "(Badge non obtenu)" in block


def test_the_analysis_tab_shows_the_share_of_pupils_with_each_badge(
    client_of, teacher, evaluation, django_capture_on_commit_callbacks,
):
    received(evaluation, "Babbage", badges=["rentree-3e-securite"])
    received(evaluation, "Hopper", badges=["rentree-3e-securite", "rentree-3e-recherche"])
    received(evaluation, "Lamarr")
    received(evaluation, "Noether")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_analysis_request(evaluation, now=timezone.now())

    page = text(client_of(teacher).get(reverse("analysis:analysis", args=[evaluation.pk])))

    table = section(page, "Part des participants ayant obtenu chaque badge", "</table>")
    assert "Sécurité numérique</th>\n        <td>2</td>" in table and "50 %" in table
    assert "Recherche d'information</th>\n        <td>1</td>" in table and "25 %" in table


def test_a_teacher_of_another_school_gets_404_on_the_badges(client_of, teacher_of_another_school, evaluation):
    response = client_of(teacher_of_another_school).get(
        reverse("analysis:results", args=[evaluation.pk]), {"thematiques": ["rentree-3e-securite"]}
    )
    assert response.status_code == 404


def test_the_results_received_before_stages_were_stored_get_their_stage(evaluation):
    from importlib import import_module

    from django.apps import apps

    received_before = ParticipationFactory(
        campaign=evaluation, user=UserFactory(last_name="Hopper"), status="SHARED",
        mastery_rate=25 / 48, validated_skills_count=25,
    )

    import_module("participations.migrations.0007_stages_of_earlier_completions").backfill(apps, None)

    # 25 of 48 = 52 %: the third of the four bands (51 %).
    stored = StageAcquisition.objects.get(participation=received_before)
    assert (stored.reached, stored.stage_count, stored.mastery_percentage) == (3, 4, 52)
