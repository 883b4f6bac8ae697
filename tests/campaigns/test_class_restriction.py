"""« Classes autorisées »: a campaign of a school that manages its pupils can be limited to some
classes; a pupil of another class is told so and nothing is created."""

import datetime
import re

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from participations.models import CampaignParticipation
from tests.factories import (
    CampaignFactory,
    LearnerFactory,
    MembershipFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.utils import text


@pytest.fixture
def campaign(managing_school, teacher):
    return CampaignFactory(organization=managing_school, creator=teacher, name="Collecte des 3e A")


def reconciled(school, division, last_name):
    user = UserFactory(last_name=last_name)
    LearnerFactory(organization=school, user=user, last_name=last_name, division=division)
    return user


def limit(client, campaign, *divisions):
    return client.post(reverse("campaigns:divisions", args=[campaign.pk]), {"classes": list(divisions)}, follow=True)


def test_the_owner_limits_a_campaign_to_classes_and_paramètres_says_which(client_of, teacher, campaign):
    reconciled(campaign.organization, "3e A", "Abel")
    reconciled(campaign.organization, "3e B", "Bruno")
    client = client_of(teacher)

    form = text(client.get(reverse("campaigns:divisions", args=[campaign.pk])))
    page = text(limit(client, campaign, "3e A"))

    assert re.findall(r'name="classes" value="([^"]+)"', form) == ["3e A", "3e B"]
    assert "Les classes autorisées ont bien été enregistrées." in page
    assert "Classes autorisées" in page and "<dd>3e A" in page
    campaign.refresh_from_db()
    assert campaign.divisions == ["3e A"]


def test_a_campaign_of_no_class_is_open_to_every_pupil(client_of, teacher, campaign):
    reconciled(campaign.organization, "3e A", "Abel")

    page = text(client_of(teacher).get(reverse("campaigns:settings", args=[campaign.pk])))

    assert "Toutes les classes" in page


def test_a_class_the_school_does_not_have_is_refused_and_nothing_changes(client_of, teacher, campaign):
    reconciled(campaign.organization, "3e A", "Abel")

    page = text(limit(client_of(teacher), campaign, "3e A", "6e Z"))

    assert "Ces classes n'existent pas dans votre établissement : 6e Z." in page
    assert Campaign.objects.get().divisions == []


def test_a_teacher_who_does_not_own_the_campaign_cannot_limit_it(client_of, correspondent, managing_school):
    other_owner = CampaignFactory(organization=managing_school)
    reconciled(managing_school, "3e A", "Abel")
    colleague = MembershipFactory(organization=managing_school).user

    assert client_of(colleague).post(reverse("campaigns:divisions", args=[other_owner.pk]),
                                     {"classes": ["3e A"]}).status_code == 403
    assert Campaign.objects.get(pk=other_owner.pk).divisions == []


def test_another_school_gets_a_404(client_of, teacher_of_another_school, campaign):
    assert client_of(teacher_of_another_school).get(
        reverse("campaigns:divisions", args=[campaign.pk])).status_code == 404


def test_a_school_not_managing_its_pupils_has_no_allowed_classes(client_of, teacher, school):
    campaign = CampaignFactory(organization=school, creator=teacher)
    client = client_of(teacher)

    assert client.get(reverse("campaigns:divisions", args=[campaign.pk])).status_code == 404
    assert "Classes autorisées" not in text(client.get(reverse("campaigns:settings", args=[campaign.pk])))


def test_a_pupil_of_an_allowed_class_joins(client, campaign):
    campaign.divisions = ["3e A"]
    campaign.save()
    client.force_login(reconciled(campaign.organization, "3e A", "Abel"))

    client.post(reverse("participations:start", args=[campaign.code]))

    assert CampaignParticipation.objects.filter(campaign=campaign).count() == 1


def test_a_pupil_of_another_class_is_told_so_and_nothing_is_created(client, campaign, caplog):
    campaign.divisions = ["3e A"]
    campaign.save()
    client.force_login(reconciled(campaign.organization, "3e B", "Bruno"))

    page = text(client.post(reverse("participations:start", args=[campaign.code]), follow=True))

    assert "Cette campagne est réservée à d'autres classes que la vôtre." in page
    assert not CampaignParticipation.objects.exists()
    assert "limited to ['3e A']" in caplog.text


def test_a_pupil_who_started_before_the_campaign_was_limited_goes_on(client, campaign):
    user = reconciled(campaign.organization, "3e B", "Bruno")
    started = ParticipationFactory(campaign=campaign, user=user,
                                   organization_learner=campaign.organization.learners.get(user=user))
    campaign.divisions = ["3e A"]
    campaign.save()
    client.force_login(user)

    response = client.post(reverse("participations:start", args=[campaign.code]), follow=True)

    assert "réservée à d'autres classes" not in text(response)
    assert response.redirect_chain[-1][0] != reverse("participations:entry", args=[campaign.code])
    assert list(CampaignParticipation.objects.all()) == [started]


def test_a_pupil_of_another_class_not_yet_identified_is_told_so_before_his_account_is_linked(client, campaign):
    learner = LearnerFactory(organization=campaign.organization, first_name="Lucas", last_name="Le Goff",
                             birthdate=datetime.date(2011, 3, 7), division="3e B")
    campaign.divisions = ["3e A"]
    campaign.save()
    client.force_login(UserFactory(first_name="Lucas", last_name="Le Goff"))

    page = text(client.post(reverse("participations:identify", args=[campaign.code]),
                            {"first_name": "Lucas", "last_name": "Le Goff", "birthdate": "07/03/2011"}))

    assert "Cette campagne est réservée à d'autres classes que la vôtre." in page
    learner.refresh_from_db()
    assert learner.user is None
    assert not CampaignParticipation.objects.exists()
