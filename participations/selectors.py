"""Reads of the student's campaign pages."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from assessments import algorithm, badges, retries, scoring
from assessments.selectors import profile_from_knowledge, started_competence_evaluations
from assessments.services import user_knowledge_elements
from learning_content.repository import get_content

from .models import BadgeAcquisition, CampaignParticipation, StageAcquisition
from .services import DAYS_BEFORE_RETRYING, can_reset, can_retry, improvement_at


def knowledge_from_snapshot(items) -> list[algorithm.KnowledgeElement]:
    """The knowledge elements of a snapshot's JSON."""
    return [
        algorithm.KnowledgeElement(
            skill_id=item["skill_id"], status=item["status"], source=item["source"], earned_pix=item["earned_pix"],
            competence_id=item["competence_id"],
        )
        for item in items
    ]


def snapshot_knowledge_elements(participation) -> list[algorithm.KnowledgeElement]:
    return knowledge_from_snapshot(participation.snapshot.knowledge_elements)


def knowledge_of(participation) -> list[algorithm.KnowledgeElement]:
    """What the participation shows: the frozen snapshot once sent, the live state before."""
    if participation.is_shared:
        return snapshot_knowledge_elements(participation)
    return user_knowledge_elements(participation.user_id)


def stored_stars(profile, acquisition) -> dict | None:
    """The stars of the stage stored at completion (§7.2: the zero stage is no star)."""
    if not profile.stages or acquisition is None:
        return None
    total = acquisition.stage_count - 1
    return {
        "count": acquisition.reached - 1, "total": total, "range": range(total),
        "stage": profile.stages[min(acquisition.reached, len(profile.stages)) - 1],
    }


def stage_acquisition_of(participation):
    try:
        return participation.stage_acquisition
    except StageAcquisition.DoesNotExist:
        return None


def rewards(profile, *, acquired_keys, progress) -> dict:
    """« Récompenses » (badges §1.5): every badge won, and the always-visible ones not won with
    their progress; certifiable badges first."""
    def certifiable_first(items):
        return sorted(items, key=lambda item: not item["badge"].is_certifiable)

    return {
        "won": certifiable_first(
            {"badge": badge, "percentage": 100} for badge in profile.badges if badge.key in acquired_keys
        ),
        "not_won": certifiable_first(
            {"badge": badge, "percentage": progress[badge.key].percentage}
            for badge in profile.badges if badge.key not in acquired_keys and badge.is_always_visible
        ),
    }


def evaluation_results(participation) -> dict:
    """The end page of an evaluation: mastery, the stage and badges stored at completion, and
    the results per competence."""
    content = get_content()
    profile = content.target_profiles[participation.campaign.target_profile_id]
    latest = algorithm.latest_per_skill(knowledge_of(participation))
    target = set(profile.skill_ids)
    validated = {
        skill_id for skill_id in target if skill_id in latest and latest[skill_id].status == algorithm.VALIDATED
    }
    rate = scoring.mastery_rate(validated, target)
    stars = stored_stars(profile, stage_acquisition_of(participation))
    acquired = set(BadgeAcquisition.objects.filter(participation=participation).values_list("badge_key", flat=True))
    progress = {
        item.key: item for item in badges.badges_progress(
            profile.badges, validated_skill_ids=validated, target_skills=badges.profile_skills(content, profile),
        )
    }
    competences = []
    for competence in content.competences_in_order():
        skills = [skill_id for skill_id in profile.skill_ids if content.skills[skill_id].competence_id == competence.id]
        if skills:
            mastered = sum(1 for skill_id in skills if skill_id in validated)
            competences.append({
                "competence": competence, "area": content.areas[competence.area_id],
                "percent": round(100 * mastered / len(skills)),
            })
    return {
        "mastery_percent": round(rate * 100),
        "stars": stars["count"] if stars else 0,
        "total_stars": stars["total"] if stars else 0,
        "star_range": stars["range"] if stars else range(0),
        "stage": stars["stage"] if stars else None,
        "rewards": rewards(profile, acquired_keys=acquired, progress=progress),
        # Pix Orga shows every badge, won or not.
        "badges": [
            {"badge": badge, "acquired": badge.key in acquired, "percentage": progress[badge.key].percentage}
            for badge in profile.badges
        ],
        "competences": competences,
        "failed_count": sum(
            1 for skill_id in target if skill_id in latest and latest[skill_id].status != algorithm.VALIDATED
        ),
    }


def profile_of(participation) -> dict:
    return profile_from_knowledge(
        get_content(), knowledge_of(participation), max_level=settings.MAX_REACHABLE_LEVEL
    )


def student_participations(user):
    return (
        CampaignParticipation.objects.filter(user=user, is_improved=False, deleted_at__isnull=True)
        .select_related("campaign", "campaign__organization", "assessment")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class Offer:
    """A new try: available now, or in `days` days."""

    available: bool
    days: int = 0


def next_tries(participation, *, now) -> dict:
    """What the end page of an evaluation offers: "Je retente" before sending (when it would
    ask something), "Repasser mon parcours" and "Remettre à zéro et tout retenter" after."""
    improve_at = improvement_at(participation, now=now)
    wait = None
    if participation.is_shared:
        allowed_at = participation.shared_at + timedelta(days=DAYS_BEFORE_RETRYING)
        later = can_retry(participation, now=allowed_at) or can_reset(participation, now=allowed_at)
        if now < allowed_at and later:
            wait = retries.days_until(allowed_at, now)
    return {
        "improve": Offer(improve_at == now, retries.days_until(improve_at, now)) if improve_at else None,
        "can_retry": can_retry(participation, now=now),
        "can_reset": can_reset(participation, now=now),
        "retry_in_days": wait,
    }


def student_dashboard(user) -> dict:
    """The signed-in pupil's « Accueil » (features §B.12): the parcours to resume, the results
    still to send, his profile and the competences he began. Three queries, whatever he did."""
    content = get_content()
    pending = list(
        student_participations(user).filter(
            status__in=[CampaignParticipation.Status.STARTED, CampaignParticipation.Status.TO_SHARE],
            campaign__archived_at__isnull=True, campaign__deleted_at__isnull=True,
        )
    )
    profile = profile_from_knowledge(
        content, user_knowledge_elements(user.pk), max_level=settings.MAX_REACHABLE_LEVEL
    )
    started = started_competence_evaluations(user.pk)
    return {
        "to_resume": [item for item in pending if item.status == CampaignParticipation.Status.STARTED],
        "to_send": [item for item in pending if item.status == CampaignParticipation.Status.TO_SHARE],
        "profile": profile,
        "competences_started": [
            {"competence": content.competences[competence_id], "assessment_id": assessment_id,
             "score": profile["scores"][competence_id]}
            for competence_id, assessment_id in started.items() if competence_id in content.competences
        ],
    }
