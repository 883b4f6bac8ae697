"""A student's writes in a campaign: join it, send the results once, try again."""

import logging
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import algorithm, badges, retries, scoring
from assessments.models import Assessment
from assessments.services import assessment_start, knowledge_reset, user_knowledge_elements
from campaigns.models import Campaign
from learning_content.repository import get_content
from lib.errors import DomainError
from organizations.learners import LearnerError, learner_for_join, learner_record_certifiability
from organizations.models import OrganizationLearner

from .models import BadgeAcquisition, CampaignParticipation, KnowledgeElementSnapshot, StageAcquisition
from .signals import participation_shared, participations_deleted

logger = logging.getLogger(__name__)

DAYS_BEFORE_RETRYING = 4
Status = CampaignParticipation.Status
DISABLED = gettext_lazy(
    "Ce parcours a été désactivé par l'organisateur. L'envoi des résultats n'est plus possible."
)


class ParticipationError(DomainError):
    """A refused joining, sending or deletion of a participation."""


def current_participation(campaign, user):
    return CampaignParticipation.objects.filter(campaign=campaign, user=user, is_improved=False).select_related(
        "assessment", "organization_learner"
    ).first()


def check_external_id(campaign, value: str) -> str:
    value = (value or "").strip()
    if not campaign.external_id_label:
        return ""
    if not value:
        raise ParticipationError(
            "MISSING_EXTERNAL_ID", _("Merci de renseigner votre %(label)s.") % {"label": campaign.external_id_label}
        )
    if len(value) > 255:
        raise ParticipationError(
            "EXTERNAL_ID_TOO_LONG",
            _("Votre %(label)s ne doit pas dépasser les 255 caractères.") % {"label": campaign.external_id_label},
        )
    if campaign.external_id_type == Campaign.ExternalIdType.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise ParticipationError("INVALID_EMAIL", _("Veuillez saisir une adresse e-mail valide.")) from None
    return value


def _start_assessment(campaign, user, *, now, is_improving=False):
    return assessment_start(
        user=user, type=Assessment.Type.CAMPAIGN, target_profile_id=campaign.target_profile_id,
        title=campaign.title or campaign.name, is_improving=is_improving,
        end_path=reverse("participations:results", args=[campaign.code]), ask_first_at=now,
    )


def can_retry(participation, *, now) -> bool:
    """§2.6: multiple sending, shared at least 4 days ago, not everything mastered yet."""
    campaign = participation.campaign
    return (
        campaign.multiple_sendings and campaign.is_accessible and participation.is_shared
        and participation.deleted_at is None
        and participation.shared_at + timedelta(days=DAYS_BEFORE_RETRYING) <= now
        and (not campaign.is_assessment or (participation.mastery_rate or 0) < 1)
    )


def can_reset(participation, *, now) -> bool:
    """§2.6 canReset ("Remettre à zéro et tout retenter"): an evaluation sent at least 4 days
    ago, with multiple sending, on a target profile whose knowledge elements may be reset, by a
    pupil still active in the school."""
    campaign = participation.campaign
    if not campaign.is_assessment:
        return False
    profile = get_content().target_profiles.get(campaign.target_profile_id)
    return (
        campaign.multiple_sendings and campaign.is_accessible and participation.is_shared
        and participation.deleted_at is None and not participation.organization_learner.is_disabled
        and profile is not None and profile.are_knowledge_elements_resettable
        and participation.shared_at + timedelta(days=DAYS_BEFORE_RETRYING) <= now
    )


def improvement_at(participation, *, now):
    """§2.5 "Je retente", before sending: the first instant (now, later, or never: None) at
    which a new test would ask again some failed skills of the campaign."""
    campaign = participation.campaign
    if participation.is_shared or not campaign.is_assessment or not campaign.is_accessible:
        return None
    if participation.assessment is None or not participation.assessment.is_completed:
        return None
    content = get_content()
    return retries.next_try_at(
        content, user_knowledge_elements(participation.user_id),
        skill_ids=content.target_profiles[campaign.target_profile_id].skill_ids, now=now,
    )


def check_division(campaign, learner) -> None:
    """« Classes autorisées »: a campaign limited to some classes lets in their pupils only."""
    if campaign.divisions and learner.division not in campaign.divisions:
        logger.info("learner %s (class %r) refused by campaign %s, limited to %r",
                    learner.pk, learner.division, campaign.pk, campaign.divisions)
        raise ParticipationError("DIVISION_NOT_ALLOWED", _(
            "Cette campagne est réservée à d'autres classes que la vôtre. Vérifiez le code avec votre "
            "enseignant."
        ))


def participation_join(*, campaign, user, external_id: str = "", retry: bool = False, reset: bool = False,
                       now):
    """Start (or resume) the user's participation, as the pupil of the school he is (§2.3).
    Joining twice returns the same participation; with multiple sending, `retry` starts a new
    one once allowed, and `reset` too, after resetting the campaign's knowledge elements
    (§2.3 check 8). A pupil whose participation was deleted cannot join again."""
    if not campaign.is_accessible:
        raise ParticipationError("CAMPAIGN_NOT_ACCESSIBLE", _("Vous n'êtes pas autorisé à rejoindre la campagne"))
    try:
        learner = learner_for_join(organization=campaign.organization, user=user)
    except LearnerError as error:
        raise ParticipationError(error.code, error.message) from None
    try:
        participation, joined = _join_locked(
            campaign=campaign, user=user, learner=learner, external_id=external_id, retry=retry, reset=reset, now=now
        )
    except IntegrityError:
        # Another request joined first (double click) by a way the pupil's lock does not
        # serialize: that one is the participation. Caught out of the transaction, which then
        # needs no savepoint of its own around the inserts (two statements per join).
        return current_participation(campaign, user)
    if joined:
        logger.info("user %s joined campaign %s", user.pk, campaign.pk)
    return participation


def _join_locked(*, campaign, user, learner, external_id, retry, reset, now):
    """participation_join under the pupil's lock: (the participation, whether it is new)."""
    with transaction.atomic():
        # The pupil's row serializes his joins: on a first join there is no participation
        # row to lock yet, and two clicks would both start a test.
        list(OrganizationLearner.objects.select_for_update().filter(pk=learner.pk).values_list("pk", flat=True))
        existing = (
            CampaignParticipation.objects.select_for_update()
            .filter(campaign=campaign, organization_learner=learner, is_improved=False).first()
        )
        if existing is None:
            # Checked for a first join only: who started before the campaign was limited goes on.
            check_division(campaign, learner)
        if existing is not None and existing.deleted_at is not None:
            raise ParticipationError("PARTICIPATION_DELETED", _("Vous ne pouvez pas repasser la campagne"))
        if existing is not None and existing.user_id != user.pk:
            raise ParticipationError("ORGANIZATION_LEARNER_HAS_ALREADY_PARTICIPATED", _(
                "Le parcours n'est pas accessible pour vous. Il y a déjà une participation associée au nom de "
                "%(name)s. Rapprochez-vous de votre enseignant pour qu'il supprime votre participation dans Pix Orga."
            ) % {"name": learner.full_name})
        if existing is not None:
            existing.campaign, existing.organization_learner = campaign, learner
        if existing is not None and not existing.is_shared:
            # Resumed, whatever was asked: a second click on "Confirmer" finds the reset done.
            return existing, False
        if reset and not (existing is not None and can_reset(existing, now=now)):
            raise ParticipationError(
                "CANNOT_RESET", _("Ce parcours ne peut pas être remis à zéro pour l'instant.")
            )
        if existing is not None and not reset and not (retry and can_retry(existing, now=now)):
            return existing, False
        if reset:
            profile = get_content().target_profiles[campaign.target_profile_id]
            knowledge_reset(user=user, skill_ids=profile.skill_ids, now=now)
        if existing is not None:
            existing.is_improved = True
            existing.save(update_fields=["is_improved"])
            external_id = existing.participant_external_id
        else:
            external_id = check_external_id(campaign, external_id)
        participation = CampaignParticipation(
            campaign=campaign, user=user, organization_learner=learner, participant_external_id=external_id,
            status=Status.STARTED if campaign.is_assessment else Status.TO_SHARE,
        )
        if campaign.is_assessment:
            participation.assessment = _start_assessment(campaign, user, now=now, is_improving=existing is not None)
        participation.save()
    return participation, True


def participation_improve(*, participation, user, now):
    """"Je retente", before sending: failed skills older than 4 days are asked again."""
    with transaction.atomic():
        # The assessment is read after the lock: a concurrent "Je retente" may have replaced
        # it, and a joined row would be the one of before the wait.
        locked = (
            CampaignParticipation.objects.select_for_update(of=("self",))
            .select_related("campaign").get(pk=participation.pk)
        )
        if locked.user_id != user.pk or locked.is_shared or not locked.campaign.is_assessment:
            raise ParticipationError("CANNOT_IMPROVE", _("Vous ne pouvez pas retenter ce parcours."))
        if not locked.campaign.is_accessible:
            raise ParticipationError("CAMPAIGN_NOT_ACCESSIBLE", DISABLED)
        if locked.assessment and not locked.assessment.is_completed:
            return locked
        # A test that would ask nothing would end at once, on the same page.
        if improvement_at(locked, now=now) != now:
            raise ParticipationError("NOTHING_TO_IMPROVE", _(
                "Aucune question ne peut encore vous être reposée : réessayez quand le délai sera écoulé."
            ))
        locked.assessment = _start_assessment(locked.campaign, user, now=now, is_improving=True)
        locked.status = Status.STARTED
        locked.save(update_fields=["assessment", "status"])
    return locked


def participation_complete(*, assessment, now) -> None:
    """The evaluation is over, in the transaction that completes it (badges §1.3): the results
    wait for "J'envoie mes résultats", the stage reached and the badges won are recorded. Run
    again (a retried completion) it changes nothing; after "Je retente" the stage is that of
    the new test and the badges it wins are added to those already won."""
    participation = CampaignParticipation.objects.select_related("campaign").filter(assessment=assessment).first()
    if participation is None:
        return
    CampaignParticipation.objects.filter(pk=participation.pk, status=Status.STARTED).update(status=Status.TO_SHARE)
    content = get_content()
    profile = content.target_profiles.get(participation.campaign.target_profile_id)
    if profile is None:
        return
    latest = algorithm.latest_per_skill(user_knowledge_elements(participation.user_id))
    validated = {
        skill_id for skill_id in profile.skill_ids
        if skill_id in latest and latest[skill_id].status == algorithm.VALIDATED
    }
    percentage = scoring.mastery_percentage(len(validated), len(profile.skill_ids))
    if profile.stages:
        reached, count = scoring.reached_stage(
            profile.stages, mastery_percentage=percentage, validated_count=len(validated),
            target_skill_levels=[content.skills[skill_id].level for skill_id in profile.skill_ids],
        )
        StageAcquisition.objects.update_or_create(participation=participation, defaults={
            "reached": reached, "stage_count": count, "mastery_percentage": percentage, "acquired_at": now,
        })
    won = [
        progress.key for progress in badges.badges_progress(
            profile.badges, validated_skill_ids=validated, target_skills=badges.profile_skills(content, profile),
        ) if progress.is_acquired
    ]
    BadgeAcquisition.objects.bulk_create(
        [BadgeAcquisition(participation=participation, badge_key=key, acquired_at=now) for key in won],
        ignore_conflicts=True,
    )
    logger.info("participation %s completed: %s %%, %s badge(s)", participation.pk, percentage, len(won))
    if participation.campaign.automatic_sharing and participation.deleted_at is None:
        # Pupils forget « J'envoie mes résultats »: this campaign sends them at once, in the
        # same transaction (a failure sends nothing and records no answer).
        logger.info("participation %s shared automatically at completion", participation.pk)
        participation_share(participation=participation, user=participation.user, now=now)


def participation_results(participation, knowledge_elements=None):
    """The figures a sending stores, from the given (or current) knowledge elements."""
    content = get_content()
    campaign = participation.campaign
    latest = algorithm.latest_per_skill(
        knowledge_elements if knowledge_elements is not None else user_knowledge_elements(participation.user_id)
    )
    validated = {skill_id for skill_id, ke in latest.items() if ke.status == algorithm.VALIDATED}
    if campaign.is_assessment:
        profile = content.target_profiles[campaign.target_profile_id]
        target = set(profile.skill_ids)
        validated_target = validated & target
        scores = scoring.competence_scores(
            content, [ke for skill_id, ke in latest.items() if skill_id in target],
            max_level=settings.MAX_REACHABLE_LEVEL,
        )
        return {
            "validated_skills_count": len(validated_target),
            "pix_score": scoring.pix_score(scores),
            "mastery_rate": scoring.mastery_rate(validated_target, target),
            "is_certifiable": None,
        }
    scores = scoring.competence_scores(content, list(latest.values()), max_level=settings.MAX_REACHABLE_LEVEL)
    pix = scoring.pix_score(scores)
    max_pix = len(content.competences) * settings.MAX_REACHABLE_LEVEL * 8
    return {
        "validated_skills_count": len(validated),
        "pix_score": pix,
        # No référentiel loaded (a fresh install) is no reason to refuse a sending.
        "mastery_rate": (Decimal(pix) / Decimal(max_pix)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if max_pix else Decimal(0),
        "is_certifiable": scoring.is_certifiable(scores),
    }


def participation_share(*, participation, user, now):
    """"J'envoie mes résultats" / "J'envoie mon profil": once. The knowledge elements of that
    instant are frozen in a snapshot and the results computed from them, in one transaction."""
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side (assessment) of the outer join.
        locked = (
            CampaignParticipation.objects.select_for_update(of=("self",))
            .select_related("campaign", "assessment").get(pk=participation.pk)
        )
        if locked.user_id != user.pk:
            raise ParticipationError("NOT_YOURS", _("Cette participation ne vous appartient pas."))
        if locked.is_shared:
            return locked
        if locked.deleted_at is not None or not locked.campaign.is_accessible:
            raise ParticipationError("CAMPAIGN_NOT_ACCESSIBLE", DISABLED)
        if locked.campaign.is_assessment and not (locked.assessment and locked.assessment.is_completed):
            raise ParticipationError("NOT_COMPLETED", _("Terminez le parcours avant d'envoyer vos résultats."))
        knowledge = user_knowledge_elements(user.pk, until=now)
        latest = algorithm.latest_per_skill(knowledge)
        KnowledgeElementSnapshot.objects.update_or_create(
            participation=locked,
            defaults={
                "snapshotted_at": now,
                "knowledge_elements": [
                    {"skill_id": ke.skill_id, "competence_id": ke.competence_id, "status": ke.status,
                     "source": ke.source, "earned_pix": ke.earned_pix, "created_at": ke.created_at.isoformat()}
                    for ke in latest.values()
                ],
            },
        )
        for field, value in participation_results(locked, knowledge).items():
            setattr(locked, field, value)
        locked.status, locked.shared_at = Status.SHARED, now
        locked.save(update_fields=[
            "status", "shared_at", "validated_skills_count", "pix_score", "mastery_rate", "is_certifiable",
        ])
        if not locked.campaign.is_assessment:
            learner_record_certifiability(
                learner_id=locked.organization_learner_id, is_certifiable=locked.is_certifiable, at=now
            )
        transaction.on_commit(lambda: participation_shared.send(sender=CampaignParticipation, participation=locked))
    logger.info("participation %s shared", locked.pk)
    return locked


def participation_delete(*, participation, membership, now) -> int:
    """"Supprimer la participation" (owner of the campaign or admin): every participation of
    that pupil in the campaign, anonymized (§2.7). Returns how many rows were deleted."""
    campaign = participation.campaign
    if not (membership.is_admin or campaign.owner_id == membership.user_id):
        raise ParticipationError("NOT_ALLOWED", _("Vous n'avez pas les droits pour supprimer cette participation."))
    if participation.deleted_at is not None:
        return 0
    with transaction.atomic():
        count = CampaignParticipation.objects.filter(
            campaign=campaign, organization_learner_id=participation.organization_learner_id, deleted_at__isnull=True
        ).anonymize(deleted_at=now, deleted_by=membership.user)
        participations_deleted.send(sender=CampaignParticipation, campaign_ids={campaign.pk}, now=now)
    logger.info("user %s deleted %s participation(s) in campaign %s", membership.user_id, count, campaign.pk)
    return count
