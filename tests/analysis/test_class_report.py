"""The printable class report of an evaluation and its CSV: the same figures as Résultats and
the results export."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from participations.models import KnowledgeElementSnapshot
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory, stage_reached
from tests.utils import text


@pytest.fixture
def profile(referential):
    """A parcours with stages."""
    return next(profile for profile in referential.target_profiles.values() if profile.stages)


@pytest.fixture
def evaluation(managing_school, teacher, profile):
    return CampaignFactory(organization=managing_school, creator=teacher, type="ASSESSMENT",
                           target_profile_id=profile.id, name="Rentrée 3e")


def sent(campaign, last_name, division, validated, mastery):
    learner = LearnerFactory(organization=campaign.organization, last_name=last_name, first_name="Léa",
                             division=division, user=UserFactory())
    participation = ParticipationFactory(
        campaign=campaign, user=learner.user, organization_learner=learner, status="SHARED",
        mastery_rate=Decimal(mastery), validated_skills_count=len(validated),
    )
    KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                            knowledge_elements=[{"skill_id": s, "status": "validated"} for s in validated])
    stage_reached(participation, validated_count=len(validated))
    return participation


@pytest.fixture
def results(evaluation, profile):
    skills = profile.skill_ids
    sent(evaluation, "Abel", "3e A", skills, "1")
    sent(evaluation, "Bruno", "3e A", (), "0")
    sent(evaluation, "Chloé", "3e B", skills[: len(skills) // 2], str(round((len(skills) // 2) / len(skills), 4)))
    return evaluation


def sections(page: str) -> list[str]:
    return re.findall(r'<section class="pix-sheet".*?</section>', page, re.S)


def test_the_report_has_a_page_per_class_with_its_stages_average_subjects_and_pupils(
    client_of, teacher, results, profile,
):
    page = text(client_of(teacher).get(reverse("classes:report", args=[results.pk])))

    first, second = sections(page)
    assert "Classe 3e A" in first and "Rentrée 3e" in first and profile.name in first
    assert "2 résultats reçus · Résultat moyen : 50 %" in first
    top = len(profile.stages) - 1
    assert f"{top} étoiles sur {top}" in first and f"0 étoile sur {top}" in first
    assert re.findall(r"<tr><td>([^<]+)</td><td>Léa</td>", first) == ["Abel", "Bruno"]
    assert "Sujets à travailler" in first
    assert re.search(r"<li><strong>[^<]+</strong> \((Très |Fortement |Assez )?[Rr]ecommandé\) – tutos :", first)
    assert "Classe 3e B" in second and "1 résultat reçu" in second


def test_the_report_of_one_class(client_of, teacher, results):
    page = text(client_of(teacher).get(reverse("classes:report", args=[results.pk]), {"classes": "3e B"}))

    assert len(sections(page)) == 1 and "Classe 3e B" in page
    assert reverse("classes:report_csv", args=[results.pk]) + "?classes=3e+B" in page


def test_the_report_average_is_the_results_tab_average(client_of, teacher, results):
    client = client_of(teacher)

    report = text(client.get(reverse("classes:report", args=[results.pk]), {"classes": "3e A"}))
    tab = text(client.get(reverse("analysis:results", args=[results.pk]), {"classes": "3e A"}))

    assert "Résultat moyen : 50 %" in report
    assert reverse("classes:report", args=[results.pk]) + "?classes=3e%20A" in tab


def test_the_report_csv_has_the_exports_headers_and_figures(client_of, teacher, results, profile):
    response = client_of(teacher).get(reverse("classes:report_csv", args=[results.pk]))

    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff") and response["Content-Type"].startswith("text/csv")
    header, *lines = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))
    stages = len(profile.stages) - 1
    assert header == ["Classe", "Nom du Participant", "Prénom du Participant", f"Palier obtenu (/{stages})",
                      "% maitrise de l'ensemble des acquis du profil"]
    assert [line[:4] for line in lines[:2]] == [["3e A", "Abel", "Léa", str(stages)], ["3e A", "Bruno", "Léa", "0"]]
    assert lines[0][4] == "1" and lines[1][4] == "0"


def test_the_report_costs_the_same_queries_whatever_the_class_size(
    client_of, teacher, results, profile, django_assert_max_num_queries,
):
    client = client_of(teacher)
    url = reverse("classes:report", args=[results.pk])
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for index in range(20):
        sent(results, f"Nom{index}", "3e A", profile.skill_ids[:index], "0.1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(url))
    assert "22 résultats reçus" in page


def test_another_school_and_a_collection_get_a_404(client_of, teacher, teacher_of_another_school, results):
    collection = CampaignFactory(organization=results.organization, creator=teacher)
    other = teacher_of_another_school.memberships.get().organization
    other.is_managing_students = True
    other.save()

    assert client_of(teacher_of_another_school).get(reverse("classes:report", args=[results.pk])).status_code == 404
    assert client_of(teacher).get(reverse("classes:report", args=[collection.pk])).status_code == 404


def test_the_report_shows_the_stage_stored_at_completion_not_a_recomputed_one(client_of, teacher, results):
    # The parcours' stages may change after a pupil sent his results: the report, like Résultats
    # and the export, keeps the stage he reached then.
    from participations.models import StageAcquisition

    StageAcquisition.objects.filter(participation__organization_learner__last_name="Bruno").update(reached=2)
    response = client_of(teacher).get(reverse("classes:report_csv", args=[results.pk]))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [line[:4] for line in lines if line[1] == "Bruno"] == [["3e A", "Bruno", "Léa", "1"]]
