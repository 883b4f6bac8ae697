"""Badges (« résultats thématiques »), as Pix computes them at completion (badges §1.2).

Pure: plain values in, plain values out. A criterion covers skills of the parcours (all of
them, or those of some tubes up to a level); it is met when the integer mastery of those
skills reaches its threshold; a badge is won when all its criteria are met.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .scoring import mastery_percentage, round_half_up

CAMPAIGN_PARTICIPATION = "CampaignParticipation"
CAPPED_TUBES = "CappedTubes"


@dataclass(frozen=True, slots=True)
class BadgeProgress:
    key: str
    is_acquired: bool
    # Pix's `acquisitionPercentage`: the rounded mean of the criteria's percentages.
    percentage: int


def profile_skills(content, profile) -> dict[str, tuple[str, int]]:
    """The parcours' skills as criteria read them: skill id → (tube id, level)."""
    skills = content.skills
    return {skill_id: (skills[skill_id].tube_id, skills[skill_id].level) for skill_id in profile.skill_ids}


def criterion_skill_ids(criterion, target_skills: Mapping[str, tuple[str, int]]) -> frozenset[str]:
    """target_skills: skill id → (tube id, level) for the parcours' skills."""
    if criterion.scope == CAMPAIGN_PARTICIPATION:
        return frozenset(target_skills)
    caps = dict(criterion.capped_tubes)
    return frozenset(
        skill_id for skill_id, (tube_id, level) in target_skills.items()
        if tube_id in caps and level <= caps[tube_id]
    )


def criterion_percentage(mastery: int, threshold: int) -> int:
    """min(100, round(mastery ÷ threshold × 100)): 100 means the criterion is met."""
    if threshold <= 0:
        return 100
    return min(100, round_half_up(100 * mastery, threshold))


def badge_progress(badge, *, validated_skill_ids: Iterable[str],
                   target_skills: Mapping[str, tuple[str, int]]) -> BadgeProgress:
    validated = set(validated_skill_ids)
    percentages = []
    for criterion in badge.criteria:
        skill_ids = criterion_skill_ids(criterion, target_skills)
        # Pix drops a criterion left without skills (a tube the parcours no longer holds).
        if not skill_ids:
            continue
        mastery = mastery_percentage(len(skill_ids & validated), len(skill_ids))
        percentages.append(criterion_percentage(mastery, criterion.threshold))
    if not percentages:
        # A badge with nothing left to measure is not given away.
        return BadgeProgress(badge.key, False, 0)
    return BadgeProgress(
        key=badge.key,
        is_acquired=all(percentage == 100 for percentage in percentages),
        percentage=round_half_up(sum(percentages), len(percentages)),
    )


def badges_progress(badges, *, validated_skill_ids, target_skills) -> list[BadgeProgress]:
    validated = frozenset(validated_skill_ids)
    return [badge_progress(badge, validated_skill_ids=validated, target_skills=target_skills) for badge in badges]
