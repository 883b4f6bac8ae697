"""Writes on campaigns. Each function validates everything first and writes in one
transaction."""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from organizations.models import Membership
from participations.models import CampaignParticipation
from participations.signals import participations_deleted

from .codes import generate_code
from .models import Campaign

logger = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 20


class CampaignError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def _check_owner(organization, owner):
    if not Membership.objects.active().filter(organization=organization, user=owner).exists():
        raise CampaignError(
            "OWNER_NOT_IN_ORGANIZATION", _("Le propriétaire ne fait pas partie de l'organisation."), "owner"
        )


def campaign_create(
    *, organization, creator, owner, name: str, type: str, target_profile=None, title: str = "",
    custom_landing_page_text: str = "", external_id_label: str = "", external_id_type: str = "",
    multiple_sendings: bool = False, automatic_sharing: bool = False, code_generator=generate_code,
) -> Campaign:
    """Create a campaign with a fresh code. A drawn code already taken is drawn again (the
    unique constraint decides, so two concurrent creations can never share a code)."""
    if not Membership.objects.active().filter(organization=organization, user=creator).exists():
        raise CampaignError("MISSING_CREATOR", _("Vous n'êtes pas membre de cette organisation."))
    _check_owner(organization, owner)
    _check_texts(name=name, title=title, custom_landing_page_text=custom_landing_page_text)
    if type not in Campaign.Type.values:
        raise CampaignError(
            "CAMPAIGN_PURPOSE_IS_REQUIRED",
            _("Veuillez choisir l'objectif de votre campagne : Évaluation ou Collecte de profils."), "type",
        )
    if type == Campaign.Type.ASSESSMENT and (target_profile is None or target_profile.is_outdated):
        raise CampaignError(
            "TARGET_PROFILE_IS_REQUIRED", _("Veuillez sélectionner un parcours pour votre campagne."), "target_profile"
        )
    if type == Campaign.Type.PROFILES_COLLECTION:
        # A profile is sent by the pupil when he chooses: there is no test to finish.
        target_profile, title, automatic_sharing = None, "", False
    external_id_label = external_id_label.strip()
    if external_id_label and external_id_type not in Campaign.ExternalIdType.values:
        raise CampaignError(
            "MISSING_ID_PIX_TYPE", _("Veuillez sélectionner un type d'identifiant externe."), "external_id_type"
        )
    for _attempt in range(MAX_CODE_ATTEMPTS):
        code = code_generator()
        try:
            with transaction.atomic():
                return Campaign.objects.create(
                    organization=organization, creator=creator, owner=owner, name=name.strip(), type=type,
                    target_profile=target_profile, title=title.strip(),
                    custom_landing_page_text=custom_landing_page_text.strip(),
                    external_id_label=external_id_label,
                    external_id_type=external_id_type if external_id_label else "",
                    multiple_sendings=multiple_sendings, automatic_sharing=automatic_sharing, code=code,
                )
        except IntegrityError:
            if not Campaign.objects.filter(code=code).exists():
                raise
            logger.warning("campaign code %s already taken, drawing another one", code)
    raise CampaignError("CODE_UNAVAILABLE", _("Une erreur est survenue. Veuillez réessayer ultérieurement."))


def _check_texts(*, name: str, title: str, custom_landing_page_text: str):
    if not name.strip():
        raise CampaignError("CAMPAIGN_NAME_IS_REQUIRED", _("Veuillez donner un nom à votre campagne."), "name")
    if len(title.strip()) > 50:
        raise CampaignError("CAMPAIGN_TITLE_IS_TOO_LONG", _("Le titre de la campagne est trop long."), "title")
    if len(custom_landing_page_text.strip()) > 5000:
        raise CampaignError(
            "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG",
            _("Le texte de la page d'accueil ne doit pas dépasser 5000 caractères."), "custom_landing_page_text",
        )


def campaign_update(
    *, campaign: Campaign, name: str, owner, title: str = "", custom_landing_page_text: str = ""
) -> Campaign:
    """"Modifier": name, owner, title and landing text. The type, the parcours, the external
    id and the multiple sending are fixed once the campaign exists."""
    if campaign.archived_at is not None:
        raise CampaignError("CAMPAIGN_ARCHIVED", _("Une campagne archivée ne peut pas être modifiée."))
    _check_owner(campaign.organization, owner)
    _check_texts(name=name, title=title, custom_landing_page_text=custom_landing_page_text)
    campaign.name = name.strip()
    campaign.owner = owner
    campaign.title = title.strip() if campaign.is_assessment else ""
    campaign.custom_landing_page_text = custom_landing_page_text.strip()
    campaign.save(update_fields=["name", "owner", "title", "custom_landing_page_text"])
    return campaign


def campaign_archive(*, campaign: Campaign, by, now) -> Campaign:
    # Conditional UPDATE: two clicks archive once and keep the first author and date.
    updated = Campaign.objects.filter(pk=campaign.pk, archived_at__isnull=True).update(archived_at=now, archived_by=by)
    if not updated:
        raise CampaignError("CAMPAIGN_ALREADY_ARCHIVED", _("Cette campagne est déjà archivée."))
    campaign.archived_at, campaign.archived_by = now, by
    return campaign


def campaign_unarchive(*, campaign: Campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(archived_at=None, archived_by=None)
    campaign.archived_at = campaign.archived_by = None
    return campaign


def campaigns_delete(*, organization, campaign_ids, membership, now) -> int:
    """Soft-delete campaigns and every participation in them (anonymized: no user, no
    external id). All of them or none: each must belong to the school, and the user must be
    an admin or the owner of every one."""
    ids = set(campaign_ids)
    if not ids:
        raise CampaignError("NO_CAMPAIGN_SELECTED", _("Veuillez sélectionner au moins une campagne."))
    with transaction.atomic():
        campaigns = list(
            Campaign.objects.select_for_update().filter(pk__in=ids, organization=organization, deleted_at__isnull=True)
        )
        if len(campaigns) != len(ids):
            raise CampaignError("CAMPAIGN_NOT_FOUND", _("Une des campagnes sélectionnées n'existe pas ou plus."))
        if not membership.is_admin and any(c.owner_id != membership.user_id for c in campaigns):
            raise CampaignError(
                "NOT_OWNER",
                _("Vous ne pouvez supprimer que les campagnes dont vous êtes propriétaire."),
            )
        CampaignParticipation.objects.filter(campaign_id__in=ids, deleted_at__isnull=True).update(
            deleted_at=now, deleted_by=membership.user, user=None, participant_external_id=""
        )
        Campaign.objects.filter(pk__in=ids).update(deleted_at=now, deleted_by=membership.user)
        participations_deleted.send(sender=Campaign, campaign_ids=ids, now=now)
    logger.info("user %s deleted campaigns %s", membership.user_id, sorted(ids))
    return len(ids)
