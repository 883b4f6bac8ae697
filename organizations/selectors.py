from .models import Invitation, Membership, Role


def team_members(organization):
    return (
        Membership.objects.filter(organization=organization, disabled_at__isnull=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def pending_invitations(organization):
    return Invitation.objects.filter(
        organization=organization, status=Invitation.Status.PENDING
    ).order_by("-sent_at", "pk")


def user_memberships(user):
    return Membership.objects.active().filter(user=user).select_related("organization").order_by(
        "organization__name"
    )


def organization_admins(organization_id):
    """Whom a person is told to ask for an invitation: the school's active administrators."""
    return (
        Membership.objects.active().filter(organization_id=organization_id, role=Role.ADMIN)
        .select_related("user", "organization").order_by("user__last_name", "user__first_name", "pk")
    )
