"""Who may see or manage a campaign (domain rules §11.1).

Every member of the school sees every campaign of the school; only its owner or an admin
manages it. A campaign of a school the user is not a member of does not exist for him (404).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from organizations.access import SESSION_KEY
from organizations.models import Membership

from .models import Campaign


def get_campaign_for_member(request, campaign_id) -> Campaign:
    """The campaign, looked up through the user's active memberships. When it belongs to
    another of his schools, that school becomes the one he works in."""
    campaign = (
        Campaign.objects.not_deleted()
        .select_related("owner", "target_profile", "organization")
        .filter(pk=campaign_id, organization__memberships__user=request.user,
                organization__memberships__disabled_at__isnull=True)
        .first()
    )
    if campaign is None:
        raise Http404
    if campaign.organization_id != request.organization.pk:
        membership = Membership.objects.active().select_related("organization").get(
            organization_id=campaign.organization_id, user=request.user
        )
        request.session[SESSION_KEY] = membership.organization_id
        request.membership, request.organization = membership, membership.organization
    return campaign


def can_manage(membership: Membership, campaign: Campaign) -> bool:
    return membership.is_admin or campaign.owner_id == membership.user_id


def get_campaign_to_manage(request, campaign_id) -> Campaign:
    campaign = get_campaign_for_member(request, campaign_id)
    if not can_manage(request.membership, campaign):
        raise PermissionDenied
    return campaign
