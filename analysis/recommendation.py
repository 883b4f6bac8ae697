"""The "Analyse" of a campaign as pure rules (domain rules §8.1 and §8.3): plain values in,
JSON-ready values out, no database. One participant is a set of validated skill ids; the
analysis of one participation is the same computation with a one-element list.

Scores are summed as exact fractions: the relevance cut-offs (25, 50, 75) are compared with
`≤`, and a float sum such as 24.999999999 or 25.000000001 would move a subject to the wrong
bubble count.
"""

import math
from collections import Counter
from collections.abc import Iterable
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from assessments.algorithm import VALIDATED

REACHED_LEVEL_POINTS = 40
DIFFICULTY_POINTS = 30
PROGRESS_POINTS = 20
NEXT_STEP_POINTS = 10

# Relevance as shown by the bubbles: 4 = most to work on (lowest average score).
RELEVANCE_LABELS = {
    1: _("Assez recommandé"),
    2: _("Recommandé"),
    3: _("Fortement recommandé"),
    4: _("Très recommandé"),
}
RELEVANCE_MAX = 4


def validated_skill_ids(knowledge_elements: Iterable[dict]) -> set[str]:
    """The skills validated in a frozen snapshot (already one element per skill)."""
    return {element["skill_id"] for element in knowledge_elements if element["status"] == VALIDATED}


def tube_score(skill_levels: dict[str, int], validated: set[str], max_skill_level: int) -> Fraction:
    """§8.1 score of one participant on one tube, out of 100. `skill_levels` are the tube's
    skills in the campaign, `max_skill_level` the highest level among all campaign skills."""
    tube_max = max(skill_levels.values())
    validated_levels = [level for skill_id, level in skill_levels.items() if skill_id in validated]
    reached = max(validated_levels, default=0)
    score = Fraction(REACHED_LEVEL_POINTS * reached, tube_max)
    score += Fraction(DIFFICULTY_POINTS * tube_max, max_skill_level)
    score += Fraction(PROGRESS_POINTS * len(validated_levels), len(skill_levels))
    if validated_levels:
        next_level = min(
            (level for skill_id, level in skill_levels.items() if skill_id not in validated), default=tube_max
        )
        score += Fraction(NEXT_STEP_POINTS * reached, next_level)
    return score


def relevance(average_score) -> int:
    """Number of bubbles: ≤ 25 → 4, ≤ 50 → 3, ≤ 75 → 2, otherwise 1."""
    if average_score <= 25:
        return 4
    if average_score <= 50:
        return 3
    if average_score <= 75:
        return 2
    return 1


def relevance_label(level: int) -> str:
    return str(RELEVANCE_LABELS[level])


def _index_key(index: str) -> tuple[int, ...]:
    # "1.10" after "1.9": the référentiel's indexes compared as numbers.
    return tuple(int(part) for part in index.split(".") if part.isdigit())


def _campaign_skills(content, target_skill_ids) -> list:
    return [
        content.skills[skill_id] for skill_id in dict.fromkeys(target_skill_ids) if skill_id in content.skills
    ]


def _tutorials(content, skill_ids) -> list[dict]:
    tutorial_ids = dict.fromkeys(
        tutorial_id for skill_id in skill_ids for tutorial_id in content.skills[skill_id].tutorial_ids
    )
    return [
        {
            "id": tutorial.id, "title": tutorial.title, "link": tutorial.link, "source": tutorial.source,
            "format": tutorial.format, "duration_seconds": int(tutorial.duration.total_seconds()),
        }
        for tutorial in (content.tutorials.get(tutorial_id) for tutorial_id in tutorial_ids)
        if tutorial is not None
    ]


class SkillMasks:
    """The campaign's skills as the bits of an integer. A participant's validated skills become
    one small int, and the participants who validated the same skills one Counter entry: a
    100,000-participant campaign then holds a few MB where a set per participant took 300."""

    def __init__(self, content, target_skill_ids):
        self.skills = _campaign_skills(content, target_skill_ids)
        self._bits = {skill.id: 1 << index for index, skill in enumerate(self.skills)}

    def of(self, skill_ids: Iterable[str]) -> int:
        """The campaign's skills among skill_ids (others ignored)."""
        mask = 0
        for skill_id in skill_ids:
            mask |= self._bits.get(skill_id, 0)
        return mask

    def skill_ids(self, mask: int) -> set[str]:
        return {skill_id for skill_id, bit in self._bits.items() if mask & bit}


def tube_recommendations(
    content, target_skill_ids, participants_validated_skill_ids: Iterable[set[str]]
) -> list[dict]:
    """One row per tube of the campaign's skills, lowest average score (most to work on) first."""
    masks = SkillMasks(content, target_skill_ids)
    return tube_recommendations_of(
        content, masks, Counter(masks.of(validated) for validated in participants_validated_skill_ids)
    )


def tube_recommendations_of(content, masks: SkillMasks, participants: Counter) -> list[dict]:
    """`tube_recommendations` of participants counted by validated skills (mask → count). The
    score of a tube depends only on which of its skills are validated: it is computed once per
    combination met and weighted by the participants who have it, which sums exactly the same
    fractions."""
    skills = masks.skills
    if not skills:
        return []
    max_skill_level = max(skill.level for skill in skills)
    tubes: dict[str, dict[str, int]] = {}
    for skill in sorted(skills, key=lambda skill: skill.level):
        tubes.setdefault(skill.tube_id, {})[skill.id] = skill.level
    participant_count = sum(participants.values())
    rows = []
    for tube_id, skill_levels in tubes.items():
        tube = content.tubes[tube_id]
        competence = content.competences[tube.competence_id]
        area = content.areas[competence.area_id]
        average = None
        if participant_count:
            tube_mask = masks.of(skill_levels)
            states = Counter()
            for mask, count in participants.items():
                states[mask & tube_mask] += count
            total = sum(
                (count * tube_score(skill_levels, masks.skill_ids(state), max_skill_level)
                 for state, count in states.items()),
                Fraction(0),
            )
            average = total / participant_count
        rows.append({
            "tube_id": tube_id,
            "practical_title": tube.practical_title,
            "practical_description": tube.practical_description,
            "competence_id": competence.id,
            "competence_index": competence.index,
            "competence_name": competence.name,
            "area_code": area.code,
            "area_color": area.color,
            "average_score": None if average is None else float(average),
            "relevance": None if average is None else relevance(average),
            "tutorials": _tutorials(content, skill_levels),
        })
    return sort_recommendations(rows)


def sort_recommendations(rows: list[dict], *, descending: bool = False) -> list[dict]:
    """By average score (ascending by default, as Pix Orga shows them), then by competence and
    title so that ties keep a stable order; rows without a score come last."""
    def key(row):
        score = row["average_score"]
        missing = score is None
        value = 0 if missing else (-score if descending else score)
        return (missing, value, _index_key(row["competence_index"]), row["practical_title"])

    return sorted(rows, key=key)


def _half_up(value: Fraction) -> int:
    # Pix Orga rounds with JavaScript's Math.round (halves go up), not Python's round().
    return math.floor(value + Fraction(1, 2))


def competence_results(
    content, target_skill_ids, participants_validated_skill_ids: Iterable[set[str]]
) -> list[dict]:
    """§8.3: per competence of the campaign (by index), the targeted skills, the validated ones
    summed over the participants, their average and the average as a percentage."""
    masks = SkillMasks(content, target_skill_ids)
    return competence_results_of(
        content, masks, Counter(masks.of(validated) for validated in participants_validated_skill_ids)
    )


def competence_results_of(content, masks: SkillMasks, participants: Counter) -> list[dict]:
    """`competence_results` of participants counted by validated skills (mask → count)."""
    targeted: dict[str, set[str]] = {}
    for skill in masks.skills:
        targeted.setdefault(skill.competence_id, set()).add(skill.id)
    participant_count = sum(participants.values())
    rows = []
    for competence_id in sorted(targeted, key=lambda cid: _index_key(content.competences[cid].index)):
        competence = content.competences[competence_id]
        area = content.areas[competence.area_id]
        skill_ids = targeted[competence_id]
        competence_mask = masks.of(skill_ids)
        validated = sum((mask & competence_mask).bit_count() * count for mask, count in participants.items())
        average = Fraction(validated, participant_count) if participant_count else Fraction(0)
        rows.append({
            "competence_id": competence_id,
            "competence_index": competence.index,
            "competence_name": competence.name,
            "area_code": area.code,
            "area_color": area.color,
            "targeted_skills_count": len(skill_ids),
            "validated_skill_count": validated,
            "average_validated_skills": float(average),
            "percentage": _half_up(100 * average / len(skill_ids)),
        })
    return rows
