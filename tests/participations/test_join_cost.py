"""« Je commence » in the join storm of the rentrée (issue #23: 2,000 pupils in two minutes):
its SQL statements are counted here, through the real view; its CPU is measured by
bench/join_cost.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participations.models import CampaignParticipation
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory

from .test_answer_cost import statements


@pytest.fixture
def sco(managing_school):
    return managing_school


@pytest.fixture
def rentree(sco, teacher, referential):
    return CampaignFactory(organization=sco, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                           title="Parcours de rentrée 3e", name="Rentrée")


@pytest.fixture
def pupil(sco):
    user = UserFactory(first_name="Lucas", last_name="Le Goff")
    LearnerFactory(organization=sco, user=user, first_name="Lucas", last_name="Le Goff")
    return user


def test_je_commence_of_a_pupil_of_the_base_takes_ten_statements_with_the_first_question(client, rentree, pupil):
    """Session, user, campaign; the pupil's row (read, then locked), his participation (none);
    INSERT assessment, his knowledge elements and UPDATE assessment (its first question chosen
    here, under the pupil's lock), INSERT participation. No savepoint, no second read of the
    pupil, no read of the participation before the lock when no identifier is asked (was 10,
    and the first question's page then cost 7: now 3)."""
    client.force_login(pupil)

    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("participations:start", args=[rentree.code]))

    participation = CampaignParticipation.objects.get(campaign=rentree, user=pupil)
    assert response.url == participation.assessment.get_absolute_url()
    assert len(statements(captured)) == 10, "\n".join(statements(captured))
    assert participation.assessment.current_challenge_id


def test_a_second_click_resumes_the_participation_in_no_more_statements(client, rentree, pupil):
    client.force_login(pupil)
    client.post(reverse("participations:start", args=[rentree.code]))

    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("participations:start", args=[rentree.code]))

    participation = CampaignParticipation.objects.get(campaign=rentree, user=pupil)
    assert response.url == participation.assessment.get_absolute_url()
    assert len(statements(captured)) <= 10, "\n".join(statements(captured))


def test_a_pupil_not_in_the_base_is_still_asked_who_he_is(client, rentree):
    stranger = UserFactory()
    client.force_login(stranger)

    response = client.post(reverse("participations:start", args=[rentree.code]))

    assert response.url == reverse("participations:identify", args=[rentree.code])
    assert not CampaignParticipation.objects.exists()


def test_with_an_identifier_to_ask_a_pupil_not_in_the_base_is_asked_who_he_is_first(client, rentree):
    rentree.external_id_label = "Numéro d'élève"
    rentree.external_id_type = "STRING"
    rentree.save()
    client.force_login(UserFactory())

    response = client.post(reverse("participations:start", args=[rentree.code]))

    assert response.url == reverse("participations:identify", args=[rentree.code])


def test_a_join_that_loses_the_race_returns_the_participation_that_won_and_writes_nothing(client, rentree, pupil):
    """The account's current participation was created through another pupil's row (a way
    the pupil's lock does not serialize): the insert hits the unique constraint; the whole
    transaction is undone (no orphan assessment) and the existing participation is returned."""
    other_learner = LearnerFactory(organization=rentree.organization)
    won = ParticipationFactory(campaign=rentree, user=pupil, organization_learner=other_learner)
    client.force_login(pupil)

    response = client.post(reverse("participations:start", args=[rentree.code]))

    assert CampaignParticipation.objects.filter(campaign=rentree).count() == 1
    assert response.status_code == 302
    assert pupil.assessments.count() == (1 if won.assessment_id else 0)
