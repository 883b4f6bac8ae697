"""The "Analyse" tab: computed by the worker from the frozen snapshots, stored, shown with its
date, requested again when results arrive; the page never waits for it.

The référentiel is the hand-made one of test_recommendation.py, whose docstring works out the
scores of the FULL, HALF and NONE participants.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis import analysis_tasks
from analysis.analysis_tasks import campaign_analysis_request, compute_campaign_analysis
from analysis.analysis_views import participant_analysis
from analysis.models import CampaignAnalysis, JobStatus
from assessments.models import Assessment, KnowledgeElement
from learning_content.models import TargetProfile
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from participations.services import participation_share
from tests.factories import CampaignFactory, ParticipationFactory, UserFactory
from tests.utils import text

from .test_recommendation import FULL, HALF, NONE, PROFILE_ID, TARGET, make_content

Status = CampaignParticipation.Status


@pytest.fixture
def content(monkeypatch):
    content = make_content()
    monkeypatch.setattr(analysis_tasks, "get_content", lambda: content)
    monkeypatch.setattr("participations.services.get_content", lambda: content)
    monkeypatch.setattr("analysis.selectors.get_content", lambda: content)
    return content


@pytest.fixture
def campaign(school, teacher, content):
    profile = TargetProfile.objects.create(id=PROFILE_ID, name="Parcours analyse", category="OTHER")
    return CampaignFactory(organization=school, creator=teacher, name="3e B - Évaluation",
                           type="ASSESSMENT", target_profile=profile)


def elements(content, validated):
    """A snapshot: the parcours skills, validated or not, and any other validated skill."""
    return [
        {"skill_id": skill_id, "competence_id": content.skills[skill_id].competence_id,
         "status": "validated" if skill_id in validated else "invalidated", "source": "direct",
         "earned_pix": 4.0 if skill_id in validated else 0.0, "created_at": "2026-09-14T10:00:00+00:00"}
        for skill_id in sorted(set(TARGET) | validated)
    ]


def sent(campaign, validated, **fields):
    participation = ParticipationFactory(campaign=campaign, status=Status.SHARED, **fields)
    KnowledgeElementSnapshot.objects.create(
        participation=participation, snapshotted_at=participation.shared_at,
        knowledge_elements=elements(make_content(), validated),
    )
    return participation


@pytest.fixture
def class_results(campaign):
    """Counted for the subjects (§8.1): FULL, HALF, NONE. For the competences (§8.3, the latest
    sending of each pupil): the same and the FULL of a pupil retrying with "Envoi multiple"."""
    sent(campaign, FULL)
    half = UserFactory()
    sent(campaign, NONE, user=half, is_improved=True)
    sent(campaign, HALF, user=half)
    sent(campaign, NONE)
    retrying = UserFactory()
    sent(campaign, FULL, user=retrying, is_improved=True)
    ParticipationFactory(campaign=campaign, user=retrying)
    ParticipationFactory(campaign=campaign)
    sent(campaign, FULL, user=None, deleted_at=timezone.now())
    return campaign


def computed(campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign_analysis_request(campaign, now=timezone.now())
    return CampaignAnalysis.objects.get(campaign=campaign)


def figures(analysis):
    rows = analysis.data["recommendations"]
    return [(row["tube_id"], row["average_score"], row["relevance"]) for row in rows]


def url(campaign, **query):
    base = reverse("analysis:analysis", args=[campaign.pk])
    return base + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_the_worker_stores_the_hand_computed_analysis_of_the_counted_sendings(
    class_results, django_capture_on_commit_callbacks,
):
    analysis = computed(class_results, django_capture_on_commit_callbacks)

    assert analysis.status == JobStatus.DONE and analysis.computed_at is not None and analysis.error == ""
    assert analysis.participant_count == 3
    mail, web = analysis.data["recommendations"]
    # mail (85 + 50 + 15) / 3 = 50 → 3 bubbles; web (100 + 205/3 + 30) / 3 = 595/9 → 2 bubbles.
    assert (mail["tube_id"], mail["average_score"], mail["relevance"]) == ("tube-mail", 50.0, 3)
    assert (web["tube_id"], web["average_score"], web["relevance"]) == ("tube-web", 595 / 9, 2)
    # §8.3 over FULL, HALF, NONE and the retrying pupil's FULL (4 pupils):
    # 1.1: 2 + 1 + 0 + 2 = 5 validated, 5/4 = 1.25 of 2 skills = 62.5 % → 63 %;
    # 2.1: 3 + 2 + 0 + 3 = 8 validated, 8/4 = 2 of 3 skills = 66.7 % → 67 %.
    assert analysis.data["competence_participant_count"] == 4
    assert [
        (row["competence_index"], row["validated_skill_count"], row["average_validated_skills"],
         row["percentage"])
        for row in analysis.data["competences"]
    ] == [("1.1", 5, 1.25, 63), ("2.1", 8, 2.0, 67)]


def test_the_tab_shows_the_stored_subjects_bubbles_tutorials_and_date(
    client_of, teacher, class_results, django_capture_on_commit_callbacks,
):
    analysis = computed(class_results, django_capture_on_commit_callbacks)

    page = text(client_of(teacher).get(url(class_results)))

    local = timezone.localtime(analysis.computed_at)
    assert f"Analyse calculée le {local:%d/%m/%Y} à {local:%H:%M}" in page
    assert "Recommandation de sujets à travailler" in page and "Sujets (2)" in page
    assert page.index("Courrier électronique") < page.index("Navigation web")
    assert "Communiquer par courriel" in page and "Envoyer, recevoir et organiser ses courriels." in page
    assert '●●●○</span><span class="fr-sr-only">Fortement recommandé' in page
    assert '●●○○</span><span class="fr-sr-only">Recommandé' in page
    assert "2 tutos recommandés par la communauté Pix" in page and "0 tuto" in page
    assert 'target="_blank" rel="noopener" title="Votre ordinateur est reconnu - nouvelle fenêtre"' in page
    assert "Par CNIL - Page · 1\u00a0min" in page and "Par Lumni - Vidéo · 1\u00a0h\u00a005" in page
    assert "Trier ses courriels" not in page  # tutorial of @mail3, capped out of the parcours
    assert "Résultats par compétence" in page and "63 %" in page and "67 %" in page
    assert "(moyenne : 1,3 acquis sur 2)" in page  # 1.25 shown to one decimal, half up as Pix
    assert "En attente de résultats" not in page and "en cours de mise à jour" not in page


def page_order(page, *texts):
    positions = [page.index(item) for item in texts]
    return positions == sorted(positions)


def test_pertinence_sorts_both_ways(client_of, teacher, class_results, django_capture_on_commit_callbacks):
    computed(class_results, django_capture_on_commit_callbacks)
    client = client_of(teacher)

    ascending = text(client.get(url(class_results)))
    descending = text(client.get(url(class_results, tri="desc")))

    assert 'href="?tri=desc#recommandations"' in ascending
    assert page_order(descending, "Navigation web", "Courrier électronique")
    assert 'href="?tri=asc#recommandations"' in descending


def test_a_new_sending_requests_a_new_computation(class_results, content, django_capture_on_commit_callbacks):
    computed(class_results, django_capture_on_commit_callbacks)
    pupil = UserFactory()
    assessment = Assessment.objects.create(
        user=pupil, type=Assessment.Type.CAMPAIGN, state=Assessment.State.COMPLETED,
        target_profile_id=PROFILE_ID, end_path="/", completed_at=timezone.now(),
    )
    for skill_id in ("@mail1", "@mail2"):
        KnowledgeElement.objects.create(
            user=pupil, assessment=assessment, skill_id=skill_id, competence_id="comp-mail",
            status="validated", source="direct", earned_pix=4.0,
            created_at=timezone.now() - timedelta(minutes=1),
        )
    participation = ParticipationFactory(campaign=class_results, user=pupil, assessment=assessment,
                                         status=Status.TO_SHARE)

    with django_capture_on_commit_callbacks(execute=True):
        participation_share(participation=participation, user=pupil, now=timezone.now())

    analysis = CampaignAnalysis.objects.get(campaign=class_results)
    assert analysis.status == JobStatus.DONE and analysis.participant_count == 4
    # The new pupil: mail reached 2, 2/2 → 40 + 15 + 20 + 10 = 85; web → 30.
    # web (100 + 205/3 + 30 + 30) / 4 = 685/12 ≈ 57.08 now comes before mail (85 + 50 + 15 + 85) / 4 = 58.75.
    expected = [("tube-web", 685 / 12, 2), ("tube-mail", 58.75, 2)]
    assert figures(analysis) == expected

    # What the pupil validates after sending does not change what he sent.
    KnowledgeElement.objects.create(
        user=pupil, assessment=assessment, skill_id="@web1", competence_id="comp-web", status="validated",
        source="direct", earned_pix=4.0, created_at=timezone.now(),
    )
    compute_again = computed(class_results, django_capture_on_commit_callbacks)
    assert figures(compute_again) == expected


def test_requests_in_a_burst_enqueue_one_computation(class_results, django_capture_on_commit_callbacks):
    with (mock.patch.object(compute_campaign_analysis, "apply_async") as apply_async,
          django_capture_on_commit_callbacks(execute=True)):
            for _ in range(3):
                campaign_analysis_request(class_results, now=timezone.now())

    apply_async.assert_called_once()
    assert apply_async.call_args.args == ((class_results.pk,),)
    assert apply_async.call_args.kwargs["countdown"] == analysis_tasks.DEBOUNCE_SECONDS
    assert CampaignAnalysis.objects.get(campaign=class_results).status == JobStatus.REQUESTED


def test_a_request_during_a_computation_makes_the_worker_go_again(
    class_results, monkeypatch, django_capture_on_commit_callbacks,
):
    computations = []
    compute = analysis_tasks.campaign_analysis_compute

    def sending_arrives_meanwhile(campaign_id):
        computations.append(CampaignAnalysis.objects.get(campaign_id=campaign_id).status)
        if len(computations) == 1:
            with mock.patch.object(compute_campaign_analysis, "apply_async") as apply_async:
                campaign_analysis_request(class_results, now=timezone.now())
            apply_async.assert_not_called()  # the running worker will go again: no second worker
        return compute(campaign_id)

    monkeypatch.setattr(analysis_tasks, "campaign_analysis_compute", sending_arrives_meanwhile)
    analysis = computed(class_results, django_capture_on_commit_callbacks)

    assert computations == [JobStatus.RUNNING, JobStatus.RUNNING]
    assert analysis.status == JobStatus.DONE and analysis.participant_count == 3


def test_a_failed_computation_is_recorded_and_shown(
    client_of, teacher, class_results, monkeypatch, django_capture_on_commit_callbacks, caplog,
):
    def broken(campaign_id):
        raise ValueError("snapshot illisible")

    monkeypatch.setattr(analysis_tasks, "campaign_analysis_compute", broken)
    analysis = computed(class_results, django_capture_on_commit_callbacks)

    assert analysis.status == JobStatus.FAILED and analysis.error == "ValueError: snapshot illisible"
    assert f"analysis of campaign {class_results.pk} failed" in caplog.text
    page = text(client_of(teacher).get(url(class_results)))
    assert "La dernière mise à jour de l’analyse a échoué." in page


def test_a_failure_while_results_arrived_tries_once_more(
    class_results, monkeypatch, django_capture_on_commit_callbacks,
):
    compute = analysis_tasks.campaign_analysis_compute
    calls = []

    def fails_once_while_a_sending_arrives(campaign_id):
        calls.append(campaign_id)
        if len(calls) == 1:
            with mock.patch.object(compute_campaign_analysis, "apply_async"):
                campaign_analysis_request(class_results, now=timezone.now())
            raise ConnectionError("base indisponible")
        return compute(campaign_id)

    monkeypatch.setattr(analysis_tasks, "campaign_analysis_compute", fails_once_while_a_sending_arrives)
    analysis = computed(class_results, django_capture_on_commit_callbacks)

    assert len(calls) == 2 and analysis.status == JobStatus.DONE and analysis.error == ""


def test_a_job_left_by_a_dead_worker_is_requested_again_by_the_page(
    client_of, teacher, class_results, django_capture_on_commit_callbacks,
):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    CampaignAnalysis.objects.create(campaign=class_results, status=JobStatus.RUNNING, requested_at=an_hour_ago,
                                    started_at=an_hour_ago)

    with django_capture_on_commit_callbacks(execute=True):
        client_of(teacher).get(url(class_results))

    analysis = CampaignAnalysis.objects.get(campaign=class_results)
    assert analysis.status == JobStatus.DONE and analysis.participant_count == 3


def test_the_page_asks_for_a_missing_analysis_without_waiting(
    client_of, teacher, class_results, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as enqueued:
        page = text(client_of(teacher).get(url(class_results)))

    assert len(enqueued) == 1
    assert CampaignAnalysis.objects.get(campaign=class_results).status == JobStatus.REQUESTED
    assert "Analyse en cours de mise à jour" in page
    assert 'hx-get="?fragment=statut" hx-trigger="every 5s"' in page
    assert "Sujets (" not in page and "En attente de résultats" not in page


def test_the_page_asks_again_when_the_counted_participants_changed(
    client_of, teacher, class_results, django_capture_on_commit_callbacks,
):
    computed(class_results, django_capture_on_commit_callbacks)
    sent(class_results, HALF)  # counted without a signal, as a retry or a deletion changes the count

    with django_capture_on_commit_callbacks() as enqueued:
        page = text(client_of(teacher).get(url(class_results)))

    assert len(enqueued) == 1
    assert "Analyse en cours de mise à jour" in page
    assert "Sujets (2)" in page  # the former analysis stays shown meanwhile


def test_the_status_fragment_is_silent_while_pending_and_stops_polling_once_done(
    client_of, teacher, class_results,
):
    client = client_of(teacher)
    campaign_analysis_request(class_results, now=timezone.now())

    pending = client.get(url(class_results, fragment="statut"), HTTP_HX_REQUEST="true")
    compute_campaign_analysis(class_results.pk)
    done = client.get(url(class_results, fragment="statut"), HTTP_HX_REQUEST="true")

    assert pending.status_code == 204
    assert done.status_code == 286 and "L’analyse a été mise à jour." in text(done)
    assert "Analyse calculée le" in text(done)


def test_no_participant_shows_the_empty_state(client_of, teacher, campaign):
    page = text(client_of(teacher).get(url(campaign)))

    assert "Aucun participant pour l’instant !" in page
    assert not CampaignAnalysis.objects.exists()


def test_participants_without_sendings_wait_for_results(client_of, teacher, campaign):
    ParticipationFactory(campaign=campaign, status=Status.TO_SHARE)

    page = text(client_of(teacher).get(url(campaign)))

    assert "En attente de résultats" in page
    assert not CampaignAnalysis.objects.exists()


def test_teacher_of_another_school_gets_404(client_of, teacher_of_another_school, campaign):
    assert client_of(teacher_of_another_school).get(url(campaign)).status_code == 404


def test_a_profiles_collection_has_no_analysis(client_of, teacher, school):
    collection = CampaignFactory(organization=school)

    assert client_of(teacher).get(url(collection)).status_code == 404


def campaign_of(size, school, teacher):
    profile, _ = TargetProfile.objects.get_or_create(
        id=PROFILE_ID, defaults={"name": "Parcours analyse", "category": "OTHER"}
    )
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT",
                               target_profile=profile)
    for index in range(size):
        sent(campaign, (FULL, HALF, NONE)[index % 3])
    return campaign


@pytest.mark.parametrize("size", [1, 30])
def test_the_worker_reads_any_class_in_a_constant_number_of_queries(size, school, teacher, content):
    campaign = campaign_of(size, school, teacher)
    campaign_analysis_request(campaign, now=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        compute_campaign_analysis(campaign.pk)

    # The worker's heartbeat (upsert), claim the row (UPDATE), the campaign's parcours, one
    # chunk of participations with their snapshots, store the result (UPDATE).
    assert len(queries) == 5, [query["sql"] for query in queries.captured_queries]
    assert CampaignAnalysis.objects.get(campaign=campaign).participant_count == size


def test_chunks_of_participations_add_up_to_the_whole_class(school, teacher, content, monkeypatch):
    campaign = campaign_of(7, school, teacher)  # FULL, HALF, NONE, FULL, HALF, NONE, FULL
    monkeypatch.setattr(analysis_tasks, "CHUNK_SIZE", 3)
    campaign_analysis_request(campaign, now=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        compute_campaign_analysis(campaign.pk)

    reads = [query for query in queries.captured_queries
             if "participations_campaignparticipation" in query["sql"]]
    assert len(reads) == 3
    data = CampaignAnalysis.objects.get(campaign=campaign).data
    # mail (3 × 85 + 2 × 50 + 2 × 15) / 7 = 385/7 = 55; web (3 × 100 + 2 × 205/3 + 2 × 30) / 7 = 1490/21.
    assert [(row["tube_id"], row["average_score"]) for row in data["recommendations"]] == [
        ("tube-mail", 55.0), ("tube-web", 1490 / 21),
    ]


@pytest.mark.parametrize("size", [1, 30])
def test_the_tab_costs_a_constant_number_of_queries(
    size, client_of, teacher, school, content, django_capture_on_commit_callbacks,
):
    campaign = campaign_of(size, school, teacher)
    computed(campaign, django_capture_on_commit_callbacks)
    client = client_of(teacher)
    client.get(url(campaign))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(campaign)).status_code == 200

    # Session, user, membership (orga_member_required), the campaign (access helper), the stored
    # analysis, the participation counts, the memberships for the header (context processor).
    assert len(queries) == 7, [query["sql"] for query in queries.captured_queries]


def test_the_participant_analysis_is_computed_from_his_snapshot(campaign, content):
    participation = sent(campaign, HALF)
    started = ParticipationFactory(campaign=campaign)

    analysis = participant_analysis(content, campaign, participation)

    # HALF alone: mail 50 → 3 bubbles, web 205/3 ≈ 68.33 → 2 bubbles (test_recommendation.py).
    rows = analysis["recommendations"]
    assert [(row["tube_id"], row["average_score"], row["relevance_label"]) for row in rows] == [
        ("tube-mail", 50.0, "Fortement recommandé"), ("tube-web", 205 / 3, "Recommandé"),
    ]
    assert analysis["recommendations"][0]["tutorials"][1]["duration_label"] == "1\u00a0h\u00a005"
    assert [row["percentage"] for row in analysis["competences"]] == [50, 67]
    assert participant_analysis(content, campaign, started) is None


