from django.utils.translation import gettext as _

from .models import Invitation, LearnerImport, Membership, OrganizationLearner, Role


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


# More than this share of the school's active pupils leaving is most likely a wrong file.
LEAVING_WARNING_SHARE = 1 / 5


def learner_import_preview(job: LearnerImport) -> dict | None:
    """The preview of an import waiting for the administrator, the leaving pupils named from
    the base (one query); None when the import is not waiting."""
    if job is None or job.status != LearnerImport.Status.PREVIEWED:
        return None
    preview = dict(job.preview)
    preview["leaving_names"] = [
        learner.full_name + (f" ({learner.division})" if learner.division else "")
        for learner in OrganizationLearner.objects.filter(pk__in=preview.get("leaving_ids", []),
                                                          organization_id=job.organization_id)
        .only("first_name", "last_name", "division").order_by("last_name", "first_name", "pk")
    ]
    preview["warning"] = preview["leaving"] > LEAVING_WARNING_SHARE * preview["active"]
    labels = {"added": _("Ajoutés"), "updated": _("Mis à jour"),
              "leaving": _("Quittent l'établissement (désactivés, leurs résultats sont conservés)")}
    preview["rows"] = [
        {"key": key, "label": label, "count": preview[key], "names": preview[f"{key}_names"],
         "more": preview[key] - len(preview[f"{key}_names"])}
        for key, label in labels.items()
    ]
    return preview
