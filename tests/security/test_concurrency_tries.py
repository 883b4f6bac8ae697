"""A double click on "Je retente" or on the reset's "Confirmer": one new test, one reset
(issue 17). Real threads on PostgreSQL, as in test_concurrency."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, KnowledgeElement
from demo.pupils import take_test
from participations.models import CampaignParticipation
from participations.services import participation_join, participation_share
from tests.factories import CampaignFactory, UserFactory

from .test_concurrency import ROUNDS, post, race, redirects, signed_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture
def resettable(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                           target_profile_id="tp-competence-1.1", multiple_sendings=True)


def finished_long_ago(campaign, pupil, *, shared):
    """A test over five days ago, above level 2 failed; sent then if `shared`."""
    past = timezone.now() - timedelta(days=5)
    participation = participation_join(campaign=campaign, user=pupil, now=past)
    take_test(participation.assessment, level=2, now=past)
    participation.refresh_from_db()
    if shared:
        participation_share(participation=participation, user=pupil, now=past)
    return participation


def test_two_simultaneous_resets_reset_once_and_start_one_test(resettable):
    url = reverse("participations:reset", args=[resettable.code])
    for _ in range(ROUNDS):
        pupil = UserFactory()
        finished_long_ago(resettable, pupil, shared=True)

        responses = race(post(signed_in(pupil), url), post(signed_in(pupil), url))

        again = CampaignParticipation.objects.get(campaign=resettable, user=pupil, is_improved=False)
        assert not again.is_shared
        assert redirects(responses) == [(302, reverse("assessments:challenge", args=[again.assessment_id]))] * 2
        assert CampaignParticipation.objects.filter(campaign=resettable, user=pupil).count() == 2
        resets = KnowledgeElement.objects.filter(user=pupil, status=KnowledgeElement.Status.RESET)
        skill_ids = list(resets.values_list("skill_id", flat=True))
        assert skill_ids and len(skill_ids) == len(set(skill_ids))


def test_two_simultaneous_je_retente_start_one_test(resettable):
    url = reverse("participations:improve", args=[resettable.code])
    for _ in range(ROUNDS):
        pupil = UserFactory()
        participation = finished_long_ago(resettable, pupil, shared=False)

        responses = race(post(signed_in(pupil), url), post(signed_in(pupil), url))

        participation.refresh_from_db()
        assert redirects(responses) == [(302, reverse("assessments:challenge", args=[participation.assessment_id]))] * 2
        assert Assessment.objects.filter(user=pupil).count() == 2
        assert participation.status == CampaignParticipation.Status.STARTED
