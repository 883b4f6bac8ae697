"""Class × competence: the mastery of each competence by class, for one evaluation or over the
school year (each pupil's latest shared evaluation), with the pupils behind each cell."""

import datetime
import re
from datetime import UTC
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.heatmap import Entry, band_of, competence_cells, school_year_start
from participations.models import KnowledgeElementSnapshot
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory
from tests.utils import text


@pytest.mark.parametrize(("percent", "band"), [
    (None, "none"), (0, "low"), (24, "low"), (25, "fair"), (49, "fair"), (50, "good"), (74, "good"), (75, "high"),
    (100, "high"),
])
def test_each_figure_falls_in_one_band_of_the_legend(percent, band):
    assert band_of(percent) == band


def entry(division, target, validated):
    return Entry(1, "Nom", "Prénom", division, frozenset(target), frozenset(validated))


@pytest.mark.parametrize(("entries", "expected"), [
    ([], {}),
    ([entry("3e A", {"a1", "a2"}, {"a1"})], {("c1", "3e A"): (1, 2)}),
    ([entry("3e A", {"a1", "a2"}, {"a1"}), entry("3e A", {"a1", "a2"}, {"a1", "a2"})], {("c1", "3e A"): (3, 4)}),
    ([entry("3e A", {"a1", "b1"}, {"b1"}), entry("3e B", {"a1"}, set())],
     {("c1", "3e A"): (0, 1), ("c2", "3e A"): (1, 1), ("c1", "3e B"): (0, 1)}),
    # A skill validated but not targeted by the pupil's campaign does not count.
    ([entry("3e A", {"a1"}, {"a1", "a2"})], {("c1", "3e A"): (1, 1)}),
])
def test_a_cell_sums_validated_and_targeted_skills_over_the_class(entries, expected):
    skill_competence = {"a1": "c1", "a2": "c1", "b1": "c2"}

    assert competence_cells({"c1", "c2"}, skill_competence, entries) == expected


@pytest.mark.parametrize(("today", "start"), [
    (datetime.date(2026, 12, 4), datetime.date(2026, 9, 1)),
    (datetime.date(2027, 3, 1), datetime.date(2026, 9, 1)),
    (datetime.date(2026, 9, 1), datetime.date(2026, 9, 1)),
    (datetime.date(2026, 8, 31), datetime.date(2025, 9, 1)),
])
def test_the_school_year_starts_on_the_first_of_september(today, start):
    assert school_year_start(today) == start


# --- The pages -----------------------------------------------------------------------------

@pytest.fixture
def skills(referential):
    """The first competence targeted by "tp-rentree-3e" and its targeted skills."""
    profile = referential.target_profiles["tp-rentree-3e"]
    first = referential.skills[profile.skill_ids[0]].competence_id
    return referential.competences[first], [s for s in profile.skill_ids if referential.skills[s].competence_id == first]


@pytest.fixture
def evaluation(managing_school, teacher, referential):
    return CampaignFactory(organization=managing_school, creator=teacher, type="ASSESSMENT",
                           target_profile_id="tp-rentree-3e", name="Rentrée 3e")


def sent(campaign, last_name, division, validated, *, shared_at=None):
    learner = LearnerFactory(organization=campaign.organization, last_name=last_name, first_name="Léa",
                             division=division, user=UserFactory())
    return send_again(campaign, learner, validated, shared_at=shared_at)


def send_again(campaign, learner, validated, *, shared_at=None):
    participation = ParticipationFactory(
        campaign=campaign, user=learner.user, organization_learner=learner, status="SHARED",
        shared_at=shared_at or timezone.now(), mastery_rate=Decimal("0.5"), validated_skills_count=len(validated),
    )
    KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                            knowledge_elements=[
                                                {"skill_id": skill_id, "status": "validated"} for skill_id in validated
                                            ])
    return learner


def cell(page: str, competence, division_index: int) -> str:
    row = page.split(f"<th scope=\"row\">{competence.index} {competence.name}</th>")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="pix-heat pix-heat--(\w+)">(.*?)</td>', row, re.S)
    band, content = cells[division_index]
    return band, re.sub(r"<[^>]+>", "", content).split(" – ")[0].strip()


def test_the_heatmap_of_an_evaluation_gives_each_class_its_mastery_per_competence(
    client_of, teacher, evaluation, skills,
):
    competence, targeted = skills
    sent(evaluation, "Abel", "3e A", targeted)
    sent(evaluation, "Bruno", "3e A", [])
    sent(evaluation, "Chloé", "3e B", targeted[:1])

    page = text(client_of(teacher).get(reverse("classes:competences"), {"campagne": evaluation.pk}))

    assert re.findall(r'<th scope="col">([^<]+)</th>', page.split('id="heatmap"')[1])[1:] == ["3e A", "3e B"]
    assert cell(page, competence, 0) == ("good", "50 %")
    expected = round(100 / len(targeted))
    assert cell(page, competence, 1) == (band_of(expected), f"{expected} %")
    assert "<caption>Maîtrise des compétences par classe : Rentrée 3e</caption>" in page
    assert "Légende" in page and "de 75 à 100 %" in page


def test_over_the_year_each_pupil_counts_with_his_latest_shared_evaluation(
    client_of, teacher, evaluation, skills,
):
    competence, targeted = skills
    later = CampaignFactory(organization=evaluation.organization, creator=teacher, type="ASSESSMENT",
                            target_profile_id="tp-rentree-3e", name="Fin de trimestre")
    learner = sent(evaluation, "Abel", "3e A", [], shared_at=timezone.now() - datetime.timedelta(days=1))
    send_again(later, learner, targeted)
    sent(evaluation, "Vieux", "3e A", [], shared_at=datetime.datetime(2020, 1, 1, tzinfo=UTC))

    page = text(client_of(teacher).get(reverse("classes:competences")))

    assert cell(page, competence, 0) == ("high", "100 %")
    assert "année scolaire" in page


def test_a_cell_leads_to_its_pupils_with_their_own_figures(client_of, teacher, evaluation, skills):
    competence, targeted = skills
    sent(evaluation, "Abel", "3e A", targeted)
    sent(evaluation, "Bruno", "3e A", [])
    sent(evaluation, "Chloé", "3e B", targeted)
    client = client_of(teacher)
    heat = text(client.get(reverse("classes:competences"), {"campagne": evaluation.pk}))
    link = re.search(r'<td class="pix-heat pix-heat--good"><a href="([^"]+)"', heat).group(1)

    page = text(client.get(link))

    rows = re.findall(r'<tr><td><a href="/orga/eleves/\d+/">([^<]+)</a></td><td>[^<]+</td>\s*<td>([^<]+)</td>', page)
    assert rows == [("Abel", f"{len(targeted)} sur {len(targeted)}"), ("Bruno", f"0 sur {len(targeted)}")]


@pytest.mark.parametrize("by_campaign", [False, True])
def test_the_heatmap_costs_the_same_queries_whatever_the_number_of_pupils(
    client_of, teacher, evaluation, skills, django_assert_max_num_queries, by_campaign,
):
    _competence, targeted = skills
    sent(evaluation, "Abel", "3e A", targeted)
    client = client_of(teacher)
    query = {"campagne": evaluation.pk} if by_campaign else {}
    client.get(reverse("classes:competences"), query)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("classes:competences"), query)
    for index in range(20):
        sent(evaluation, f"Nom{index}", f"4e {index % 4}", targeted[: index % 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(reverse("classes:competences"), query))
    assert "4e 3" in page


def test_a_campaign_of_another_school_is_a_404(client_of, teacher_of_another_school, evaluation):
    other = teacher_of_another_school.memberships.get().organization
    other.is_managing_students = True
    other.save()

    response = client_of(teacher_of_another_school).get(reverse("classes:competences"), {"campagne": evaluation.pk})

    assert response.status_code == 404


def test_a_profiles_collection_has_no_heatmap(client_of, teacher, managing_school):
    collection = CampaignFactory(organization=managing_school, creator=teacher)

    assert client_of(teacher).get(reverse("classes:competences"), {"campagne": collection.pk}).status_code == 404
