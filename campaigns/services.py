"""Writes on campaigns. Each function validates everything first and writes in one
transaction."""

import logging

from django.db import IntegrityError, transaction

from organizations.models import Membership

from .codes import generate_code
from .errors import CampaignError
from .models import Campaign
from .signals import campaigns_deleted

logger = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 20


def _check_owner(organization, owner):
    if not Membership.objects.active().filter(organization=organization, user=owner).exists():
        raise CampaignError("OWNER_NOT_IN_ORGANIZATION", field="owner")


def campaign_create(
    *, organization, creator, owner, name: str, type: str, target_profile=None, title: str = "",
    custom_landing_page_text: str = "", external_id_label: str = "", external_id_type: str = "",
    multiple_sendings: bool = False, automatic_sharing: bool = False, code_generator=generate_code,
) -> Campaign:
    """Create a campaign with a fresh code. A drawn code already taken is drawn again (the
    unique constraint decides, so two concurrent creations can never share a code)."""
    if not Membership.objects.active().filter(organization=organization, user=creator).exists():
        raise CampaignError("MISSING_CREATOR")
    _check_owner(organization, owner)
    _check_texts(name=name, title=title, custom_landing_page_text=custom_landing_page_text)
    if type not in Campaign.Type.values:
        raise CampaignError("CAMPAIGN_PURPOSE_IS_REQUIRED", field="type")
    if type == Campaign.Type.ASSESSMENT and (target_profile is None or target_profile.is_outdated):
        raise CampaignError("TARGET_PROFILE_IS_REQUIRED", field="target_profile")
    if type == Campaign.Type.PROFILES_COLLECTION:
        # A profile is sent by the pupil when he chooses: there is no test to finish.
        target_profile, title, automatic_sharing = None, "", False
    external_id_label = external_id_label.strip()
    if external_id_label and external_id_type not in Campaign.ExternalIdType.values:
        raise CampaignError("MISSING_ID_PIX_TYPE", field="external_id_type")
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
    raise CampaignError("CODE_UNAVAILABLE")


def _check_texts(*, name: str, title: str, custom_landing_page_text: str):
    if not name.strip():
        raise CampaignError("CAMPAIGN_NAME_IS_REQUIRED", field="name")
    if len(title.strip()) > 50:
        raise CampaignError("CAMPAIGN_TITLE_IS_TOO_LONG", field="title")
    if len(custom_landing_page_text.strip()) > 5000:
        raise CampaignError("CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG", field="custom_landing_page_text")


def campaign_update(
    *, campaign: Campaign, name: str, owner, title: str = "", custom_landing_page_text: str = ""
) -> Campaign:
    """"Modifier": name, owner, title and landing text. The type, the parcours, the external
    id and the multiple sending are fixed once the campaign exists."""
    if campaign.archived_at is not None:
        raise CampaignError("CAMPAIGN_ARCHIVED")
    _check_owner(campaign.organization, owner)
    _check_texts(name=name, title=title, custom_landing_page_text=custom_landing_page_text)
    campaign.name = name.strip()
    campaign.owner = owner
    campaign.title = title.strip() if campaign.is_assessment else ""
    campaign.custom_landing_page_text = custom_landing_page_text.strip()
    campaign.save(update_fields=["name", "owner", "title", "custom_landing_page_text"])
    return campaign


def campaign_restrict(*, campaign: Campaign, divisions: list[str], school_divisions: list[str]) -> Campaign:
    """"Classes autorisées": only the pupils of these classes may join; none, every pupil of the
    school. Only a school that manages its pupils has classes."""
    if campaign.archived_at is not None:
        raise CampaignError("CAMPAIGN_ARCHIVED")
    if not campaign.organization.is_managing_students:
        raise CampaignError("NOT_MANAGING_STUDENTS")
    unknown = sorted(set(divisions) - set(school_divisions))
    if unknown:
        logger.info("campaign %s: no classes %r to limit it to", campaign.pk, unknown)
        raise CampaignError("UNKNOWN_DIVISION", field="divisions", classes=", ".join(unknown))
    campaign.divisions = sorted(set(divisions))
    campaign.save(update_fields=["divisions"])
    logger.info("campaign %s limited to classes %r", campaign.pk, campaign.divisions)
    return campaign


def campaign_archive(*, campaign: Campaign, by, now) -> Campaign:
    # Conditional UPDATE: two clicks archive once and keep the first author and date.
    updated = Campaign.objects.filter(pk=campaign.pk, archived_at__isnull=True).update(archived_at=now, archived_by=by)
    if not updated:
        raise CampaignError("CAMPAIGN_ALREADY_ARCHIVED")
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
        raise CampaignError("NO_CAMPAIGN_SELECTED")
    with transaction.atomic(durable=True):
        campaigns = list(
            Campaign.objects.select_for_update().filter(pk__in=ids, organization=organization, deleted_at__isnull=True)
        )
        if len(campaigns) != len(ids):
            raise CampaignError("CAMPAIGN_NOT_FOUND")
        if not membership.is_admin and any(c.owner_id != membership.user_id for c in campaigns):
            raise CampaignError("NOT_OWNER")
        Campaign.objects.filter(pk__in=ids).update(deleted_at=now, deleted_by=membership.user)
        campaigns_deleted.send(sender=Campaign, campaign_ids=ids, by=membership.user, now=now)
    logger.info("user %s deleted campaigns %s", membership.user_id, sorted(ids))
    return len(ids)
