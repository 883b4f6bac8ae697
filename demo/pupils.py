"""Demo pupils taking the demo campaigns through the real services, so that every tab of
the teacher space has content right after `make run`.

A test pupil (`play`, `take_test` with a whole `level`) knows every tube up to his level:
right below it, wrong above. The demo class (`demo_class`) is believable instead: each pupil
has his own level per competence and answers right with a probability that falls as the
question gets harder than his level, drawn from one seeded generator, so the demo is the
same at every load. They join over two weeks, as a class does."""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from assessments.models import Assessment
from assessments.services import (
    answer_save,
    assessment_current_challenge,
    assessment_start,
    assessment_start_timer,
)
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from participations.services import participation_join, participation_share

SEED = 2026
PARIS = ZoneInfo("Europe/Paris")
# How steeply a pupil's chances fall for a question above his level (per level).
STEEPNESS = 2.5
# A pupil of 3e rarely masters more than level 4 of a competence.
TOP_LEVEL = 4.0


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


def as_form(challenge, value) -> dict:
    """The posted fields of an answer value (the shape the checking code takes)."""
    if challenge.type == "QCM":
        return {"answer": value.split(",")}
    if challenge.type.startswith("QROCM"):
        return {f"answer-{key}": text for key, text in value.items()}
    return {"answer": value}


@dataclass
class Ability:
    """A demo pupil: his level per competence, and the draws of the demo's generator."""

    levels: dict[str, float]
    rng: random.Random

    def knows(self, skill) -> bool:
        gap = self.levels.get(skill.competence_id, 0) + 0.5 - skill.level
        return self.rng.random() < 1 / (1 + math.exp(-STEEPNESS * gap))

    def better(self, by: float) -> "Ability":
        return Ability({competence: level + by for competence, level in self.levels.items()}, self.rng)


def take_test(assessment: Assessment, *, level: "int | Ability", now, max_answers: int | None = None,
              pace: timedelta = timedelta(0)) -> datetime:
    """Answer as a pupil of that level, one answer every `pace`; stops after max_answers
    (None: until the end). Returns the time of the last answer."""
    content = get_content()
    count = 0
    while max_answers is None or count < max_answers:
        challenge = assessment_current_challenge(assessment, now=now)
        if challenge is None:
            break
        if challenge.is_timed:
            assessment_start_timer(assessment=assessment, challenge_id=challenge.id, now=now)
        skill = content.skills[challenge.skill_id]
        knows = level.knows(skill) if isinstance(level, Ability) else skill.level <= level
        answer_save(
            assessment_id=assessment.pk, user=assessment.user, challenge_id=challenge.id,
            value=right_answer(challenge) if knows else wrong_answer(challenge), skipped=False, now=now,
        )
        assessment.refresh_from_db()
        count += 1
        now += pace
    return now


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


# --- The demo class ---------------------------------------------------------------------------

def class_abilities(count: int, competence_ids, rng: random.Random) -> list[Ability]:
    """From struggling to at ease, evenly, each with his stronger and weaker competences; the
    class as a whole is at ease with some competences and has not worked on others (which
    Analyse then recommends)."""
    general = [-1.0 + 5.0 * index / max(1, count - 1) for index in range(count)]
    rng.shuffle(general)
    worked = {competence: rng.gauss(0, 1.2) for competence in competence_ids}
    # Each pupil draws his answers from his own generator: how many questions another pupil
    # was asked (which depends on the database's ids) does not change his results.
    return [
        Ability({
            competence: min(TOP_LEVEL, max(0.0, level + worked[competence] + rng.gauss(0, 0.6)))
            for competence in competence_ids
        }, random.Random(f"{SEED}-{index}"))
        for index, level in enumerate(general)
    ]


def school_time(day: datetime, rng: random.Random) -> datetime:
    """A moment of that day between 8:00 and 17:00 in Paris, the Monday after on a weekend."""
    local = day.astimezone(PARIS).replace(hour=8, minute=0, second=0, microsecond=0)
    if local.weekday() >= 5:
        local += timedelta(days=7 - local.weekday())
    return local + timedelta(minutes=rng.randrange(9 * 60))


def _participate(campaign, user, *, ability, at, share: bool, answers=None, retry=False, rng):
    participation = participation_join(campaign=campaign, user=user, retry=retry, now=at)
    CampaignParticipation.objects.filter(pk=participation.pk).update(created_at=at)
    Assessment.objects.filter(pk=participation.assessment_id).update(created_at=at)
    done = at
    if campaign.is_assessment:
        done = take_test(participation.assessment, level=ability, now=at, max_answers=answers,
                         pace=timedelta(seconds=rng.randrange(40, 100)))
    if share:
        participation.refresh_from_db()
        participation_share(participation=participation, user=user, now=done + timedelta(minutes=2))
    return participation


def demo_class(evaluation, collection, pupils, *, now) -> None:
    """The teacher's class over the last two weeks: the evaluation first (most send their
    results, some have not finished or not sent), one pupil retries after working, the
    strongest evaluate a few competences on their own, then the profile collection."""
    rng = random.Random(SEED)
    content = get_content()
    abilities = class_abilities(len(pupils), sorted(content.competences), rng)
    start = now - timedelta(days=14)
    # 14 send, 3 finish without sending, 3 are still answering.
    stages = ["shared"] * 14 + ["finished"] * 3 + ["started"] * 3
    joins = sorted(school_time(start + timedelta(days=rng.randrange(8)), rng) for _pupil in pupils)
    for user, ability, stage, at in zip(pupils, abilities, stages, joins):
        _participate(evaluation, user, ability=ability, at=at, share=stage == "shared", rng=rng,
                     answers=rng.randrange(3, 9) if stage == "started" else None)
    # The second weakest who sent comes back five days later, after the tutorials, and sends
    # again; the weakest stays the one the teacher must help first.
    weakest = sorted(range(14), key=lambda index: sum(abilities[index].levels.values()))[1]
    _participate(evaluation, pupils[weakest], ability=abilities[weakest].better(1.5), rng=rng,
                 at=school_time(joins[weakest] + timedelta(days=5), rng), share=True, retry=True)
    # Five pupils, from the strongest to the middle of the class, evaluate their five best
    # competences on their own: at level 1 or more in five competences, their profile is
    # certifiable (domain rules §6).
    ranked = sorted(range(len(pupils)), key=lambda index: -sum(abilities[index].levels.values()))
    evaluating = [ranked[0], ranked[1], ranked[4], ranked[8], ranked[12]]
    for index in evaluating:
        best = sorted(abilities[index].levels, key=lambda competence: -abilities[index].levels[competence])[:5]
        for competence_id in best:
            competence = content.competences[competence_id]
            assessment = assessment_start(
                user=pupils[index], type=Assessment.Type.COMPETENCE_EVALUATION, competence_id=competence_id,
                title=f"{competence.index} {competence.name}",
                end_path=reverse("assessments:competence_result", args=[competence_id]),
            )
            take_test(assessment, level=abilities[index], now=school_time(start + timedelta(days=10), rng),
                      pace=timedelta(seconds=60))
    # The profile collection in the last days: all but four send their profile.
    joins = sorted(school_time(start + timedelta(days=11 + rng.randrange(3)), rng) for _pupil in pupils)
    silent = rng.sample([index for index in range(len(pupils)) if index not in evaluating], 4)
    sending = set(range(len(pupils))) - set(silent)
    for index, (user, at) in enumerate(zip(pupils, joins)):
        _participate(collection, user, ability=abilities[index], at=at, share=index in sending, rng=rng)
