"""Virtual pupils take every back-to-school parcours through the adaptive test (issue 19, item 4).

Each pupil has an ability per competence, drawn uniformly between 0 and one level above the
parcours' cap in that competence: the truth is that he masters a skill when its level is at or
below his ability. Four populations:

- noiseless: right exactly on the skills he masters;
- noisy: right with a logistic chance by level, σ(DISCRIMINATION × (ability − level)), squeezed
  between a guess rate (1/options for a QCU, 1/(2ⁿ − 1) for a QCM of n options, 0 for a typed
  answer) and 1 − SLIP;
- random guesser: ticks a random option (a random non-empty set for a QCM), types nothing;
- longest-option guesser: ticks the longest option (for a QCM, those longer than the mean),
  types nothing. Guessers' answers go through the real checker, on the real proposals.

The engine is the real one (`next_challenge`, then `knowledge_elements_for_answer`), fed the way
an assessment feeds it. Reported per parcours: the target skills whose final status (validated
or not; untested counts as not) is the truth, the questions asked per target skill, and the
guessers' mastery rate, which must not tell them apart (no answer cue).

`python bench/simulation.py` loads the référentiel into an in-memory SQLite database first;
`make bench` runs it after its own loading.
"""

import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assessments.algorithm import (  # noqa: E402
    DIRECT,
    VALIDATED,
    knowledge_elements_for_answer,
    latest_per_skill,
    next_challenge,
)
from assessments.checking import check_answer  # noqa: E402

CATEGORY = "BACK_TO_SCHOOL"
STUDENTS = 100
SEED = 2026
SLIP = 0.1
DISCRIMINATION = 3.0
# Issue 19's targets.
NOISELESS_TARGET, NOISY_TARGET, GUESSERS_GAP = 0.95, 0.90, 5.0

Answerer = Callable[[object, object], bool]  # (challenge, skill) → right?


@dataclass
class Outcome:
    questions: int
    matched: int
    validated: int


def guess_rate(challenge) -> float:
    if challenge.type == "QCU":
        return 1 / len(challenge.proposals)
    if challenge.type == "QCM":
        return 1 / (2 ** len(challenge.proposals) - 1)
    return 0.0


def success_chance(ability: float, level: int, challenge) -> float:
    guess = guess_rate(challenge)
    return guess + (1 - guess - SLIP) / (1 + math.exp(-DISCRIMINATION * (ability - level)))


def noiseless(abilities) -> Answerer:
    return lambda challenge, skill: skill.level <= abilities[skill.competence_id]


def noisy(abilities, draw: random.Random) -> Answerer:
    return lambda challenge, skill: draw.random() < success_chance(abilities[skill.competence_id], skill.level,
                                                                   challenge)


def random_guesser(draw: random.Random) -> Answerer:
    def answer(challenge, skill):
        numbers = range(1, len(challenge.proposals) + 1)
        if challenge.type == "QCU":
            return check_answer(challenge, str(draw.choice(numbers))).is_ok
        if challenge.type == "QCM":
            ticked = [n for n in numbers if draw.random() < 0.5] or [draw.choice(numbers)]
            return check_answer(challenge, ",".join(map(str, ticked))).is_ok
        return False
    return answer


def longest_guesser() -> Answerer:
    def answer(challenge, skill):
        lengths = [len(proposal) for proposal in challenge.proposals]
        if challenge.type == "QCU":
            return check_answer(challenge, str(lengths.index(max(lengths)) + 1)).is_ok
        if challenge.type == "QCM":
            mean = statistics.mean(lengths)
            ticked = [n for n, length in enumerate(lengths, start=1) if length > mean]
            return check_answer(challenge, ",".join(map(str, ticked))).is_ok
        return False
    return answer


def take_test(content, target_ids, answers: Answerer, *, assessment_id, mastered=frozenset()) -> Outcome:
    answered, assessed, knowledge_elements, direct_outcomes = set(), set(), [], []
    last_timed = False
    while challenge := next_challenge(
        content, target_skill_ids=target_ids, answered_challenge_ids=answered, tested_skill_ids=assessed,
        direct_outcomes=direct_outcomes, last_answer_timed=last_timed, seed=assessment_id,
    ):
        skill = content.skills[challenge.skill_id]
        new = knowledge_elements_for_answer(
            content, target_skill_ids=target_ids, skill_id=skill.id, is_ok=answers(challenge, skill),
            assessed_skill_ids=assessed,
        )
        knowledge_elements.extend(new)
        assessed.update(element.skill_id for element in new)
        direct_outcomes.extend(
            (skill.level, element.status == VALIDATED) for element in new if element.source == DIRECT
        )
        answered.add(challenge.id)
        last_timed = challenge.is_timed
    validated = {
        skill_id for skill_id, element in latest_per_skill(knowledge_elements).items() if element.status == VALIDATED
    }
    return Outcome(
        questions=len(answered), validated=len(validated),
        matched=sum(1 for skill_id in target_ids if (skill_id in validated) == (skill_id in mastered)),
    )


def one_question_ceiling(content, target_ids, abilities, mastered) -> float:
    """What a noisy pupil's statuses would match if each target skill were asked once, on its
    first challenge, without inference: the noise model's own limit."""
    def right_status(skill_id):
        skill = content.skills[skill_id]
        challenge = content.challenges[content.challenges_by_skill[skill_id][0]]
        chance = success_chance(abilities[skill.competence_id], skill.level, challenge)
        return chance if skill_id in mastered else 1 - chance
    return statistics.mean(right_status(skill_id) for skill_id in target_ids)


def run_profile(content, profile, *, students=STUDENTS, seed=SEED) -> dict:
    target_ids = frozenset(profile.skill_ids)
    caps: dict[str, int] = {}
    for tube_id, level in profile.capped_tubes:
        competence_id = content.tubes[tube_id].competence_id
        caps[competence_id] = max(caps.get(competence_id, 0), level)
    populations = {name: [] for name in ("noiseless", "noisy", "random guesser", "longest-option guesser")}
    ceilings = []
    for student in range(students):
        draw = random.Random(f"{seed}:{profile.id}:{student}")
        abilities = {competence_id: draw.uniform(0, cap + 1) for competence_id, cap in sorted(caps.items())}
        mastered = frozenset(
            skill_id for skill_id in target_ids
            if content.skills[skill_id].level <= abilities[content.skills[skill_id].competence_id]
        )
        ceilings.append(one_question_ceiling(content, target_ids, abilities, mastered))
        assessment_id = student + 1
        for name, answers in (
            ("noiseless", noiseless(abilities)), ("noisy", noisy(abilities, draw)),
            ("random guesser", random_guesser(draw)), ("longest-option guesser", longest_guesser()),
        ):
            populations[name].append(take_test(content, target_ids, answers, assessment_id=assessment_id,
                                               mastered=mastered))
    skills = len(target_ids)
    return {
        "profile": profile.name, "target_skills": skills,
        "max_level": max(content.skills[skill_id].level for skill_id in target_ids),
        "matched": {name: statistics.mean(o.matched for o in outcomes) / skills
                    for name, outcomes in populations.items()},
        "questions_per_skill": {name: statistics.mean(o.questions for o in outcomes) / skills
                                for name, outcomes in populations.items()},
        "mastery": {name: 100 * statistics.mean(o.validated for o in outcomes) / skills
                    for name, outcomes in populations.items()},
        "noisy_ceiling": statistics.mean(ceilings),
    }


def run(content, *, students=STUDENTS, seed=SEED, profile_ids=None) -> dict:
    started = time.perf_counter()
    profiles = [
        profile for profile in content.target_profiles.values()
        if (profile.id in profile_ids if profile_ids else profile.category == CATEGORY)
    ]
    return {
        "students": students, "rows": [run_profile(content, p, students=students, seed=seed) for p in profiles],
        "seconds": time.perf_counter() - started,
    }


def report_lines(results) -> list[str]:
    lines = [
        f"{results['students']} pupils per parcours and population, {results['seconds']:.0f} s",
        "",
        "| parcours | target skills (max level) | truth matched, noiseless | truth matched, noisy "
        "(one question per skill) | questions per skill, noiseless / noisy "
        "| mastery, random / longest-option guesser (gap) |",
        "|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        mastery = row["mastery"]
        gap = abs(mastery["random guesser"] - mastery["longest-option guesser"])
        lines.append(
            f"| {row['profile']} | {row['target_skills']} ({row['max_level']}) "
            f"| {100 * row['matched']['noiseless']:.1f} % | {100 * row['matched']['noisy']:.1f} % "
            f"({100 * row['noisy_ceiling']:.1f} %) "
            f"| {row['questions_per_skill']['noiseless']:.2f} / {row['questions_per_skill']['noisy']:.2f} "
            f"| {mastery['random guesser']:.1f} % / {mastery['longest-option guesser']:.1f} % ({gap:.1f} pts) |"
        )
    return lines


def main():
    """Prints the report for the référentiel already loaded in the database."""
    from learning_content.repository import get_content

    print("\n".join(report_lines(run(get_content()))))


def _load_into_memory_database():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

    import django

    django.setup()
    from django.core.management import call_command

    from learning_content.loader import load_content

    call_command("migrate", verbosity=0)
    load_content()


if __name__ == "__main__":
    _load_into_memory_database()
    main()
