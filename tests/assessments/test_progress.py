"""The progress kept on the assessment row (issue #23): carried forward answer by answer it is
what a rebuild from the rows gives, and knowledge elements written elsewhere during the test
(another test, a reset) are taken into account at the next answer."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from assessments import algorithm, services
from assessments.models import Assessment, KnowledgeElement
from assessments.progress import progress_after_answer, progress_from
from assessments.progress import tested_skills as counted_skills
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from tests.participations.student import correct_form, current_challenge_id, wrong_form

STARTED = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)
A, B, C = "skill-a", "skill-b", "skill-c"


def ke(skill_id, status, source=algorithm.DIRECT, *, days_before=0):
    return algorithm.KnowledgeElement(
        skill_id=skill_id, status=status, source=source, earned_pix=0.0, competence_id="c1",
        created_at=STARTED - timedelta(days=days_before),
    )


OK, KO, RESET = algorithm.VALIDATED, algorithm.INVALIDATED, algorithm.RESET


@pytest.mark.parametrize(("before", "improving", "expected"), [
    # (assessment id, element) oldest first → tested skills, in first-appearance order
    ([], False, {}),
    ([(1, ke(A, OK)), (2, ke(B, KO))], False, {A: (OK, "direct"), B: (KO, "direct")}),
    # the latest element of a skill wins, at the place of its first one
    ([(1, ke(A, KO)), (1, ke(B, OK)), (2, ke(A, OK, algorithm.INFERRED))], False,
     {A: (OK, "inferred"), B: (OK, "direct")}),
    # a reset skill is untested
    ([(1, ke(A, OK)), (1, ke(A, RESET))], False, {}),
    # improving: a failure older than 4 days is forgotten, a success is not
    ([(1, ke(A, KO, days_before=5)), (1, ke(B, OK, days_before=5)), (1, ke(C, KO, days_before=3))], True,
     {B: (OK, "direct"), C: (KO, "direct")}),
    ([(1, ke(A, KO, days_before=5))], False, {A: (KO, "direct")}),
])
def test_the_tested_skills_are_those_the_choice_counts(before, improving, expected):
    state = progress_from([], before, assessment_id=9, started_at=STARTED, improving=improving)
    counted = algorithm.knowledge_for_test([element for _a, element in before], started_at=STARTED,
                                           improving=improving)

    assert counted_skills(state) == expected
    assert list(counted_skills(state)) == list(counted)


@pytest.mark.parametrize(("before", "answers"), [
    ([], [[ke(A, OK)], [ke(B, KO), ke(C, KO, algorithm.INFERRED)]]),
    ([(1, ke(B, OK)), (1, ke(A, RESET))], [[ke(A, KO)], []]),
    ([(9, ke(A, OK)), (1, ke(B, KO, days_before=9))], [[ke(B, OK)], [ke(C, OK)]]),
])
@pytest.mark.parametrize("improving", [False, True])
def test_carried_forward_it_equals_a_rebuild(before, answers, improving):
    state = progress_from(["chal-0"], before, assessment_id=9, started_at=STARTED, improving=improving)
    history = list(before)
    for number, new in enumerate(answers, 1):
        state = progress_after_answer(state, challenge_id=f"chal-{number}", new_elements=new)
        history += [(9, element) for element in new]

    rebuilt = progress_from([f"chal-{n}" for n in range(len(answers) + 1)], history, assessment_id=9,
                            started_at=STARTED, improving=improving)
    assert state == rebuilt


def answer(client, assessment_id, number):
    challenge_id = current_challenge_id(client, assessment_id)
    challenge = get_content().challenges[challenge_id]
    form = correct_form(challenge) if number % 2 else wrong_form(challenge)
    response = client.post(reverse("assessments:challenge", args=[assessment_id]),
                           {"challenge_id": challenge_id, "action": "validate", **form})
    assert response.status_code == 302


def test_through_the_answer_loop_the_kept_progress_is_the_rebuilt_one(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    for number in range(8):
        answer(client, assessment_id, number)
        assessment = Assessment.objects.get(pk=assessment_id)

        assert assessment.progress == services._progress_from_rows(assessment)


def test_a_skill_assessed_by_another_test_meanwhile_is_not_asked(client_of, student, evaluation):
    client = client_of(student)
    client.post(reverse("participations:start", args=[evaluation.code]))
    assessment_id = CampaignParticipation.objects.get().assessment_id
    answer(client, assessment_id, 0)
    content = get_content()
    # Another test of the pupil (another tab) assesses every target skill but one tube's.
    target = content.target_profiles["tp-rentree-3e"].skill_ids
    asked = content.challenges[Assessment.objects.get(pk=assessment_id).current_challenge_id]
    tested = set(KnowledgeElement.objects.filter(user=student).values_list("skill_id", flat=True))
    left_tube = next(
        content.skills[s].tube_id for s in target
        if content.skills[s].tube_id != content.skills[asked.skill_id].tube_id
        and not tested & set(content.tubes[content.skills[s].tube_id].skill_ids)
    )
    elsewhere = services.assessment_start(user=student, type=Assessment.Type.COMPETENCE_EVALUATION,
                                          competence_id=content.skills[target[0]].competence_id, end_path="/")
    assessed_elsewhere = [s for s in target if content.skills[s].tube_id != left_tube]
    now = datetime.now(UTC)
    KnowledgeElement.objects.bulk_create([
        KnowledgeElement(user=student, assessment=elsewhere, skill_id=s, competence_id=content.skills[s].competence_id,
                         status="validated", source="direct", created_at=now)
        for s in assessed_elsewhere
    ])

    answer(client, assessment_id, 1)
    shown = current_challenge_id(client, assessment_id)

    assert shown is not None and content.challenges[shown].skill_id not in assessed_elsewhere
