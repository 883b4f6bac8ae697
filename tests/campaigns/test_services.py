from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.codes import CODE_PATTERN
from campaigns.models import Campaign
from campaigns.services import (
    CampaignError,
    campaign_archive,
    campaign_create,
    campaign_unarchive,
    campaign_update,
    campaigns_delete,
)
from organizations.models import Membership
from participations.models import CampaignParticipation
from tests.factories import CampaignFactory, ParticipationFactory


@pytest.fixture
def back_to_school_3e(referential):
    from learning_content.models import TargetProfile

    return TargetProfile.objects.get(name="Parcours de rentrée 3e")


def test_a_teacher_creates_an_evaluation_with_a_fresh_code(school, teacher, back_to_school_3e):
    campaign = campaign_create(
        organization=school, creator=teacher, owner=teacher, name="3e A – rentrée", type="ASSESSMENT",
        target_profile=back_to_school_3e, title="Parcours de rentrée 3e A",
    )

    assert CODE_PATTERN.match(campaign.code)
    assert (campaign.owner, campaign.creator, campaign.organization) == (teacher, teacher, school)


def test_a_profiles_collection_has_no_parcours_nor_title(school, teacher):
    campaign = campaign_create(
        organization=school, creator=teacher, owner=teacher, name="Collecte 3e A", type="PROFILES_COLLECTION",
        title="ignoré",
    )

    assert campaign.target_profile is None and campaign.title == ""


def test_a_drawn_code_already_taken_is_drawn_again(school, teacher):
    taken = CampaignFactory(organization=school, code="ABCDEF234")
    draws = iter(["ABCDEF234", "ABCDEF234", "GHJKMN567"])

    campaign = campaign_create(
        organization=school, creator=teacher, owner=teacher, name="Collecte", type="PROFILES_COLLECTION",
        code_generator=lambda: next(draws),
    )

    assert campaign.code == "GHJKMN567"
    assert Campaign.objects.filter(code=taken.code).count() == 1


@pytest.mark.parametrize("overrides, code, message", [
    ({"name": "  "}, "CAMPAIGN_NAME_IS_REQUIRED", "Veuillez donner un nom à votre campagne."),
    ({"type": "EXAM"}, "CAMPAIGN_PURPOSE_IS_REQUIRED", "Veuillez choisir l'objectif de votre campagne"),
    ({"type": "ASSESSMENT"}, "TARGET_PROFILE_IS_REQUIRED", "Veuillez sélectionner un parcours pour votre campagne."),
    ({"external_id_label": "INE"}, "MISSING_ID_PIX_TYPE", "un type d'identifiant externe"),
    ({"custom_landing_page_text": "x" * 5001}, "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG", "5000 caractères"),
])
def test_invalid_campaigns_are_refused_with_the_real_messages(school, teacher, overrides, code, message):
    arguments = {"organization": school, "creator": teacher, "owner": teacher, "name": "Collecte",
                 "type": "PROFILES_COLLECTION", **overrides}

    with pytest.raises(CampaignError) as refused:
        campaign_create(**arguments)

    assert refused.value.code == code and message in refused.value.message
    assert not Campaign.objects.exists()


def test_the_title_of_an_evaluation_is_at_most_50_characters(school, teacher, back_to_school_3e):
    with pytest.raises(CampaignError, match="Le titre de la campagne est trop long."):
        campaign_create(organization=school, creator=teacher, owner=teacher, name="Éval", type="ASSESSMENT",
                        target_profile=back_to_school_3e, title="x" * 51)


def test_the_owner_must_belong_to_the_school(school, teacher, teacher_of_another_school):
    with pytest.raises(CampaignError) as refused:
        campaign_create(organization=school, creator=teacher, owner=teacher_of_another_school, name="Collecte",
                        type="PROFILES_COLLECTION")

    assert refused.value.message == "Le propriétaire ne fait pas partie de l'organisation."


def test_someone_outside_the_school_cannot_create_there(school, teacher_of_another_school):
    with pytest.raises(CampaignError):
        campaign_create(organization=school, creator=teacher_of_another_school, owner=teacher_of_another_school,
                        name="Collecte", type="PROFILES_COLLECTION")


def test_the_owner_changes_name_owner_title_and_text(school, teacher, correspondent, back_to_school_3e):
    campaign = CampaignFactory(organization=school, type="ASSESSMENT", target_profile=back_to_school_3e,
                               creator=teacher, owner=teacher)

    campaign_update(campaign=campaign, name=" 3e B ", owner=correspondent, title="Rentrée",
                    custom_landing_page_text="Bonjour")

    campaign.refresh_from_db()
    assert (campaign.name, campaign.owner, campaign.title, campaign.custom_landing_page_text) == (
        "3e B", correspondent, "Rentrée", "Bonjour")


def test_an_archived_campaign_cannot_be_changed(school, teacher):
    campaign = CampaignFactory(organization=school, creator=teacher, archived_at=timezone.now())

    with pytest.raises(CampaignError, match="archivée"):
        campaign_update(campaign=campaign, name="Nouveau nom", owner=teacher)


def test_archiving_twice_keeps_the_first_date_and_author(school, teacher, correspondent):
    campaign = CampaignFactory(organization=school, creator=teacher)
    first = timezone.now()
    campaign_archive(campaign=campaign, by=teacher, now=first)

    with pytest.raises(CampaignError, match="déjà archivée"):
        campaign_archive(campaign=Campaign.objects.get(pk=campaign.pk), by=correspondent, now=first + timedelta(1))

    campaign.refresh_from_db()
    assert (campaign.archived_at, campaign.archived_by) == (first, teacher)
    campaign_unarchive(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).archived_at is None


def test_deleting_campaigns_deletes_and_anonymizes_their_participations(school, correspondent, teacher):
    campaign = CampaignFactory(organization=school, creator=teacher)
    shared = ParticipationFactory(campaign=campaign, status="SHARED", participant_external_id="123")
    kept = ParticipationFactory()
    membership = Membership.objects.get(organization=school, user=correspondent)

    assert campaigns_delete(organization=school, campaign_ids=[campaign.pk], membership=membership,
                            now=timezone.now()) == 1

    shared.refresh_from_db()
    assert shared.deleted_at is not None and shared.user is None and shared.participant_external_id == ""
    assert Campaign.objects.get(pk=campaign.pk).deleted_by == correspondent
    assert CampaignParticipation.objects.get(pk=kept.pk).deleted_at is None


def test_a_member_deletes_only_campaigns_he_owns_and_then_none_of_the_batch(school, teacher, correspondent):
    own = CampaignFactory(organization=school, creator=teacher)
    others = CampaignFactory(organization=school, creator=correspondent)
    membership = Membership.objects.get(organization=school, user=teacher)

    with pytest.raises(CampaignError) as refused:
        campaigns_delete(organization=school, campaign_ids=[own.pk, others.pk], membership=membership,
                         now=timezone.now())

    assert refused.value.code == "NOT_OWNER"
    assert Campaign.objects.not_deleted().count() == 2


def test_campaigns_of_another_school_cannot_be_deleted(school, correspondent, other_school):
    foreign = CampaignFactory(organization=other_school)
    membership = Membership.objects.get(organization=school, user=correspondent)

    with pytest.raises(CampaignError):
        campaigns_delete(organization=school, campaign_ids=[foreign.pk], membership=membership, now=timezone.now())

    assert Campaign.objects.get(pk=foreign.pk).deleted_at is None
