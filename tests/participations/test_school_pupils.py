"""Joining a campaign of a school that manages its students: the pupil identifies himself
(Prénom, Nom, Date de naissance) and is matched to the imported base (domain rules §10.6)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.learners import LearnerError, learner_for_join, learner_link
from organizations.models import OrganizationLearner
from participations.models import CampaignParticipation
from participations.services import ParticipationError, participation_delete, participation_join
from tests.factories import CampaignFactory, LearnerFactory, UserFactory

BIRTHDATE = datetime.date(2011, 3, 7)


@pytest.fixture
def sco(school):
    school.is_managing_students = True
    school.save()
    return school


@pytest.fixture
def campaign(sco):
    return CampaignFactory(organization=sco, name="3e A - Collecte de profils")


@pytest.fixture
def lucas(sco):
    return LearnerFactory(organization=sco, first_name="Lucas", last_name="Le Goff", birthdate=BIRTHDATE,
                          division="3e A", national_student_id="0123456789A")


@pytest.fixture
def pupil(db):
    return UserFactory(first_name="Lucas", last_name="Legoff", email="lucas@eleve.test")


def identify(client, campaign, first_name, last_name, birthdate="07/03/2011"):
    return client.post(reverse("participations:identify", args=[campaign.code]),
                       {"first_name": first_name, "last_name": last_name, "birthdate": birthdate})


def test_a_pupil_not_yet_known_is_asked_who_he_is_before_joining(client, campaign, lucas, pupil):
    client.force_login(pupil)

    response = client.post(reverse("participations:start", args=[campaign.code]))

    assert response.url == reverse("participations:identify", args=[campaign.code])
    page = client.get(response.url).content.decode()
    assert "Rejoignez l'organisation Collège Victor Hugo" in page
    assert not CampaignParticipation.objects.exists()


def test_a_pupil_found_in_the_base_confirms_then_joins_as_that_pupil(client, campaign, lucas, pupil):
    client.force_login(pupil)

    response = identify(client, campaign, "lucas", "LE GOFF")
    assert response.url == reverse("participations:associate", args=[campaign.code])
    confirmation = client.get(response.url).content.decode()
    assert "va être associé à l'élève : Lucas Le Goff" in confirmation
    response = client.post(reverse("participations:associate", args=[campaign.code]))

    assert response.status_code == 302
    lucas.refresh_from_db()
    assert lucas.user == pupil
    participation = CampaignParticipation.objects.get()
    assert participation.organization_learner == lucas
    assert participation.user == pupil


def test_a_typo_in_the_first_name_is_tolerated(client, campaign, lucas, pupil):
    client.force_login(pupil)

    response = identify(client, campaign, "Lukas", "Le Goff")

    assert response.url == reverse("participations:associate", args=[campaign.code])


@pytest.mark.parametrize("first_name, last_name, birthdate", [
    ("Lucas", "Le Goff", "08/03/2011"),
    ("Mathéo", "Le Goff", "07/03/2011"),
    ("Lucas", "Martin", "07/03/2011"),
])
def test_an_identity_that_is_not_in_the_base_is_refused(client, campaign, lucas, pupil, first_name, last_name,
                                                        birthdate):
    client.force_login(pupil)

    response = identify(client, campaign, first_name, last_name, birthdate)

    assert response.status_code == 200
    assert "Vérifiez vos informations (prénom, nom et date de naissance)" in response.content.decode()
    lucas.refresh_from_db()
    assert lucas.user is None


def test_another_pupils_identity_is_refused_with_code_r31(client, campaign, lucas, pupil):
    learner_link(learner=lucas, user=pupil)
    intruder = UserFactory(first_name="Lucas", last_name="Le Goff", email="autre@eleve.test")
    client.force_login(intruder)

    response = identify(client, campaign, "Lucas", "Le Goff")

    page = response.content.decode()
    assert "(Code R31)" in page
    assert "l***@eleve.test" in page, "the existing login, obfuscated"
    assert "lucas@eleve.test" not in page
    client.post(reverse("participations:associate", args=[campaign.code]))
    lucas.refresh_from_db()
    assert lucas.user == pupil


def test_a_pupil_whose_account_has_a_username_is_told_so_with_code_r32(sco, lucas):
    owner = UserFactory(email=None, username="lucas.legoff0703")
    learner_link(learner=lucas, user=owner)

    with pytest.raises(LearnerError) as refused:
        learner_link(learner=lucas, user=UserFactory())

    assert refused.value.code == "R32"
    assert "l***0703" in refused.value.message


def test_the_same_pupil_in_a_previous_school_with_another_account_gives_r11(sco, other_school, lucas, pupil):
    LearnerFactory(organization=other_school, national_student_id=lucas.national_student_id, user=pupil)

    with pytest.raises(LearnerError) as refused:
        learner_link(learner=lucas, user=UserFactory())

    assert refused.value.code == "R11"


def test_an_account_already_linked_to_another_pupil_of_the_school_gives_r70(sco, lucas, pupil):
    LearnerFactory(organization=sco, user=pupil)

    with pytest.raises(LearnerError) as refused:
        learner_link(learner=lucas, user=pupil)

    assert refused.value.code == "R70"


def test_an_account_of_another_pupil_elsewhere_gives_r90(sco, other_school, lucas):
    account = UserFactory()
    LearnerFactory(organization=other_school, user=account, national_student_id="9999999999Z",
                   birthdate=datetime.date(2009, 1, 1))

    with pytest.raises(LearnerError) as refused:
        learner_link(learner=lucas, user=account)

    assert refused.value.code == "R90"


def test_a_pupil_known_in_his_previous_school_is_linked_by_his_ine_without_identifying(
    sco, other_school, lucas, pupil
):
    LearnerFactory(organization=other_school, national_student_id=lucas.national_student_id, user=pupil)

    learner = learner_for_join(organization=sco, user=pupil)

    assert learner == lucas
    lucas.refresh_from_db()
    assert lucas.user == pupil


def test_an_unmatched_pupil_cannot_join_even_by_calling_the_service(campaign, pupil):
    with pytest.raises(ParticipationError) as refused:
        participation_join(campaign=campaign, user=pupil, now=timezone.now())

    assert refused.value.code == "NOT_RECONCILED"
    assert not CampaignParticipation.objects.exists()


def test_a_pupil_who_left_the_school_cannot_join(client, campaign, lucas, pupil):
    learner_link(learner=lucas, user=pupil)
    OrganizationLearner.objects.filter(pk=lucas.pk).update(is_disabled=True)
    client.force_login(pupil)

    response = client.post(reverse("participations:start", args=[campaign.code]))

    assert response.status_code == 403
    assert "Oups" in response.content.decode()
    assert not CampaignParticipation.objects.exists()


def test_a_pupil_whose_participation_was_deleted_cannot_join_again(client, campaign, lucas, pupil, correspondent):
    learner_link(learner=lucas, user=pupil)
    participation = participation_join(campaign=campaign, user=pupil, now=timezone.now())
    membership = correspondent.memberships.get()
    participation_delete(participation=participation, membership=membership, now=timezone.now())
    client.force_login(pupil)

    response = client.post(reverse("participations:start", args=[campaign.code]), follow=True)

    assert "Vous ne pouvez pas repasser la campagne" in response.content.decode()
    assert CampaignParticipation.objects.count() == 1


def test_identity_guessing_is_throttled(client, campaign, lucas, pupil):
    client.force_login(pupil)
    for _attempt in range(10):
        identify(client, campaign, "Personne", "Inconnu")

    response = identify(client, campaign, "Lucas", "Le Goff")

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_a_school_that_does_not_manage_students_lets_anyone_in_as_a_new_participant(client, other_school):
    campaign = CampaignFactory(organization=other_school)
    pupil = UserFactory(first_name="Inès", last_name="Benali")
    client.force_login(pupil)

    client.post(reverse("participations:start", args=[campaign.code]))

    participation = CampaignParticipation.objects.get()
    learner = participation.organization_learner
    assert (learner.organization, learner.user, learner.first_name, learner.last_name) == (
        other_school, pupil, "Inès", "Benali")
    assert client.get(reverse("participations:identify", args=[campaign.code])).status_code == 404


def test_the_identification_form_says_what_is_missing(client, campaign, lucas, pupil):
    client.force_login(pupil)

    response = identify(client, campaign, "", "Le Goff", "31/02/2011")

    page = response.content.decode()
    assert "Veuillez remplir le champ Prénom." in page
    assert "Votre date de naissance n&#x27;est pas valide (jj/mm/aaaa)." in page


def test_the_teacher_sees_the_class_of_the_pupil_who_joined(client, campaign, lucas, pupil, teacher):
    learner_link(learner=lucas, user=pupil)
    participation_join(campaign=campaign, user=pupil, now=timezone.now())
    client.force_login(teacher)

    page = client.get(reverse("analysis:activity", args=[campaign.pk])).content.decode()

    assert "Le Goff" in page
    assert "3e A" in page
