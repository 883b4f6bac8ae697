"""Who may see what in the teacher space (Pix Orga).

The current organization is the one chosen with "Changer d'organisation" (kept in the
session), or the user's first active membership. Every object of the teacher space is looked
up *through* the current organization, so another school's object is a 404, never a 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .models import Invitation, Membership

SESSION_KEY = "orga_organization_id"


def current_membership(request) -> Membership | None:
    """The active membership of the signed-in user in the organization he works in."""
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_orga_membership"):
        memberships = Membership.objects.active().filter(user=request.user).select_related("organization")
        wanted = request.session.get(SESSION_KEY)
        membership = None
        if wanted is not None:
            membership = memberships.filter(organization_id=wanted).first()
        if membership is None:
            membership = memberships.order_by("organization__name", "pk").first()
        request._orga_membership = membership
    return request._orga_membership


def orga_member_required(view):
    """Teacher-space views: signed in, with an active membership. Sets request.membership and
    request.organization."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("orga:login"))
        membership = current_membership(request)
        if membership is None:
            return render(request, "organizations/access_denied.html", status=403)
        request.membership = membership
        request.organization = membership.organization
        return view(request, *args, **kwargs)

    return wrapper


def orga_admin_required(view):
    @orga_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_membership_in_organization(request, membership_id) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"),
        pk=membership_id,
        organization=request.organization,
        disabled_at__isnull=True,
    )


def get_invitation_in_organization(request, invitation_id) -> Invitation:
    return get_object_or_404(
        Invitation, pk=invitation_id, organization=request.organization, status=Invitation.Status.PENDING
    )
