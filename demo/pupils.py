"""Demo pupils taking the demo campaigns through the real services, so that every tab of
the teacher space has content right after `make run`. Each pupil "knows" every tube up to
his own level: he answers right below it and wrong above it."""

from datetime import timedelta

from assessments.models import Assessment
from assessments.services import answer_save, assessment_current_challenge, assessment_start_timer
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from participations.services import participation_join, participation_share


def right_answer(challenge):
    solution = challenge.solution
    if challenge.type == "QCU":
        return str(solution)
    if challenge.type == "QCM":
        return ",".join(str(number) for number in solution)
    if challenge.type == "QROC":
        return solution[0]
    if challenge.type == "QROCM-ind":
        return {key: variants[0] for key, variants in solution.items()}
    groups = list(solution.values())
    return {item["key"]: groups[index][0] for index, item in enumerate(challenge.inputs)}


def wrong_answer(challenge):
    if challenge.type == "QCU":
        return "1" if str(challenge.solution) != "1" else "2"
    if challenge.type == "QCM":
        return "1"
    if challenge.type == "QROC":
        return "je ne sais pas"
    return {item["key"]: "je ne sais pas" for item in challenge.inputs}


def take_test(assessment: Assessment, *, level: int, now, max_answers: int | None = None) -> int:
    """Answer as a pupil of that level; stops after max_answers (None: until the end)."""
    content = get_content()
    count = 0
    while max_answers is None or count < max_answers:
        challenge = assessment_current_challenge(assessment, now=now)
        if challenge is None:
            break
        if challenge.is_timed:
            assessment_start_timer(assessment=assessment, challenge_id=challenge.id, now=now)
        knows = content.skills[challenge.skill_id].level <= level
        answer_save(
            assessment_id=assessment.pk, user=assessment.user, challenge_id=challenge.id,
            value=right_answer(challenge) if knows else wrong_answer(challenge), skipped=False, now=now,
        )
        assessment.refresh_from_db()
        count += 1
    return count


def play(campaign, pupils, *, now) -> None:
    """pupils: [(user, level, stage)] with stage "started", "finished" or "shared"."""
    for index, (user, level, stage) in enumerate(pupils):
        day = now - timedelta(days=len(pupils) - index)
        participation = participation_join(campaign=campaign, user=user, now=day)
        if campaign.is_assessment:
            take_test(participation.assessment, level=level, now=day, max_answers=3 if stage == "started" else None)
        if stage == "shared":
            participation_share(participation=participation, user=user, now=day + timedelta(hours=1))
        CampaignParticipation.objects.filter(pk=participation.pk).update(created_at=day)
