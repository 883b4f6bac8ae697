"""Writes on campaigns. Each function validates everything first and writes in one
transaction."""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from organizations.models import Membership

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
    multiple_sendings: bool = False, code_generator=generate_code,
) -> Campaign:
    """Create a campaign with a fresh code. A drawn code already taken is drawn again (the
    unique constraint decides, so two concurrent creations can never share a code)."""
    if not Membership.objects.active().filter(organization=organization, user=creator).exists():
        raise CampaignError("MISSING_CREATOR", _("Vous n'êtes pas membre de cette organisation."))
    _check_owner(organization, owner)
    if not name.strip():
        raise CampaignError("CAMPAIGN_NAME_IS_REQUIRED", _("Veuillez donner un nom à votre campagne."), "name")
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
        target_profile, title = None, ""
    if len(title) > 50:
        raise CampaignError("CAMPAIGN_TITLE_IS_TOO_LONG", _("Le titre de la campagne est trop long."), "title")
    if len(custom_landing_page_text) > 5000:
        raise CampaignError(
            "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG",
            _("Le texte de la page d'accueil ne doit pas dépasser 5000 caractères."), "custom_landing_page_text",
        )
    external_id_label = external_id_label.strip()
    if external_id_label and external_id_type not in Campaign.ExternalIdType.values:
        raise CampaignError(
            "MISSING_ID_PIX_TYPE", _("Veuillez préciser le type de l'identifiant externe."), "external_id_type"
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
                    multiple_sendings=multiple_sendings, code=code,
                )
        except IntegrityError:
            if not Campaign.objects.filter(code=code).exists():
                raise
            logger.warning("campaign code %s already taken, drawing another one", code)
    raise CampaignError("CODE_UNAVAILABLE", _("Une erreur est survenue. Veuillez réessayer ultérieurement."))
