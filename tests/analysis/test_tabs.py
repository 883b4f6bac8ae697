from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory, stage_reached
from tests.utils import text


def shared(campaign, mastery, last_name="Lovelace", **fields):
    user = UserFactory(last_name=last_name, first_name="Ada")
    participation = ParticipationFactory(campaign=campaign, user=user, status="SHARED",
                                         mastery_rate=Decimal(mastery), validated_skills_count=int(mastery * 48),
                                         pix_score=12, is_certifiable=False, **fields)
    KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                            knowledge_elements=[])
    if campaign.is_assessment:
        stage_reached(participation, validated_count=participation.validated_skills_count)
    return participation


def test_activity_counts_statuses_and_lists_participants(client_of, teacher, evaluation):
    shared(evaluation, 0.5, last_name="Babbage")
    ParticipationFactory(campaign=evaluation, status="STARTED", user=UserFactory(last_name="Jackson"))
    ParticipationFactory(campaign=evaluation, status="TO_SHARE", user=UserFactory(last_name="Pouzin"))
    ParticipationFactory(campaign=evaluation, status="SHARED", is_improved=True, user=UserFactory(last_name="Old"))

    page = text(client_of(teacher).get(reverse("analysis:activity", args=[evaluation.pk])))

    assert "Total de participants" in page and "Détail par statut" in page
    for label in ("En cours", "En attente d'envoi", "Résultats reçus"):
        assert f'<th scope="row">{label}</th><td>1</td>' in page
    assert page.index("Babbage") < page.index("Jackson") < page.index("Pouzin") and ">Old<" not in page
    assert 'hx-trigger="every 20s"' in page


def test_activity_filters_by_status_and_name(client_of, teacher, evaluation):
    shared(evaluation, 0.5, last_name="Babbage")
    ParticipationFactory(campaign=evaluation, status="STARTED", user=UserFactory(last_name="Jackson"))
    client = client_of(teacher)

    assert "Babbage" not in text(client.get(reverse("analysis:activity", args=[evaluation.pk]), {"status": "STARTED"}))
    assert "Jackson" not in text(client.get(reverse("analysis:activity", args=[evaluation.pk]), {"search": "babb"}))


def test_the_activity_summary_refreshes_as_a_fragment(client_of, teacher, evaluation):
    ParticipationFactory(campaign=evaluation, status="STARTED")

    response = client_of(teacher).get(reverse("analysis:activity", args=[evaluation.pk]), {"fragment": "resume"},
                                      HTTP_HX_REQUEST="true")

    assert response.content.decode().startswith('<div id="resume-activite"')


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("tab", ["analysis:activity", "analysis:results"])
def test_the_tabs_cost_the_same_queries_for_1_and_30_participants(client_of, teacher, evaluation, tab):
    client = client_of(teacher)
    url = reverse(tab, args=[evaluation.pk])
    shared(evaluation, 0.25)
    one = queries(client, url, pageSize=100)
    for index in range(29):
        shared(evaluation, (index % 10) / 10, last_name=f"Élève{index:02d}")

    assert queries(client, url, pageSize=100) == one


def test_profiles_results_cost_the_same_queries_for_1_and_30(client_of, teacher, collection):
    client = client_of(teacher)
    url = reverse("analysis:results", args=[collection.pk])
    shared(collection, 0.1)
    one = queries(client, url, pageSize=100)
    for index in range(29):
        shared(collection, 0.1, last_name=f"Élève{index:02d}")

    assert queries(client, url, pageSize=100) == one


def test_results_show_the_average_the_stage_distribution_and_the_stars(client_of, teacher, evaluation):
    shared(evaluation, 0.10, last_name="Babbage")   # stage 0: 0 star
    shared(evaluation, 0.60, last_name="Lovelace")  # threshold 51: 2 stars
    shared(evaluation, 0.90, last_name="Hopper")    # threshold 81: 3 stars

    page = text(client_of(teacher).get(reverse("analysis:results", args=[evaluation.pk])))

    assert "Résultat moyen" in page and "53 %" in page  # (10 + 60 + 90) / 3
    assert "Répartition des participants par paliers" in page
    assert "2 étoiles sur 3" in page and "3 étoiles sur 3" in page and "0 étoile sur 3" in page
    assert "0 étoiles" not in page
    assert "de 21 à 50 % : maîtrise fragile" in page


def test_results_filter_by_stage(client_of, teacher, evaluation):
    shared(evaluation, 0.10, last_name="Babbage")
    shared(evaluation, 0.90, last_name="Hopper")

    page = text(client_of(teacher).get(reverse("analysis:results", args=[evaluation.pk]), {"palier": "3"}))

    list_part = page[page.index("Liste des résultats reçus"):]
    assert "Hopper" in list_part and "Babbage" not in list_part


def test_profiles_results_show_pix_and_certifiability(client_of, teacher, collection):
    participation = shared(collection, 0.1, last_name="Babbage")
    CampaignParticipation.objects.filter(pk=participation.pk).update(is_certifiable=True, pix_score=87)
    ParticipationFactory(campaign=collection, status="TO_SHARE", user=UserFactory(last_name="Pouzin"))

    page = text(client_of(teacher).get(reverse("analysis:results", args=[collection.pk])))

    assert "Profils reçus" in page and "87" in page and "Certifiable" in page and "En attente d'envoi" in page
    certifiable_only = text(client_of(teacher).get(reverse("analysis:results", args=[collection.pk]),
                                                   {"certifiable": "oui"}))
    assert "Babbage" in certifiable_only and "Pouzin" not in certifiable_only


def test_the_participant_page_of_an_evaluation(client_of, teacher, evaluation):
    participation = shared(evaluation, 0.6, last_name="Lovelace")

    page = text(client_of(teacher).get(reverse("analysis:participant", args=[evaluation.pk, participation.pk])))

    assert "Ada Lovelace" in page and "Résultats par compétence" in page and "Envoyé le" in page


def test_the_participant_page_of_a_profile(client_of, teacher, collection):
    participation = shared(collection, 0.1)

    page = text(client_of(teacher).get(reverse("analysis:participant", args=[collection.pk, participation.pk])))

    assert "COMP. CERTIFIABLES" in page and "0 / 16" in page and "Score Pix" in page


def test_the_owner_deletes_a_participation_after_confirming(client_of, teacher, evaluation):
    participation = shared(evaluation, 0.6)
    client = client_of(teacher)
    url = reverse("analysis:participation_delete", args=[evaluation.pk, participation.pk])

    assert "Supprimer la participation de Ada Lovelace ?" in text(client.get(url))
    done = text(client.post(url, follow=True))

    assert "La participation a été supprimée avec succès." in done
    participation.refresh_from_db()
    assert participation.deleted_at is not None and participation.user is None


def test_a_member_cannot_delete_a_participation_of_anothers_campaign(client_of, school, correspondent, teacher):
    campaign = CampaignFactory(organization=school, creator=correspondent)
    participation = ParticipationFactory(campaign=campaign)

    response = client_of(teacher).post(reverse("analysis:participation_delete", args=[campaign.pk, participation.pk]))

    assert response.status_code == 403
    assert CampaignParticipation.objects.get(pk=participation.pk).deleted_at is None


@pytest.mark.parametrize("name", ["analysis:participant", "analysis:participation_delete"])
def test_another_school_gets_404_on_participant_urls(client_of, teacher_of_another_school, evaluation, name):
    participation = shared(evaluation, 0.5)

    response = client_of(teacher_of_another_school).get(reverse(name, args=[evaluation.pk, participation.pk]))

    assert response.status_code == 404


def test_a_participation_of_another_campaign_is_404(client_of, teacher, evaluation, collection):
    participation = shared(collection, 0.1)

    response = client_of(teacher).get(reverse("analysis:participant", args=[evaluation.pk, participation.pk]))

    assert response.status_code == 404
