"""The scale benchmark's small version (issue #8): the generator's school of 200 pupils is
consistent, exported and analysed, and the campaign pages cost the same queries at 20 and
200 participations. Counts and correctness only, no timing; runs on SQLite and PostgreSQL."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from analysis.analysis_tasks import campaign_analysis_compute
from analysis.export_tasks import BUILT, export_build
from analysis.models import ExportJob
from assessments import algorithm
from assessments.models import Answer, Assessment, KnowledgeElement
from assessments.services import user_knowledge_elements
from bench.generate import PROFILE_ID, find_generated, generate
from organizations.models import OrganizationLearner
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from participations.selectors import knowledge_from_snapshot
from participations.services import participation_results

SCALE = 200
Status = CampaignParticipation.Status


@pytest.fixture
def generated(referential):
    return generate(SCALE)


def participations(campaign_id):
    rows = CampaignParticipation.objects.filter(campaign_id=campaign_id)
    return rows.select_related("campaign", "snapshot")


def test_the_generator_builds_both_campaigns_with_the_planned_statuses(generated):
    pupils = OrganizationLearner.objects.filter(organization_id=generated["organization_id"])
    assert pupils.filter(user__isnull=False).count() == SCALE
    for kind in ("evaluation", "collection"):
        campaign_id = generated[f"{kind}_id"]
        counts = {status: participations(campaign_id).filter(status=status).count()
                  for status in Status.values}
        assert sum(counts.values()) == SCALE
        assert {status: count for status, count in counts.items() if count} == generated["statuses"][kind]
        assert 0.55 * SCALE < counts[Status.SHARED] < 0.85 * SCALE
    evaluation = generated["statuses"]["evaluation"]
    assert evaluation[Status.STARTED] and evaluation[Status.TO_SHARE]
    assert Status.STARTED not in generated["statuses"]["collection"]
    assert generated == {**generated, **find_generated(SCALE)}


def test_every_sent_participation_and_only_those_has_a_snapshot(generated):
    for campaign_id in (generated["evaluation_id"], generated["collection_id"]):
        snapshotted = set(KnowledgeElementSnapshot.objects.filter(participation__campaign_id=campaign_id)
                          .values_list("participation_id", flat=True))
        shared = set(participations(campaign_id).filter(status=Status.SHARED).values_list("pk", flat=True))
        assert snapshotted == shared


def test_every_evaluation_has_its_assessment_answers_and_knowledge_elements(generated):
    rows = participations(generated["evaluation_id"]).select_related("assessment")
    for participation in rows:
        assessment = participation.assessment
        assert assessment.target_profile_id == PROFILE_ID
        assert assessment.is_completed == (participation.status != Status.STARTED)
        assert bool(assessment.current_challenge_id) == (participation.status == Status.STARTED)
    assessments = Assessment.objects.filter(participation__campaign_id=generated["evaluation_id"])
    answered = Answer.objects.filter(assessment__in=assessments).values_list("assessment_id", flat=True)
    known = KnowledgeElement.objects.filter(assessment__in=assessments).values_list("assessment_id",
                                                                                    flat=True)
    assert set(answered) == set(known) == set(assessments.values_list("pk", flat=True))


def test_a_finished_test_settles_every_target_skill(referential, generated):
    target = set(referential.target_profiles[PROFILE_ID].skill_ids)
    finished = participations(generated["evaluation_id"]).exclude(status=Status.STARTED)[:20]
    for participation in finished:
        assert set(algorithm.latest_per_skill(user_knowledge_elements(participation.user_id))) == target


def test_an_evaluation_snapshot_is_the_latest_knowledge_of_its_pupil(generated):
    for participation in participations(generated["evaluation_id"]).filter(status=Status.SHARED)[:20]:
        live = algorithm.latest_per_skill(user_knowledge_elements(participation.user_id))
        frozen = participation.snapshot.knowledge_elements
        assert [(item["skill_id"], item["status"], item["source"]) for item in frozen] == [
            (element.skill_id, element.status, element.source) for element in live.values()
        ]
        assert [item["created_at"] for item in frozen] == [
            element.created_at.isoformat() for element in live.values()
        ]


@pytest.mark.parametrize("kind", ["evaluation_id", "collection_id"])
def test_stored_results_are_what_a_sending_computes(generated, kind):
    sample = participations(generated[kind]).filter(status=Status.SHARED)[:25]
    for participation in sample:
        knowledge = knowledge_from_snapshot(participation.snapshot.knowledge_elements)
        expected = participation_results(participation, knowledge)
        stored = {field: getattr(participation, field) for field in expected}
        assert stored == expected, participation.pk
    if kind == "collection_id":
        certifiable = {participation.is_certifiable for participation in participations(generated[kind])
                       .filter(status=Status.SHARED)}
        assert certifiable == {True, False}


def test_the_export_has_a_header_and_one_line_per_participation(generated, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ExportJob.objects.create(campaign_id=generated["evaluation_id"],
                                   requested_by_id=generated["teacher_id"], format="csv",
                                   requested_at=timezone.now())

    assert export_build(job_id=job.pk) == BUILT

    job.refresh_from_db()
    lines = list(csv.reader(io.StringIO(job.file.read().decode("utf-8-sig")), delimiter=";"))
    assert job.rows_done == SCALE and len(lines) == 1 + SCALE
    assert {len(line) for line in lines} == {len(lines[0])}
    shared = [line for line in lines[1:] if line[lines[0].index("Partage (O/N)")] == "Oui"]
    assert len(shared) == generated["statuses"]["evaluation"][Status.SHARED]


def test_the_analysis_covers_every_sent_evaluation(generated):
    data, participant_count = campaign_analysis_compute(generated["evaluation_id"])

    assert participant_count == generated["statuses"]["evaluation"][Status.SHARED]
    assert len(data["recommendations"]) == 16
    assert all(row["average_score"] is not None for row in data["recommendations"])
    assert sum(row["targeted_skills_count"] for row in data["competences"]) == 48


def pages(data):
    return {
        "activity": reverse("analysis:activity", args=[data["evaluation_id"]]),
        "results": reverse("analysis:results", args=[data["evaluation_id"]]),
        "profiles": reverse("analysis:results", args=[data["collection_id"]]),
        "campaigns": reverse("campaigns:all"),
    }


def query_counts(client, data):
    client.force_login(User.objects.get(pk=data["teacher_id"]))
    counts = {}
    for name, url in pages(data).items():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def test_the_pages_cost_the_same_queries_at_20_and_200_participations(
    referential, client, django_assert_max_num_queries,
):
    few = query_counts(client, generate(20))
    many = generate(SCALE)
    client.force_login(User.objects.get(pk=many["teacher_id"]))

    for name, url in pages(many).items():
        client.get(url)
        with django_assert_max_num_queries(few[name]):
            assert client.get(url).status_code == 200
    assert query_counts(client, many) == few


def test_the_generator_loads_the_referential_itself_on_an_empty_database(db):
    # bench/README.md's commands start from a fresh database (issue #23: a KeyError on the profile).
    from learning_content.models import ContentRelease

    assert not ContentRelease.objects.exists()
    built = generate(20)
    assert ContentRelease.objects.exists()
    assert CampaignParticipation.objects.filter(campaign_id=built["evaluation_id"]).count() == 20
