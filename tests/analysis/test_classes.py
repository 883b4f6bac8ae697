"""The "Classe" column and the "Classes" filter of a school that manages its students, on
Activité, Résultats and the results export."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.export_tasks import export_request
from analysis.models import JobStatus
from participations.models import KnowledgeElementSnapshot
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory
from tests.utils import text


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def evaluation(managing_school, teacher, referential):
    return CampaignFactory(organization=managing_school, creator=teacher, type="ASSESSMENT",
                           target_profile_id="tp-rentree-3e", name="Rentrée 3e")


@pytest.fixture
def collection(managing_school, teacher):
    return CampaignFactory(organization=managing_school, creator=teacher, name="Collecte 3e")


def pupil(school, last_name, first_name, division):
    return LearnerFactory(organization=school, last_name=last_name, first_name=first_name, division=division,
                          user=UserFactory(last_name=last_name, first_name=first_name))


def shared(campaign, learner):
    participation = ParticipationFactory(
        campaign=campaign, user=learner.user, organization_learner=learner, status="SHARED",
        mastery_rate=Decimal("0.5"), validated_skills_count=10, pix_score=12, is_certifiable=False,
    )
    KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                            knowledge_elements=[])
    return participation


def with_three_pupils(campaign):
    """Abel (3e A), Bernard (3e B), Durand (4e A) sent their results."""
    school = campaign.organization
    for last_name, first_name, division in [("Abel", "Zoé", "3e A"), ("Bernard", "Élodie", "3e B"),
                                            ("Durand", "Léo", "4e A")]:
        shared(campaign, pupil(school, last_name, first_name, division))
    return campaign


def participant_rows(page: str) -> list[tuple[str, str, str | None]]:
    """(Nom, Prénom, Classe or None) of each row of the participants list."""
    return [
        match.groups()
        for match in re.finditer(
            r'<tr>\s*<td><a href="/orga/campagnes/\d+/participants/\d+/">([^<]*)</a></td>\s*<td>([^<]*)</td>'
            r'(?:<td>([^<]*)</td>)?', page,
        )
    ]


def offered_classes(page: str) -> list[str]:
    return re.findall(r'type="checkbox" id="classe-\d+" name="classes" value="([^"]+)"', page)


TABS = [("analysis:activity", "evaluation"), ("analysis:results", "evaluation"),
        ("analysis:activity", "collection"), ("analysis:results", "collection")]


@pytest.mark.parametrize(("tab", "kind"), TABS)
def test_a_school_managing_its_students_shows_each_participants_class(client_of, teacher, request, tab, kind):
    campaign = with_three_pupils(request.getfixturevalue(kind))

    page = text(client_of(teacher).get(reverse(tab, args=[campaign.pk])))

    assert '<th scope="col">Classe</th>' in page
    assert participant_rows(page) == [("Abel", "Zoé", "3e A"), ("Bernard", "Élodie", "3e B"), ("Durand", "Léo", "4e A")]
    assert offered_classes(page) == ["3e A", "3e B", "4e A"]


@pytest.mark.parametrize(("tab", "kind"), TABS)
def test_the_participants_filter_by_one_class_and_by_two(client_of, teacher, request, tab, kind):
    campaign = with_three_pupils(request.getfixturevalue(kind))
    client = client_of(teacher)
    url = reverse(tab, args=[campaign.pk])

    one = text(client.get(url, {"classes": "3e B"}))
    two = text(client.get(url, {"classes": ["3e A", "4e A"]}))

    assert [row[0] for row in participant_rows(one)] == ["Bernard"]
    assert [row[0] for row in participant_rows(two)] == ["Abel", "Durand"]
    assert re.search(r'value="3e B" checked', one) and not re.search(r'value="3e A" checked', one)


def test_the_classes_filter_combines_with_the_search(client_of, teacher, collection):
    with_three_pupils(collection)
    shared(collection, pupil(collection.organization, "Bertin", "Hugo", "4e A"))

    page = text(client_of(teacher).get(reverse("analysis:activity", args=[collection.pk]),
                                       {"classes": ["3e B", "4e A"], "search": "ber"}))

    assert [row[0] for row in participant_rows(page)] == ["Bernard", "Bertin"]


def test_the_classes_offered_are_those_of_the_campaigns_participants(client_of, teacher, collection):
    with_three_pupils(collection)
    LearnerFactory(organization=collection.organization, division="6e C")

    page = text(client_of(teacher).get(reverse("analysis:activity", args=[collection.pk])))

    assert offered_classes(page) == ["3e A", "3e B", "4e A"]


@pytest.fixture
def plain_collection(school, teacher):
    """A school that does not manage its students: its pupils joined with their accounts."""
    campaign = CampaignFactory(organization=school, creator=teacher, name="Collecte libre")
    for last_name in ("Hopper", "Turing"):
        participation = ParticipationFactory(campaign=campaign, user=UserFactory(last_name=last_name),
                                             status="SHARED", pix_score=3, is_certifiable=False)
        KnowledgeElementSnapshot.objects.create(participation=participation, snapshotted_at=timezone.now(),
                                                knowledge_elements=[])
    return campaign


@pytest.mark.parametrize("tab", ["analysis:activity", "analysis:results"])
def test_a_school_not_managing_its_students_has_no_class_column_nor_filter(client_of, teacher, plain_collection, tab):
    page = text(client_of(teacher).get(reverse(tab, args=[plain_collection.pk])))

    assert '<th scope="col">Classe</th>' not in page
    assert 'name="classes"' not in page
    assert [row[2] for row in participant_rows(page)] == [None, None]


@pytest.mark.parametrize("tab", ["analysis:activity", "analysis:results"])
def test_a_school_not_managing_its_students_ignores_a_classes_parameter(client_of, teacher, plain_collection, tab):
    page = text(client_of(teacher).get(reverse(tab, args=[plain_collection.pk]), {"classes": "3e A"}))

    assert [row[0] for row in participant_rows(page)] == ["Hopper", "Turing"]


# --- The export ----------------------------------------------------------------------------

def exported(campaign, user, capture) -> list[list[str]]:
    with capture(execute=True):
        job = export_request(campaign=campaign, user=user, format="csv",
                             now=datetime(2024, 9, 21, 8, 30, tzinfo=UTC))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    raw = job.file.read().decode("utf-8")
    assert raw.startswith("\ufeff")
    return list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))


@pytest.mark.parametrize("kind", ["evaluation", "collection"])
def test_the_export_has_the_class_right_after_the_first_name(
    teacher, request, kind, django_capture_on_commit_callbacks,
):
    campaign = with_three_pupils(request.getfixturevalue(kind))

    header, *lines = exported(campaign, teacher, django_capture_on_commit_callbacks)

    position = header.index("Prénom du Participant") + 1
    assert header[position] == "Classe"
    assert header.count("Classe") == 1
    assert [(line[position - 2], line[position - 1], line[position]) for line in lines] == [
        ("Abel", "Zoé", "3e A"), ("Bernard", "Élodie", "3e B"), ("Durand", "Léo", "4e A"),
    ]
    assert all(len(line) == len(header) for line in lines)


def test_the_class_comes_before_the_external_id(teacher, managing_school, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(organization=managing_school, creator=teacher, external_id_label="Numéro d'élève",
                               external_id_type="STRING")
    shared(campaign, pupil(managing_school, "Abel", "Zoé", "3e A"))

    header, line = exported(campaign, teacher, django_capture_on_commit_callbacks)

    position = header.index("Prénom du Participant")
    assert header[position:position + 3] == ["Prénom du Participant", "Classe", "Numéro d'élève"]
    assert line[position + 1] == "3e A"


def test_the_export_of_a_school_not_managing_its_students_has_no_class(
    teacher, plain_collection, django_capture_on_commit_callbacks,
):
    header, *lines = exported(plain_collection, teacher, django_capture_on_commit_callbacks)

    assert "Classe" not in header
    position = header.index("Prénom du Participant")
    assert header[position + 1] == "Envoi (O/N)"
    assert len(lines) == 2
