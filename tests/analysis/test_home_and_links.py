"""#21 item 6: the home page's indicator cards, the participant page ↔ learner page links,
and the parcours card of the creation form."""

import datetime
import json
import re
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis.home import week_start
from campaigns.parcours import estimated_duration, estimated_questions
from participations.models import KnowledgeElementSnapshot
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory
from tests.utils import text

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("now, monday", [
    (datetime.datetime(2026, 12, 2, 10, 0, tzinfo=UTC), datetime.datetime(2026, 11, 30, 0, 0, tzinfo=PARIS)),
    # Sunday 23:30 UTC is already Monday in Paris.
    (datetime.datetime(2026, 12, 6, 23, 30, tzinfo=UTC), datetime.datetime(2026, 12, 7, 0, 0, tzinfo=PARIS)),
    (datetime.datetime(2026, 11, 30, 0, 0, tzinfo=PARIS), datetime.datetime(2026, 11, 30, 0, 0, tzinfo=PARIS)),
])
def test_the_week_starts_on_monday_in_paris(now, monday):
    assert week_start(now) == monday


@pytest.mark.parametrize("tubes, questions, minutes", [
    ([("t1", 1)], 1, 5),  # never less than five minutes
    ([("t1", 3)], 2, 5),
    ([("t1", 7)] * 4, 12, 20),  # 3 questions per subject of 7 levels: 18 min, rounded
    ([("t1", 2)] * 20, 40, 60),
])
def test_a_parcours_duration_is_a_bisection_of_each_subject(tubes, questions, minutes):
    assert estimated_questions(tubes) == questions
    assert estimated_duration(tubes) == timedelta(minutes=minutes)


def indicators(page):
    return [int(value) for value in re.findall(r'<p class="fr-h2 fr-mb-0" data-indicator>(\d+)</p>', page)]


@pytest.fixture
def campaign(school, teacher):
    return CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte")


def shared(campaign, when, last_name="Lovelace", **fields):
    fields.setdefault("user", UserFactory(last_name=last_name))
    participation = ParticipationFactory(campaign=campaign, status="SHARED", shared_at=when, pix_score=12,
                                         is_certifiable=False, **fields)
    KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=when, knowledge_elements=[])
    return participation


def test_home_counts_my_active_campaigns_this_weeks_participants_and_unread_results(client_of, school, teacher,
                                                                                      correspondent, campaign):
    CampaignFactory(organization=school, creator=teacher, archived_at=timezone.now())
    CampaignFactory(organization=school, creator=correspondent)  # not mine
    now = timezone.now()
    shared(campaign, now - timedelta(hours=1), "Babbage")
    shared(campaign, now - timedelta(hours=2), "Hopper")
    old = ParticipationFactory(campaign=campaign, status="STARTED", user=UserFactory())
    type(old).objects.filter(pk=old.pk).update(created_at=now - timedelta(days=15))
    client = client_of(teacher)

    page = text(client.get(reverse("orga:home")))

    assert indicators(page) == [1, 2, 2]
    assert "campagne active" in page and "participants cette semaine" in page
    assert "résultats reçus non consultés" in page


def test_opening_results_reads_them_until_a_new_one_comes(client_of, teacher, correspondent, campaign):
    shared(campaign, timezone.now() - timedelta(minutes=5), "Babbage")
    client = client_of(teacher)
    assert indicators(text(client.get(reverse("orga:home"))))[2] == 1

    client.get(reverse("analysis:results", args=[campaign.pk]))
    assert indicators(text(client.get(reverse("orga:home"))))[2] == 0

    later = shared(campaign, timezone.now(), "Hopper")
    assert indicators(text(client.get(reverse("orga:home"))))[2] == 1, "sent after the visit"
    client.get(reverse("analysis:participant", args=[campaign.pk, later.pk]))
    assert indicators(text(client.get(reverse("orga:home"))))[2] == 0


def test_read_is_per_member(client_of, school, teacher, correspondent, campaign):
    shared(campaign, timezone.now() - timedelta(minutes=5))
    client_of(correspondent).get(reverse("analysis:results", args=[campaign.pk]))

    assert indicators(text(client_of(teacher).get(reverse("orga:home"))))[2] == 1


def test_home_costs_the_same_queries_for_1_and_20_campaigns(client_of, school, teacher):
    client = client_of(teacher)

    def cost():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("orga:home"))
        return len(captured)

    campaign = CampaignFactory(organization=school, creator=teacher)
    shared(campaign, timezone.now())
    one = cost()
    for index in range(19):
        shared(CampaignFactory(organization=school, creator=teacher), timezone.now(), f"Élève{index}")
    assert cost() == one


def test_the_participant_page_and_the_learner_page_link_to_each_other(client_of, school, teacher, campaign):
    school.is_managing_students = True
    school.save()
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    learner = LearnerFactory(organization=school, user=user, first_name="Ada", last_name="Lovelace")
    participation = shared(campaign, timezone.now(), user=user, organization_learner=learner)
    client = client_of(teacher)

    page = text(client.get(reverse("analysis:participant", args=[campaign.pk, participation.pk])))
    assert f'href="{reverse("learners:detail", args=[learner.pk])}">Voir la fiche de l\'élève Ada Lovelace' in page

    detail = text(client.get(reverse("learners:detail", args=[learner.pk])))
    assert f'href="{reverse("analysis:participant", args=[campaign.pk, participation.pk])}">3e A - Collecte' in detail


def test_a_departed_pupil_has_no_link_to_a_page_that_is_gone(client_of, school, teacher, campaign):
    user = UserFactory()
    learner = LearnerFactory(organization=school, user=user, is_disabled=True)
    participation = shared(campaign, timezone.now(), user=user, organization_learner=learner)

    page = text(client_of(teacher).get(reverse("analysis:participant", args=[campaign.pk, participation.pk])))

    assert reverse("learners:detail", args=[learner.pk]) not in page


def test_the_parcours_card_gives_category_description_subjects_and_duration(client_of, teacher, referential):
    page = text(client_of(teacher).get(reverse("campaigns:create")))

    profiles = json.loads(re.search(r'<script id="parcours-data" type="application/json">(.*?)</script>', page,
                                    re.S).group(1))
    card = profiles["tp-rentree-3e"]
    assert card["category"] == "Parcours de rentrée"
    assert card["description"] and card["subjects_label"].startswith("Sujets : ")
    assert re.fullmatch(r"Durée estimée : environ \d+\xa0(min|h(\xa0\d\d)?)", card["duration_label"])
    assert '<label class="fr-label" for="parcours-recherche">Rechercher un parcours' in page
