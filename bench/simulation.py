"""Virtual students take the "Parcours de rentrée 3e" through the adaptive test.

Each student has a true level per tube, drawn between 0 and the tube's cap in the profile, and
answers right exactly when the challenge's skill is at or below it; a second population also
slips or guesses on 10 % of its answers. The engine is the real one (`next_challenge`, then
`knowledge_elements_for_answer`), fed the way an assessment feeds it. Reported: how many
questions the test asks against the number of target skills, and how far the final knowledge
elements are from the truth.

`python bench/simulation.py` loads the référentiel into an in-memory SQLite database first;
`make bench` runs it after its own loading.
"""

import os
import random
import statistics
import sys
import time
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

PROFILE_ID = "tp-rentree-3e"
STUDENTS = 200
SEED = 2026
NOISY_RATE = 0.1


@dataclass
class Outcome:
    questions: int
    matched: int
    wrong: int
    untested: int
    untested_but_mastered: int
    estimated_mastery: float
    true_mastery: float


def take_test(content, target_ids, true_levels, *, assessment_id, noise: random.Random | None = None):
    answered, assessed, knowledge_elements, direct_outcomes = set(), set(), [], []
    last_timed = False
    while challenge := next_challenge(
        content, target_skill_ids=target_ids, answered_challenge_ids=answered, tested_skill_ids=assessed,
        direct_outcomes=direct_outcomes, last_answer_timed=last_timed, seed=assessment_id,
    ):
        skill = content.skills[challenge.skill_id]
        is_ok = skill.level <= true_levels[skill.tube_id]
        if noise is not None and noise.random() < NOISY_RATE:
            is_ok = not is_ok
        new = knowledge_elements_for_answer(
            content, target_skill_ids=target_ids, skill_id=skill.id, is_ok=is_ok, assessed_skill_ids=assessed,
        )
        knowledge_elements.extend(new)
        assessed.update(element.skill_id for element in new)
        direct_outcomes.extend(
            (skill.level, element.status == VALIDATED) for element in new if element.source == DIRECT
        )
        answered.add(challenge.id)
        last_timed = challenge.is_timed

    final = latest_per_skill(knowledge_elements)
    validated = {skill_id for skill_id, element in final.items() if element.status == VALIDATED}
    mastered = {
        skill_id for skill_id in target_ids
        if content.skills[skill_id].level <= true_levels[content.skills[skill_id].tube_id]
    }
    untested = target_ids - final.keys()
    matched = sum(1 for skill_id in final if (skill_id in validated) == (skill_id in mastered))
    return Outcome(
        questions=len(answered), matched=matched, wrong=len(final) - matched, untested=len(untested),
        untested_but_mastered=len(untested & mastered), estimated_mastery=len(validated) / len(target_ids),
        true_mastery=len(mastered) / len(target_ids),
    )


def run(content, *, students=STUDENTS, seed=SEED) -> dict:
    profile = content.target_profiles[PROFILE_ID]
    target_ids = frozenset(profile.skill_ids)
    caps = dict(profile.capped_tubes)
    started = time.perf_counter()
    populations = {}
    for name, noisy in (("consistent", False), ("10 % slips/guesses", True)):
        outcomes = []
        for student in range(students):
            draw = random.Random(seed * 1000 + student)
            true_levels = {tube_id: draw.randint(0, cap) for tube_id, cap in sorted(caps.items())}
            outcomes.append(take_test(
                content, target_ids, true_levels, assessment_id=student + 1,
                noise=random.Random(seed * 7919 + student) if noisy else None,
            ))
        populations[name] = outcomes
    return {
        "profile": profile.name, "students": students, "tubes": len(caps), "target_skills": len(target_ids),
        "populations": populations, "seconds": time.perf_counter() - started,
    }


def report_lines(results) -> list[str]:
    skills = results["target_skills"]
    names = list(results["populations"])

    def row(label, compute):
        return f"| {label} | " + " | ".join(compute(results["populations"][name]) for name in names) + " |"

    def share(field):
        def compute(outcomes):
            return f"{100 * sum(getattr(o, field) for o in outcomes) / (skills * len(outcomes)):.1f} %"
        return compute

    def questions(outcomes):
        return [o.questions for o in outcomes]

    return [
        f"{results['profile']}: {results['students']} students, {results['tubes']} tubes, "
        f"{skills} target skills, {results['seconds']:.1f} s",
        "",
        "| measure | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
        row("questions: mean / median / min / max", lambda o: (
            f"{statistics.mean(questions(o)):.1f} / {statistics.median(questions(o)):g} / "
            f"{min(questions(o))} / {max(questions(o))}")),
        row("questions ÷ target skills (mean)", lambda o: f"{statistics.mean(questions(o)) / skills:.2f}"),
        row("target skills whose final status is the truth", share("matched")),
        row("target skills with the wrong status", share("wrong")),
        row("target skills left untested", share("untested")),
        row("… of which the student masters", share("untested_but_mastered")),
        row("mastery rate error, mean (points)", lambda o: (
            f"{100 * statistics.mean(abs(x.estimated_mastery - x.true_mastery) for x in o):.1f}")),
    ]


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
