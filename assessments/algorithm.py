"""The adaptive test of assessment campaigns, Pix's "smart random" (domain rules §5), and the
knowledge elements an answer creates (§4).

Pure functions over the in-memory référentiel (`learning_content.repository.Content`) and plain
values: the caller loads the assessment's answers and knowledge elements and passes the clock.
The choice is deterministic for a given assessment, as in Pix, so a reloaded page asks the
same question.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

VALIDATED, INVALIDATED, RESET = "validated", "invalidated", "reset"
DIRECT, INFERRED = "direct", "inferred"
FIRST_CHALLENGE_LEVEL = 2
MAX_LEVEL_TO_BE_AN_EASY_TUBE = 3
MAX_DIFF_BETWEEN_USER_LEVEL_AND_SKILL_LEVEL = 2
MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING = 4
OPERATIVE_CHALLENGE_STATUSES = frozenset({"validé", "archivé"})
PREFERRED_CHALLENGE_STATUS = "validé"
DEFAULT_SKILL_LEVEL = 2
PREDICTED_LEVELS = tuple(step / 2 for step in range(1, 16))  # 0.5, 1, ..., 7.5
# Anchors that keep the estimate finite before the first failure or the first success.
VIRTUAL_OUTCOMES = ((0, True), (7, False))

_UINT32 = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class KnowledgeElement:
    skill_id: str
    status: str
    source: str
    earned_pix: float
    competence_id: str
    created_at: datetime | None = None


def knowledge_elements_for_answer(
    content, *, target_skill_ids: frozenset[str], skill_id: str, is_ok: bool,
    assessed_skill_ids: set[str], now: datetime | None = None,
) -> list[KnowledgeElement]:
    """§4.1: the direct KE for the answered challenge's skill (if it is a target skill not yet
    assessed in this assessment) then inferred KEs inside the same tube (ok → easier target
    skills validated; ko → harder target skills invalidated), skipping skills in
    assessed_skill_ids. A skipped answer ("Je passe") is ko.

    As in Pix, inference starts from the direct KE: an answer that creates none infers nothing.
    """
    skill = content.skills.get(skill_id)
    if skill is None or skill_id not in target_skill_ids or skill_id in assessed_skill_ids:
        return []
    status = VALIDATED if is_ok else INVALIDATED
    elements = [_knowledge_element(skill, status, DIRECT, now)]
    for other_id in content.tubes[skill.tube_id].skill_ids:
        if other_id not in target_skill_ids or other_id in assessed_skill_ids:
            continue
        other = content.skills[other_id]
        if (other.level < skill.level) if is_ok else (other.level > skill.level):
            elements.append(_knowledge_element(other, status, INFERRED, now))
    return elements


def _knowledge_element(skill, status, source, now):
    return KnowledgeElement(
        skill_id=skill.id, status=status, source=source,
        earned_pix=skill.pix_value if status == VALIDATED else 0.0,
        competence_id=skill.competence_id, created_at=now,
    )


def latest_per_skill(knowledge_elements: Iterable[KnowledgeElement]) -> dict[str, KnowledgeElement]:
    """The latest KE per skill (input in chronological order), dropping skills whose latest is RESET."""
    latest: dict[str, KnowledgeElement] = {}
    for element in knowledge_elements:
        latest[element.skill_id] = element
    return {skill_id: element for skill_id, element in latest.items() if element.status != RESET}


def usable_for_campaign(
    knowledge_elements: Iterable[KnowledgeElement], *, assessment_started_at: datetime, improving: bool,
) -> list[KnowledgeElement]:
    """§4.2: when improving/retrying, keep a KE only if validated or created less than 4 days
    before assessment_started_at, so that old failures are tested again. Otherwise keep all.

    A KE without a date has not been saved yet: it belongs to the assessment under way.
    """
    if not improving:
        return list(knowledge_elements)
    delay = timedelta(days=MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING)
    return [
        element for element in knowledge_elements
        if element.status == VALIDATED or element.created_at is None
        or assessment_started_at - element.created_at < delay
    ]


def knowledge_for_test(
    knowledge_elements: Iterable[KnowledgeElement], *, started_at: datetime, improving: bool,
) -> dict[str, KnowledgeElement]:
    """§4.2 as Pix applies it: the latest KE per skill first, then, when improving, its
    failures older than the delay forgotten, so that a skill failed after being validated
    long ago is asked again rather than counted as validated."""
    latest = latest_per_skill(knowledge_elements)
    if not improving:
        return latest
    kept = {element.skill_id for element in usable_for_campaign(
        latest.values(), assessment_started_at=started_at, improving=True
    )}
    return {skill_id: element for skill_id, element in latest.items() if skill_id in kept}


def forgets_old_failures(*, is_campaign: bool, is_improving: bool) -> bool:
    """§4.2: Pix's campaign data fetcher always asks for the improving filter, so every
    campaign assessment, a first participation included, forgets failures older than the
    delay; a competence evaluation does only when it improves."""
    return is_campaign or is_improving


def direct_outcomes(content, tested: Mapping[str, tuple[str, str]], *,
                    target_skill_ids: frozenset[str]) -> list[tuple[int, bool]]:
    """The (skill level, validated) pairs the level estimate reads (§5), from the tested skills
    (skill id → (status, source)): the direct answers on the test's target skills only; another
    parcours' answers say nothing of where this test should start."""
    return [
        (content.skills[skill_id].level, status == VALIDATED)
        for skill_id, (status, source) in tested.items()
        if source == DIRECT and skill_id in target_skill_ids and skill_id in content.skills
    ]


def success_probability(level: float, difficulty: float) -> float:
    return 1 / (1 + math.exp(difficulty - level))


def predicted_level(direct_outcomes: Iterable[tuple[int | None, bool]]) -> float:
    """§5 getPredictedLevel over (skill level, validated: bool) pairs, with the two virtual
    answers. A missing level counts as 2; ties go to the lowest candidate level."""
    outcomes = [
        (DEFAULT_SKILL_LEVEL if level is None else level, validated) for level, validated in direct_outcomes
    ]
    outcomes.extend(VIRTUAL_OUTCOMES)
    best_level, best_score = None, -math.inf
    for level in PREDICTED_LEVELS:
        score = -abs(sum(
            int(validated) - success_probability(level, difficulty) for difficulty, validated in outcomes
        ))
        if score > best_score:
            best_level, best_score = level, score
    return best_level


def skill_reward(predicted: float, level: int, untested_levels_of_tube: Iterable[int]) -> float:
    """What answering a skill of this level is expected to settle: the untested skills of its
    tube at or below it if right, at or above it if wrong (the skill itself in both)."""
    levels = list(untested_levels_of_tube)
    probability = success_probability(predicted, level)
    easier = sum(1 for other in levels if other <= level)
    harder = sum(1 for other in levels if other >= level)
    return probability * easier + (1 - probability) * harder


def next_challenge(
    content, *, target_skill_ids: Iterable[str], answered_challenge_ids: set[str], tested_skill_ids: set[str],
    direct_outcomes: Iterable[tuple[int | None, bool]], last_answer_timed: bool, seed: int,
):
    """§5: the next ChallengeData, or None when the test is over. First-challenge rule when
    answered_challenge_ids is empty; otherwise predicted level, filters (playable, not tested,
    easy tubes preferred, timed after timed avoided, too difficult dropped), reward, then the
    deterministic pick from `seed` (the assessment id) preferring 'validé' challenges. Only
    'validé' or 'archivé' challenges are operative. tested_skill_ids = skills with a (usable)
    KE of any status."""
    remaining = _remaining_challenges(content, target_skill_ids, answered_challenge_ids)
    # Sorted so that the pick does not depend on the order of the caller's collection.
    playable = sorted((content.skills[skill_id] for skill_id in remaining), key=lambda skill: skill.id)
    tubes: dict[str, list] = {}
    for skill in playable:
        tubes.setdefault(skill.tube_id, []).append(skill)

    candidates = [skill for skill in playable if skill.id not in tested_skill_ids]
    candidates = _prefer_easy_tubes(candidates, tubes)
    if not answered_challenge_ids:
        candidates = _avoid_timed(candidates, remaining)
        candidates = _focus_on_first_level(candidates)
    else:
        level = predicted_level(direct_outcomes)
        if last_answer_timed:
            candidates = _avoid_timed(candidates, remaining)
        reachable = level + MAX_DIFF_BETWEEN_USER_LEVEL_AND_SKILL_LEVEL
        candidates = [skill for skill in candidates if skill.level <= reachable]
        candidates = _max_rewarding(candidates, level, tubes, tested_skill_ids)
    return _pick(candidates, remaining, seed)


def _remaining_challenges(content, target_skill_ids, answered_challenge_ids):
    """Operative, not yet answered challenges of each target skill that has some, in content order."""
    remaining = {}
    for skill_id in target_skill_ids:
        if skill_id not in content.skills:
            continue
        ids = content.challenges_by_skill.get(skill_id, ())
        challenges = tuple(
            challenge for challenge in (content.challenges[id_] for id_ in ids)
            if challenge.status in OPERATIVE_CHALLENGE_STATUSES and challenge.id not in answered_challenge_ids
        )
        if challenges:
            remaining[skill_id] = challenges
    return remaining


def _prefer_easy_tubes(candidates, tubes):
    # A tube's difficulty counts its tested skills too: it describes the tube, not the student.
    easy_tube_ids = {
        tube_id for tube_id, skills in tubes.items()
        if max(skill.level for skill in skills) <= MAX_LEVEL_TO_BE_AN_EASY_TUBE
    }
    from_easy_tubes = [skill for skill in candidates if skill.tube_id in easy_tube_ids]
    return from_easy_tubes or candidates


def _avoid_timed(candidates, remaining):
    # Pix looks at the skill's first challenge only.
    untimed = [skill for skill in candidates if not remaining[skill.id][0].is_timed]
    return untimed or candidates


def _focus_on_first_level(candidates):
    if not candidates:
        return candidates
    levels = {skill.level for skill in candidates}
    level = FIRST_CHALLENGE_LEVEL if FIRST_CHALLENGE_LEVEL in levels else min(levels)
    return [skill for skill in candidates if skill.level == level]


def _max_rewarding(candidates, level, tubes, tested_skill_ids):
    untested_levels = {
        tube_id: [skill.level for skill in skills if skill.id not in tested_skill_ids]
        for tube_id, skills in tubes.items()
    }
    best, best_reward = [], 0.0
    for skill in candidates:
        # Rounded so that rewards equal on paper stay equal whatever the float operations.
        reward = round(skill_reward(level, skill.level, untested_levels[skill.tube_id]), 9)
        if reward > best_reward:
            best, best_reward = [skill], reward
        elif reward == best_reward and reward > 0:
            best.append(skill)
    return best


def hash_int(value: int) -> int:
    """The `hash-int` package Pix seeds its pick with (Robert Jenkins' 32-bit integer hash)."""
    x = value & _UINT32
    x = (x - (x << 6)) & _UINT32
    x ^= x >> 17
    x = (x - (x << 9)) & _UINT32
    x ^= (x << 4) & _UINT32
    x = (x - (x << 3)) & _UINT32
    x ^= (x << 10) & _UINT32
    x ^= x >> 15
    return x


def _pick(candidates, remaining, seed):
    if not candidates:
        return None
    skill = candidates[hash_int(seed) % len(candidates)]
    challenges = remaining[skill.id]
    preferred = [challenge for challenge in challenges if challenge.status == PREFERRED_CHALLENGE_STATUS]
    choices = preferred or challenges
    return choices[hash_int(seed + 1) % len(choices)]
