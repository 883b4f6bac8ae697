"""« Supprimer mon compte »: a pupil or a teacher with an e-mail account erases it himself,
after a confirmation and his current password; what stays is said on the page."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, KnowledgeElement
from campaigns.models import Campaign
from organizations.models import Invitation, Membership, OrganizationLearner, Role
from participations.models import CampaignParticipation
from tests.conftest import PASSWORD
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    LearnerFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.personal_data import rows_holding
from tests.utils import text

DELETE = reverse("account_delete")


def delete(client, password=PASSWORD, confirm=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "on"
    return client.post(DELETE, data, follow=True)


@pytest.fixture
def pupil(db):
    return UserFactory(email="amelie.lovelace@famille.test", first_name="Amélie", last_name="Lovelace")


@pytest.fixture
def pupil_history(pupil, school):
    """Amélie joined a campaign of a school without import (a record made from her account) and
    one of a school that imports its base (its own record of her), and answered."""
    campaign = CampaignFactory(organization=school)
    ParticipationFactory(campaign=campaign, user=pupil, status="SHARED", participant_external_id="amelie-7")
    siecle = OrganizationFactory(name="Lycée SIECLE", is_managing_students=True)
    record = LearnerFactory(organization=siecle, user=pupil, first_name="Adélaïde", last_name="Lovelace-King")
    ParticipationFactory(campaign=CampaignFactory(organization=siecle), user=pupil, organization_learner=record,
                         status="SHARED")
    assessment = Assessment.objects.create(user=pupil, type="COMPETENCE_EVALUATION", competence_id="c1", end_path="/")
    KnowledgeElement.objects.create(user=pupil, assessment=assessment, skill_id="s1", competence_id="c1",
                                    status="validated", source="direct", created_at=timezone.now())
    return record


def test_the_header_leads_to_my_account_which_leads_to_the_deletion(client_of, pupil):
    client = client_of(pupil)

    home = text(client.get(reverse("home")))
    account = text(client.get(reverse("account_home")))

    assert f'href="{reverse("account_home")}"' in home and "Mon compte" in home
    assert f'href="{DELETE}"' in account and "Supprimer mon compte" in account
    assert "amelie.lovelace@famille.test" in account


def test_the_page_says_what_goes_and_what_stays(client_of, pupil):
    page = text(client_of(pupil).get(DELETE))

    assert "Vos réponses aux questions, vos acquis et votre profil de compétences." in page
    assert "elles restent dans les statistiques des établissements comme résultats anonymes" in page
    assert "garde la fiche élève qu’il a importée" in page
    assert '<label class="fr-label" for="id_password">Mot de passe actuel' in page
    assert "Attention, cette action est irréversible." in page


def test_a_wrong_password_deletes_nothing(client_of, pupil):
    page = text(delete(client_of(pupil), password="pas-le-bon"))

    assert "Mot de passe incorrect." in page
    assert User.objects.get(pk=pupil.pk).is_active


def test_without_the_confirmation_nothing_is_deleted(client_of, pupil):
    page = text(delete(client_of(pupil), confirm=False))

    assert "Cochez la case pour confirmer la suppression." in page
    assert authenticate(username=pupil.email, password=PASSWORD) == pupil


def test_a_pupil_deletes_his_account_and_nothing_of_him_remains(client_of, pupil, pupil_history):
    client = client_of(pupil)

    response = delete(client)

    assert response.redirect_chain[-1][0] == reverse("home")
    page = text(response)
    assert "Votre compte a été supprimé." in page and "Se connecter" in page
    assert authenticate(username="amelie.lovelace@famille.test", password=PASSWORD) is None
    assert rows_holding("Amélie", "amelie.lovelace", "famille.test", "amelie-7") == []
    assert CampaignParticipation.objects.counted().count() == 2
    assert not CampaignParticipation.objects.filter(user__isnull=False).exists()
    assert not Assessment.objects.exists() and not KnowledgeElement.objects.exists()
    # The school that imports its base keeps its own record of her, unlinked.
    pupil_history.refresh_from_db()
    assert (pupil_history.last_name, pupil_history.user, pupil_history.deleted_at) == ("Lovelace-King", None, None)
    assert OrganizationLearner.objects.filter(first_name="(anonymisé)").count() == 1


def test_the_accounts_other_sessions_are_signed_out(client_of, pupil):
    other = Client()
    other.force_login(pupil)

    delete(client_of(pupil))

    assert other.get(reverse("account_home")).status_code == 302


def test_a_teacher_leaves_his_team_and_his_campaigns_stay(client_of, school, correspondent, teacher):
    campaign = CampaignFactory(organization=school, creator=teacher, name="Rentrée 5e")
    InvitationFactory(organization=school, email=teacher.email, status="accepted")

    delete(client_of(teacher))

    assert Membership.objects.get(user=teacher).disabled_at is not None
    assert Campaign.objects.get(pk=campaign.pk).deleted_at is None
    assert not Invitation.objects.filter(email=teacher.email).exists()
    assert rows_holding("prof@college.test", "Lefèvre") == []
    assert teacher.email not in text(client_of(correspondent).get(reverse("orga:team_members")))


def test_the_only_admin_of_a_school_with_other_members_is_told_to_name_another_first(
    client_of, school, correspondent, teacher,
):
    client = client_of(correspondent)

    page = text(client.get(DELETE))
    refused = text(delete(client))

    message = ("Vous êtes le seul administrateur de « Collège Victor Hugo », qui compte d'autres membres : "
               "nommez un autre administrateur (Équipe › Membres) avant de supprimer votre compte.")
    assert message in page and 'name="password"' not in page
    assert message in refused
    assert User.objects.get(pk=correspondent.pk).is_active


def test_an_admin_with_another_admin_may_go(client_of, school, correspondent, teacher):
    Membership.objects.filter(user=teacher).update(role=Role.ADMIN)

    delete(client_of(correspondent))

    assert not User.objects.get(pk=correspondent.pk).is_active


def test_an_admin_alone_in_his_school_may_go_and_the_school_stays(client_of, school, correspondent):
    delete(client_of(correspondent))

    assert not User.objects.get(pk=correspondent.pk).is_active
    school.refresh_from_db()
    assert school.archived_at is None


def test_a_pupil_whose_school_made_the_account_asks_the_school(client_of, school):
    pupil = UserFactory(email=None, username="ines.benali1209")
    LearnerFactory(organization=school, user=pupil)

    page = text(client_of(pupil).get(DELETE))

    assert "Votre compte a été créé par votre établissement" in page and 'name="password"' not in page
    assert text(delete(client_of(pupil))).count("demandez à un enseignant de le supprimer") == 1
    assert User.objects.get(pk=pupil.pk).is_active


def test_signing_in_is_needed(client, db):
    response = client.get(DELETE)

    assert response.status_code == 302 and reverse("account_login") in response.url


def test_guessing_the_password_is_throttled(client_of, pupil):
    client = client_of(pupil)
    for _attempt in range(10):
        delete(client, password="devine")

    page = text(delete(client))

    assert "Trop de tentatives : réessayez dans une minute." in page
    assert User.objects.get(pk=pupil.pk).is_active


def test_another_member_in_the_membership_of_another_school_does_not_block(client_of, correspondent):
    other = OrganizationFactory()
    MembershipFactory(organization=other, role=Role.MEMBER)
    MembershipFactory(organization=other, user=correspondent, role=Role.MEMBER)

    delete(client_of(correspondent))

    assert not User.objects.get(pk=correspondent.pk).is_active
