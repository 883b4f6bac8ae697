"""A double click, two open tabs: the same write sent twice at the same instant has one effect,
and both requests get a normal answer.

Real threads on PostgreSQL (SQLite serializes writes, so the race cannot happen there). Each
round releases the two requests together through a barrier, on fresh data; a lost race shows
as two rows, two sendings, or an exception that the test client re-raises (a 500 for the user).
"""

import contextlib
import threading
import traceback
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import participations.services
from accounts.models import User
from assessments.models import Answer, Assessment, KnowledgeElement
from assessments.services import assessment_current_challenge, assessment_start_timer
from learning_content.repository import get_content
from organizations.models import Invitation, Membership, OrganizationLearner
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from participations.services import participation_join, participation_share
from participations.signals import participation_shared
from tests.factories import InvitationFactory, UserFactory
from tests.participations.student import correct_form
from tests.utils import text

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

# A lost race needs both requests inside the critical section together: a few fresh rounds
# make that likely (most rounds overlap on a quiet machine) without slowing the suite much.
ROUNDS = 5


def race(*calls):
    """Run the calls in threads released at the same instant; returns their results in order
    and fails with the traceback of any exception (what the user would see as a 500)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        try:
            # Connecting takes milliseconds: done before the start line, not after it.
            connection.ensure_connection()
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a request never returned (deadlock?)"
    assert not errors, "\n".join(errors)
    return results


def rendezvous(monkeypatch, module, name, timeout=1):
    """Hold both threads at the call of module.name until both are there: forces the
    interleaving where each has read the state before the other writes. Code that serializes
    them earlier makes the first wait here in vain until the timeout, then go on."""
    barrier = threading.Barrier(2)
    original = getattr(module, name)

    def held(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=timeout)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return barrier


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data=None):
    return lambda: client.post(url, data or {})


def redirects(responses):
    return [(response.status_code, response.url) for response in responses]


@pytest.fixture
def sendings():
    """The participations announced as shared (the analysis listens to this signal)."""
    sent = []

    def record(sender, participation, **kwargs):
        sent.append(participation.pk)

    participation_shared.connect(record, weak=False, dispatch_uid="test_concurrency")
    yield sent
    participation_shared.disconnect(dispatch_uid="test_concurrency")


def finished_evaluation(campaign, pupil):
    """A participation whose test is over, waiting for "J'envoie mes résultats"."""
    participation = participation_join(campaign=campaign, user=pupil, now=timezone.now())
    Assessment.objects.filter(pk=participation.assessment_id).update(
        state=Assessment.State.COMPLETED, completed_at=timezone.now(), current_challenge_id=""
    )
    CampaignParticipation.objects.filter(pk=participation.pk).update(
        status=CampaignParticipation.Status.TO_SHARE
    )
    participation.refresh_from_db()
    return participation


def test_two_simultaneous_joins_of_a_collection_make_one_participation(school, collection):
    url = reverse("participations:start", args=[collection.code])
    for _ in range(ROUNDS):
        pupil = UserFactory()

        responses = race(post(signed_in(pupil), url), post(signed_in(pupil), url))

        send_page = reverse("participations:send_profile", args=[collection.code])
        assert redirects(responses) == [(302, send_page)] * 2
        assert CampaignParticipation.objects.filter(campaign=collection, user=pupil).count() == 1
        assert OrganizationLearner.objects.filter(organization=school, user=pupil).count() == 1


def test_two_simultaneous_joins_of_an_evaluation_make_one_participation(school, evaluation):
    url = reverse("participations:start", args=[evaluation.code])
    for _ in range(ROUNDS):
        pupil = UserFactory()

        responses = race(post(signed_in(pupil), url), post(signed_in(pupil), url))

        participation = CampaignParticipation.objects.get(campaign=evaluation, user=pupil)
        test_page = reverse("assessments:challenge", args=[participation.assessment_id])
        assert redirects(responses) == [(302, test_page)] * 2
        assert OrganizationLearner.objects.filter(organization=school, user=pupil).count() == 1


def test_two_simultaneous_joins_of_an_evaluation_start_one_test(evaluation, monkeypatch):
    # Both requests are held just before creating the test, each having found no participation,
    # so that the lost race shows in every round.
    meeting = rendezvous(monkeypatch, participations.services, "assessment_start")
    url = reverse("participations:start", args=[evaluation.code])
    for _ in range(ROUNDS):
        pupil = UserFactory()

        race(post(signed_in(pupil), url), post(signed_in(pupil), url))
        meeting.reset()

        assert not Assessment.objects.filter(user=pupil, participation__isnull=True).exists()


def test_two_simultaneous_sendings_of_the_profile_share_once(collection, sendings):
    url = reverse("participations:send_profile", args=[collection.code])
    for _ in range(ROUNDS):
        pupil = UserFactory()
        participation = participation_join(campaign=collection, user=pupil, now=timezone.now())
        sendings.clear()

        responses = race(post(signed_in(pupil), url), post(signed_in(pupil), url))

        assert all(response.status_code == 302 for response in responses)
        participation.refresh_from_db()
        assert participation.status == CampaignParticipation.Status.SHARED
        assert sendings == [participation.pk]
        snapshot = KnowledgeElementSnapshot.objects.get(participation=participation)
        assert snapshot.snapshotted_at == participation.shared_at


def test_two_simultaneous_sendings_of_the_results_share_once(evaluation, sendings):
    url = reverse("participations:results", args=[evaluation.code])
    for _ in range(ROUNDS):
        pupil = UserFactory()
        participation = finished_evaluation(evaluation, pupil)
        sendings.clear()

        responses = race(post(signed_in(pupil), url), post(signed_in(pupil), url))

        assert redirects(responses) == [(302, url)] * 2
        participation.refresh_from_db()
        assert participation.status == CampaignParticipation.Status.SHARED
        assert sendings == [participation.pk]
        snapshot = KnowledgeElementSnapshot.objects.get(participation=participation)
        assert snapshot.snapshotted_at == participation.shared_at


def test_participation_share_called_twice_at_once_keeps_one_sending(evaluation, sendings):
    for _ in range(ROUNDS):
        pupil = UserFactory()
        participation = finished_evaluation(evaluation, pupil)
        sendings.clear()
        first, second = timezone.now(), timezone.now() + timedelta(seconds=1)

        race(
            # race() calls both before the loop moves on.
            lambda: participation_share(participation=participation, user=pupil, now=first),  # noqa: B023
            lambda: participation_share(participation=participation, user=pupil, now=second),  # noqa: B023
        )

        participation.refresh_from_db()
        assert sendings == [participation.pk]
        assert participation.shared_at in (first, second)
        snapshot = KnowledgeElementSnapshot.objects.get(participation=participation)
        assert snapshot.snapshotted_at == participation.shared_at


def test_two_simultaneous_answers_to_the_same_challenge_record_one(evaluation):
    content = get_content()
    for _ in range(ROUNDS):
        pupil = UserFactory()
        assessment = participation_join(campaign=evaluation, user=pupil, now=timezone.now()).assessment
        challenge = assessment_current_challenge(assessment, now=timezone.now())
        assessment_start_timer(assessment=assessment, challenge_id=challenge.id, now=timezone.now())
        url = reverse("assessments:challenge", args=[assessment.pk])
        answer = {"challenge_id": challenge.id, "action": "validate", **correct_form(challenge)}

        responses = race(post(signed_in(pupil), url, answer), post(signed_in(pupil), url, answer))

        assert redirects(responses) == [(302, url)] * 2
        recorded = Answer.objects.get(assessment=assessment)
        assert (recorded.challenge_id, recorded.result) == (challenge.id, Answer.Result.OK)
        knowledge = KnowledgeElement.objects.filter(assessment=assessment)
        assert set(knowledge.values_list("answer_id", flat=True)) == {recorded.pk}
        skill_ids = list(knowledge.values_list("skill_id", flat=True))
        assert challenge.skill_id in skill_ids and len(skill_ids) == len(set(skill_ids))
        # Advanced once: another challenge is asked.
        assessment.refresh_from_db()
        assert assessment.state == Assessment.State.STARTED
        assert assessment.current_challenge_id in content.challenges
        assert assessment.current_challenge_id != challenge.id


def test_the_same_teacher_accepting_an_invitation_twice_at_once_joins_once(school):
    for round_number in range(ROUNDS):
        invited = UserFactory()
        token = f"race-token-{round_number}"
        invitation = InvitationFactory(organization=school, email=invited.email, token=token)
        url = reverse("orga:invitation_accept", args=[token])

        responses = race(
            post(signed_in(invited), url, {}),
            post(signed_in(invited), url, {}),
        )

        assert Membership.objects.filter(organization=school, user=invited).count() == 1
        invitation.refresh_from_db()
        assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, invited)
        (landed,) = [response for response in responses if response.status_code == 302]
        assert landed.url == reverse("orga:home")
        # The second click finds the invitation used, and says so.
        (refused,) = [response for response in responses if response.status_code != 302]
        assert refused.status_code == 410 and "Cette invitation a déjà été acceptée" in text(refused)


# The second sign-up is refused by the unique address while the first one commits, or finds
# the invitation already accepted if it starts after.
SIGNUP_REFUSALS = {
    200: "Cette adresse e-mail est déjà enregistrée, connectez-vous.",
    410: "Cette invitation a déjà été acceptée",
}


def test_two_visitors_signing_up_from_the_same_invitation_make_one_account(school):
    for round_number in range(ROUNDS):
        email = f"prof{round_number}@college.test"
        token = f"race-token-{round_number}"
        invitation = InvitationFactory(organization=school, email=email, token=token)
        url = reverse("orga:invitation_signup", args=[token])
        rosa, raymond = (
            {"first_name": first_name, "last_name": "Parks", "password": "Motdepasse1",
             "accept_terms": "on"}
            for first_name in ("Rosa", "Raymond")
        )

        responses = race(post(Client(), url, rosa), post(Client(), url, raymond))

        account = User.objects.get(email=email)
        assert Membership.objects.filter(organization=school, user__email=email).get().user == account
        invitation.refresh_from_db()
        assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, account)
        (landed,) = [response for response in responses if response.status_code == 302]
        assert landed.url == reverse("orga:home")
        (refused,) = [response for response in responses if response.status_code != 302]
        assert SIGNUP_REFUSALS.get(refused.status_code, "a refusal") in text(refused)
