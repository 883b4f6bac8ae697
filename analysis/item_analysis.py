"""« Questions » of an evaluation, for its teachers: each question asked to this campaign's
participants, with its skill, type, how often it was asked, its success and skip rates and the
median time taken, hardest first."""

from dataclasses import dataclass
from statistics import median

from assessments.display import expected_answer_text
from assessments.models import Answer
from participations.models import CampaignParticipation

OK, SKIPPED = Answer.Result.OK, Answer.Result.SKIPPED


@dataclass(frozen=True)
class ItemFigures:
    challenge_id: str
    asked: int
    success_percent: int
    skip_percent: int
    median_seconds: float | None


def item_figures(answers) -> list[ItemFigures]:
    """answers: (challenge id, result, seconds or None). Hardest first: the lowest success
    rate, then the most asked, then the id (a stable order)."""
    by_challenge: dict[str, list] = {}
    for challenge_id, result, seconds in answers:
        by_challenge.setdefault(challenge_id, []).append((result, seconds))
    figures = []
    for challenge_id, rows in by_challenge.items():
        asked = len(rows)
        times = [seconds for _result, seconds in rows if seconds is not None]
        figures.append(ItemFigures(
            challenge_id, asked,
            success_percent=round(100 * sum(result == OK for result, _s in rows) / asked),
            skip_percent=round(100 * sum(result == SKIPPED for result, _s in rows) / asked),
            median_seconds=median(times) if times else None,
        ))
    return sorted(figures, key=lambda item: (item.success_percent, -item.asked, item.challenge_id))


def campaign_items(content, campaign, divisions=()) -> list[dict]:
    """The questions asked in the campaign's evaluations (older sendings too, deleted
    participations not), of the pupils of these classes if any, with what the teacher's preview
    needs (one query)."""
    assessments = CampaignParticipation.objects.filter(
        campaign=campaign, deleted_at__isnull=True, assessment__isnull=False,
    )
    if divisions:
        assessments = assessments.filter(organization_learner__organization_id=campaign.organization_id,
                                         organization_learner__division__in=divisions)
    assessments = assessments.values("assessment_id")
    answers = Answer.objects.filter(assessment_id__in=assessments).values_list("challenge_id", "result", "time_spent")
    rows = []
    for figures in item_figures(answers):
        challenge = content.challenges.get(figures.challenge_id)
        if challenge is None:
            continue
        skill = content.skills.get(challenge.skill_id)
        rows.append({
            "figures": figures, "challenge": challenge, "skill": skill,
            "competence": content.competences.get(skill.competence_id) if skill else None,
            "expected": expected_answer_text(challenge),
        })
    return rows


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"
