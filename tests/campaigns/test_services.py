import pytest

from campaigns.codes import CODE_PATTERN
from campaigns.models import Campaign
from campaigns.services import CampaignError, campaign_create
from tests.factories import CampaignFactory


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
    ({"external_id_label": "INE"}, "MISSING_ID_PIX_TYPE", "type de l'identifiant externe"),
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
