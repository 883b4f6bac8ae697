"""Reads of the student's campaign pages."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from assessments import algorithm, retries, scoring
from assessments.selectors import profile_from_knowledge, started_competence_evaluations
from assessments.services import user_knowledge_elements
from learning_content.repository import get_content

from .models import CampaignParticipation
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


def evaluation_results(participation) -> dict:
    """The end page of an evaluation: mastery, stars, and per competence."""
    content = get_content()
    profile = content.target_profiles[participation.campaign.target_profile_id]
    latest = algorithm.latest_per_skill(knowledge_of(participation))
    target = set(profile.skill_ids)
    validated = {skill_id for skill_id in target if skill_id in latest and latest[skill_id].status == algorithm.VALIDATED}
    rate = scoring.mastery_rate(validated, target)
    levels = [content.skills[skill_id].level for skill_id in profile.skill_ids]
    reached, total = scoring.reached_stage(
        profile.stages, mastery_rate=rate, validated_count=len(validated), target_skill_levels=levels
    ) if profile.stages else (0, 0)
    # Stages come sorted by threshold (or level) from the référentiel, as `reached` counts them.
    stage = profile.stages[reached - 1] if reached else None
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
        "stars": max(reached - 1, 0),
        "total_stars": max(total - 1, 0),
        "star_range": range(max(total - 1, 0)),
        "stage": stage,
        "competences": competences,
        "failed_count": sum(1 for skill_id in target if skill_id in latest and latest[skill_id].status != algorithm.VALIDATED),
    }


def profile_of(participation) -> dict:
    return profile_from_knowledge(get_content(), knowledge_of(participation), max_level=settings.MAX_REACHABLE_LEVEL)


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
