"""« Évolution »: a pupil's shared result against his previous sending to the same campaign, on
Résultats (multiple sending) and over the year on his page."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from analysis.evolution import DECREASE, INCREASE, STABLE, evolution
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory
from tests.utils import text


@pytest.mark.parametrize(("previous", "current", "expected"), [
    (None, Decimal("0.5"), None),
    (Decimal("0.5"), None, None),
    (Decimal("0.3"), Decimal("0.6"), INCREASE),
    (Decimal("0.6"), Decimal("0.3"), DECREASE),
    (Decimal("0.5"), Decimal("0.5"), STABLE),
    (12, 40, INCREASE),
    (0, 0, STABLE),
])
def test_evolution_compares_with_the_previous_sending(previous, current, expected):
    assert evolution(previous, current) == expected


def pupil(school, last_name):
    return LearnerFactory(organization=school, last_name=last_name, first_name="Léa",
                          user=UserFactory(last_name=last_name, first_name="Léa"))


def sendings(campaign, learner, *values, start_day=1):
    """The pupil sent `values` (mastery rates or Pix scores) one after the other."""
    field = "mastery_rate" if campaign.is_assessment else "pix_score"
    rows = []
    for index, value in enumerate(values):
        is_last = index == len(values) - 1
        rows.append(ParticipationFactory(
            campaign=campaign, user=learner.user, organization_learner=learner, status="SHARED",
            shared_at=datetime(2026, 9 + index, start_day, 10, tzinfo=UTC), is_improved=not is_last,
            validated_skills_count=3, is_certifiable=False, **{field: value},
        ))
    return rows


@pytest.fixture
def evaluation(school, teacher, referential):
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", multiple_sendings=True,
                           target_profile_id="tp-rentree-3e", name="Rentrée 3e")


@pytest.fixture
def collection(school, teacher):
    return CampaignFactory(organization=school, creator=teacher, multiple_sendings=True, name="Collecte")


def evolutions(page: str) -> list[tuple[str, str]]:
    """(Nom, évolution) of each row of the results list."""
    rows = re.findall(r'<tr><td><a href="/orga/campagnes/\d+/participants/\d+/">([^<]+)</a>(.*?)</tr>', page, re.S)
    return [(name, re.search(r'data-evolution="(\w+)"', rest).group(1)) for name, rest in rows]


def test_the_results_of_an_evaluation_show_each_pupils_evolution(client_of, teacher, evaluation):
    school = evaluation.organization
    sendings(evaluation, pupil(school, "Abel"), Decimal("0.3"), Decimal("0.6"))
    sendings(evaluation, pupil(school, "Bruno"), Decimal("0.5"), Decimal("0.4"))
    sendings(evaluation, pupil(school, "Chloé"), Decimal("0.7"), Decimal("0.2"), Decimal("0.5"))
    sendings(evaluation, pupil(school, "Durand"), Decimal("0.5"))

    page = text(client_of(teacher).get(reverse("analysis:results", args=[evaluation.pk])))

    assert '<th scope="col">Évolution</th>' in page
    assert evolutions(page) == [("Abel", "increase"), ("Bruno", "decrease"), ("Chloé", "increase"),
                                ("Durand", "none")]
    assert "En progression" in page and "En régression" in page and "Non disponible" in page


def test_the_profiles_received_show_the_pix_score_evolution(client_of, teacher, collection):
    school = collection.organization
    sendings(collection, pupil(school, "Abel"), 40, 40)
    sendings(collection, pupil(school, "Bruno"), 40, 52)

    page = text(client_of(teacher).get(reverse("analysis:results", args=[collection.pk])))

    assert evolutions(page) == [("Abel", "stable"), ("Bruno", "increase")]
    assert "Constant" in page


def test_a_campaign_without_multiple_sending_has_no_evolution_column(client_of, teacher, school):
    campaign = CampaignFactory(organization=school, creator=teacher)
    sendings(campaign, pupil(school, "Abel"), 12)

    page = text(client_of(teacher).get(reverse("analysis:results", args=[campaign.pk])))

    assert "Évolution" not in page


def test_the_evolution_costs_one_query_whatever_the_number_of_pupils(
    client_of, teacher, evaluation, django_assert_max_num_queries,
):
    school = evaluation.organization
    sendings(evaluation, pupil(school, "Abel"), Decimal("0.3"), Decimal("0.6"))
    client = client_of(teacher)
    url = reverse("analysis:results", args=[evaluation.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for index in range(12):
        sendings(evaluation, pupil(school, f"Nom{index:02d}"), Decimal("0.1"), Decimal("0.2"), Decimal("0.1"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(url, {"pageSize": 25}))
    assert len(evolutions(page)) == 13


def progression(page: str) -> list[tuple[str, str, str, str]]:
    table = page.split('id="progression"')[1].split("</table>")[0]
    return [
        (date, campaign, re.sub(r"\s+", " ", result).strip(), change)
        for date, campaign, result, change in re.findall(
            r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>.*?data-evolution=\"(\w+)\"",
            table, re.S,
        )
    ]


def test_the_learner_page_shows_each_shared_result_by_date_with_its_evolution(
    client_of, teacher, evaluation, collection,
):
    learner = pupil(evaluation.organization, "Abel")
    sendings(evaluation, learner, Decimal("0.3"), Decimal("0.6"), start_day=2)
    sendings(collection, learner, 40, 30, start_day=5)

    page = text(client_of(teacher).get(reverse("learners:detail", args=[learner.pk])))

    assert progression(page) == [
        ("02/09/2026", "Rentrée 3e", "30 % de réussite", "none"),
        ("05/09/2026", "Collecte", "40 pix", "none"),
        ("02/10/2026", "Rentrée 3e", "60 % de réussite", "increase"),
        ("05/10/2026", "Collecte", "30 pix", "decrease"),
    ]


def test_a_deleted_participation_is_not_in_the_progression(client_of, teacher, collection):
    learner = pupil(collection.organization, "Abel")
    first, last = sendings(collection, learner, 40, 30)
    first.deleted_at = last.shared_at
    first.save()

    page = text(client_of(teacher).get(reverse("learners:detail", args=[learner.pk])))

    assert progression(page) == [("01/10/2026", "Collecte", "30 pix", "none")]
