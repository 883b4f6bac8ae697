"""Pix, levels and certifiability (domain rules §6), mastery rate, stages and stars (§7.1-7.2).

Pure functions over plain values: knowledge elements in, numbers out. Campaign results use the
capped values, as Pix's exports do.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PIX_COUNT_BY_LEVEL = 8
MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY = 1
MINIMUM_CERTIFIABLE_COMPETENCES_FOR_CERTIFIABILITY = 5
MASTERY_RATE_QUANTUM = Decimal("0.0001")
# Skill pix values are 8 ÷ n: their float sum may fall just under a whole pix (six × 8/6 is
# 7.999…), which flooring would turn into a lost pix or level.
RAW_PIX_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class CompetenceScore:
    competence_id: str
    pix: int           # floor(raw), capped at max_level * 8
    level: int         # floor(raw / 8), capped at max_level
    pix_in_level: int  # pix % 8 (progress towards the next level), 0 when capped at max level
    raw_pix: float = 0.0  # uncapped sum of the earned pix

    @property
    def is_certifiable(self):
        return self.level >= MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY


def competence_score(competence_id: str, raw_pix: float, *, max_level: int) -> CompetenceScore:
    raw = round(raw_pix, RAW_PIX_DECIMALS)
    pix = min(math.floor(raw), max_level * PIX_COUNT_BY_LEVEL)
    level = min(math.floor(raw / PIX_COUNT_BY_LEVEL), max_level)
    return CompetenceScore(
        competence_id=competence_id, pix=pix, level=level, pix_in_level=pix % PIX_COUNT_BY_LEVEL,
        raw_pix=raw_pix,
    )


def competence_scores(content, knowledge_elements, *, max_level: int) -> dict[str, CompetenceScore]:
    """§6 per competence for all the competences of content, in index order (0 for untouched
    ones); input = latest KEs. Only validated KEs carry pix."""
    earned: dict[str, list[float]] = {}
    for element in knowledge_elements:
        earned.setdefault(element.competence_id, []).append(element.earned_pix)
    return {
        competence.id: competence_score(
            competence.id, math.fsum(earned.get(competence.id, ())), max_level=max_level,
        )
        for competence in content.competences_in_order()
    }


def _values(scores: Mapping[str, CompetenceScore] | Iterable[CompetenceScore]):
    return scores.values() if isinstance(scores, Mapping) else scores


def pix_score(scores) -> int:
    return sum(score.pix for score in _values(scores))


def certifiable_competence_count(scores) -> int:
    return sum(1 for score in _values(scores) if score.is_certifiable)


def is_certifiable(scores) -> bool:
    return certifiable_competence_count(scores) >= MINIMUM_CERTIFIABLE_COMPETENCES_FOR_CERTIFIABILITY


def mastery_rate(validated_skill_ids: Iterable[str], target_skill_ids: Iterable[str]) -> Decimal:
    """Validated target skills ÷ target skills, 0..1 with 4 decimals; 0 without target skills."""
    targets = set(target_skill_ids)
    if not targets:
        return Decimal(0).quantize(MASTERY_RATE_QUANTUM)
    validated = len(targets.intersection(validated_skill_ids))
    return (Decimal(validated) / Decimal(len(targets))).quantize(MASTERY_RATE_QUANTUM, rounding=ROUND_HALF_UP)


def round_half_up(numerator: int, denominator: int) -> int:
    # Pix rounds with JavaScript's Math.round; Python's round() would send 12.5 to 12.
    return (2 * numerator + denominator) // (2 * denominator)


def mastery_percentage(validated_count: int, target_count: int) -> int:
    """Pix's integer `masteryPercentage`: Math.round(validated × 100 / target skills), what
    stages and badges compare with their thresholds."""
    return round_half_up(100 * validated_count, target_count) if target_count else 0


def stage_thresholds(stages, target_skill_levels: Iterable[int]) -> list[int | None]:
    """Each stage's threshold in %, in the order given: a level stage becomes the share of the
    target skills at or below its level (§7.1); the « premier acquis » stage has none."""
    levels = list(target_skill_levels)

    def threshold(stage):
        if getattr(stage, "is_first_skill", False):
            return None
        if stage.threshold is not None:
            return stage.threshold
        if not levels:
            return 0
        return round_half_up(100 * sum(1 for level in levels if level <= stage.level), len(levels))

    return [threshold(stage) for stage in stages]


def reached_stage(stages, *, mastery_percentage: int, validated_count: int, target_skill_levels) -> tuple[int, int]:
    """(reached index 1-based like Pix `reachedStage`, total stages); (0, 0) without stages.
    The index counts in Pix's order (zero stage, « premier acquis », then by value). The zero stage is
    always reached, the first-skill one with one validated skill, the others when their
    threshold is at most the integer mastery percentage. Stars = reached - 1 out of total - 1."""
    if not stages:
        return 0, 0
    reached = 0
    if validated_count:
        for index, threshold in enumerate(sorted(stage_thresholds(stages, target_skill_levels), key=_pix_order)):
            if threshold is None or threshold <= mastery_percentage:
                reached = index
    return reached + 1, len(stages)


def _pix_order(threshold):
    if threshold is None:
        return (1, 0)
    return (0, 0) if threshold == 0 else (2, threshold)


def progression(tested_target_skill_count: int, target_skill_count: int, *, completed: bool) -> float:
    """§6 "% de progression" as a fraction: 1 once completed, else the share of target skills tested."""
    if completed:
        return 1.0
    if not target_skill_count:
        return 0.0
    return min(1.0, tested_target_skill_count / target_skill_count)
