"""Writes on organizations: invitations and memberships.

Every function validates everything before it writes, runs in one transaction and is safe to
call twice (a double click, a retried request).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lib.errors import DomainError

from .models import Invitation, Membership, Organization, Role, hash_invitation_token

RESEND_COOLDOWN = timedelta(minutes=1)


class TeamError(DomainError):
    """A refused team action; `code` is stable for tests, `message` is shown to the user."""


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str


INVITATION_TOKEN_SALT = "organizations.invitation"


def new_invitation_token(organization_id: int) -> str:
    """256 bits from the OS's CSPRNG, signed with the school's id: once « Renvoyer » replaced
    it, the old link still tells (unforgeably) which school to ask for a new one."""
    return signing.Signer(salt=INVITATION_TOKEN_SALT).sign(f"{organization_id}.{secrets.token_urlsafe(32)}")


def invitation_token_organization_id(token: str) -> int | None:
    """The school a token of ours was issued for; None for a forged or foreign token."""
    try:
        organization_id, _random = signing.Signer(salt=INVITATION_TOKEN_SALT).unsign(token).split(".", 1)
        return int(organization_id)
    except (signing.BadSignature, ValueError):
        return None


def parse_email_list(raw: str) -> list[str]:
    """Comma (or semicolon / newline) separated addresses, trimmed, lower-cased, de-duplicated
    in their order; raises ValidationError naming every invalid one."""
    candidates = [part.strip().lower() for part in raw.replace(";", ",").replace("\n", ",").split(",")]
    emails = list(dict.fromkeys(email for email in candidates if email))
    if not emails:
        raise ValidationError(_("Veuillez saisir au moins une adresse e-mail."), code="required")
    invalid = []
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            invalid.append(email)
            continue
        # What an address may be (RFC 5321) and what the column holds.
        if len(email) > 254:
            invalid.append(email[:60] + "…")
    if invalid:
        raise ValidationError(
            _("Adresse(s) e-mail invalide(s) : %(emails)s.") % {"emails": ", ".join(invalid)},
            code="invalid",
        )
    return emails


def invitation_create(
    *, organization: Organization, emails: list[str], invited_by, now: datetime, role: str = ""
) -> list[SentInvitation]:
    """Invite each address. A pending invitation for the same address is renewed (new token,
    new sending date) rather than duplicated. Refuses the whole batch if one address already
    belongs to an active member."""
    if organization.archived_at:
        raise TeamError("organization_archived", _("Cette organisation est archivée."))
    already_members = sorted(
        Membership.objects.filter(
            organization=organization, disabled_at__isnull=True, user__email__in=emails
        ).values_list("user__email", flat=True)
    )
    if already_members:
        raise TeamError(
            "already_member",
            _("Déjà membre de l'organisation : %(emails)s.") % {"emails": ", ".join(already_members)},
        )
    sent = []
    with transaction.atomic():
        pending = {
            invitation.email: invitation
            for invitation in Invitation.objects.select_for_update().filter(
                organization=organization, email__in=emails, status=Invitation.Status.PENDING
            )
        }
        for email in emails:
            token = new_invitation_token(organization.pk)
            invitation = pending.get(email)
            if invitation is None:
                invitation = Invitation.objects.create(
                    organization=organization,
                    email=email,
                    role=role,
                    invited_by=invited_by,
                    token_hash=hash_invitation_token(token),
                    sent_at=now,
                )
            else:
                invitation.token_hash = hash_invitation_token(token)
                invitation.sent_at, invitation.mailed_at = now, None
                invitation.role = role or invitation.role
                invitation.save(update_fields=["token_hash", "sent_at", "mailed_at", "role"])
            sent.append(SentInvitation(invitation, token))
    return sent


def invitation_resend(*, invitation: Invitation, now: datetime) -> SentInvitation:
    """A new token (the old link stops working) and a new sending date."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise TeamError("not_pending", _("Cette invitation n'est plus en attente."))
        if now - invitation.sent_at < RESEND_COOLDOWN:
            raise TeamError(
                "resend_too_soon",
                _("Une invitation vient d'être envoyée à cette adresse. Réessayez dans une minute."),
            )
        token = new_invitation_token(invitation.organization_id)
        invitation.token_hash = hash_invitation_token(token)
        invitation.sent_at, invitation.mailed_at = now, None
        invitation.save(update_fields=["token_hash", "sent_at", "mailed_at"])
    return SentInvitation(invitation, token)


def invitation_renew_unmailed(*, invitation: Invitation, now: datetime) -> SentInvitation | None:
    """A new link for an invitation whose e-mail never left (only its hash was kept, so the
    first link cannot be sent any more); None if it was mailed or ended meanwhile."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(
            pk=invitation.pk, status=Invitation.Status.PENDING, mailed_at__isnull=True
        ).first()
        if invitation is None:
            return None
        token = new_invitation_token(invitation.organization_id)
        invitation.token_hash = hash_invitation_token(token)
        invitation.sent_at = now
        invitation.save(update_fields=["token_hash", "sent_at"])
    return SentInvitation(invitation, token)


def invitation_cancel(*, invitation: Invitation) -> None:
    updated = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.CANCELLED
    )
    if not updated:
        raise TeamError("not_pending", _("Cette invitation n'est plus en attente."))


def invitation_gone_error() -> TeamError:
    """A link that no invitation holds any more: replaced by « Renvoyer », or mistyped."""
    return TeamError(
        "replaced",
        _("Cette invitation n'est plus valable : une invitation plus récente a pu vous être envoyée. Utilisez le "
          "lien du dernier e-mail reçu, ou demandez à l'administrateur de l'espace Pix Orga de vous inviter à "
          "nouveau."),
    )


def invitation_check(invitation: Invitation, *, now: datetime) -> None:
    """Raises TeamError with the real Pix message when the invitation cannot be used."""
    if invitation.status == Invitation.Status.ACCEPTED:
        raise TeamError(
            "already_accepted",
            _("Cette invitation a déjà été acceptée. Connectez-vous ou contactez "
              "l'administrateur de votre espace Pix Orga."),
        )
    if invitation.status == Invitation.Status.CANCELLED:
        raise TeamError(
            "cancelled",
            _("Cette invitation n'est plus valide. Contactez l'administrateur de votre espace Pix Orga."),
        )
    if invitation.is_expired(now):
        raise TeamError(
            "expired",
            _("Cette invitation a expiré. Demandez à l'administrateur de votre espace Pix Orga "
              "de vous l'envoyer à nouveau."),
        )


def invitation_accept(*, invitation: Invitation, user, now: datetime) -> Membership:
    """Turn a pending invitation into an active membership, exactly once.

    The invitation is locked: two simultaneous accepts give one membership and one refusal.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
        )
        invitation_check(invitation, now=now)
        if (user.email or "").lower() != invitation.email.lower():
            raise TeamError(
                "wrong_email",
                _("Cette invitation a été envoyée à une autre adresse e-mail (%(email)s). "
                  "Connectez-vous avec cette adresse.") % {"email": invitation.email},
            )
        organization = invitation.organization
        membership = Membership.objects.select_for_update().filter(
            organization=organization, user=user
        ).first()
        if membership and membership.disabled_at is None:
            if invitation.role:
                membership.role = invitation.role
                membership.save(update_fields=["role", "updated_at"])
        else:
            has_members = Membership.objects.filter(
                organization=organization, disabled_at__isnull=True
            ).exists()
            role = invitation.role or (Role.MEMBER if has_members else Role.ADMIN)
            if membership is None:
                membership = Membership.objects.create(
                    organization=organization, user=user, role=role, last_accessed_at=now
                )
            else:
                membership.role = role
                membership.disabled_at = None
                membership.last_accessed_at = now
                membership.save(update_fields=["role", "disabled_at", "last_accessed_at", "updated_at"])
        invitation.status = Invitation.Status.ACCEPTED
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    return membership


def _other_admins_exist(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.ADMIN, disabled_at__isnull=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def membership_change_role(*, membership: Membership, role: str, by) -> Membership:
    if role not in Role.values:
        raise TeamError("invalid_role", _("Rôle inconnu."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Role.ADMIN and role != Role.ADMIN and not _other_admins_exist(membership):
            raise TeamError(
                "last_admin", _("L'organisation doit garder au moins un administrateur.")
            )
        membership.role = role
        membership.updated_by = by
        membership.save(update_fields=["role", "updated_by", "updated_at"])
    return membership


def membership_disable(*, membership: Membership, by, now: datetime) -> None:
    """Remove a member (or let him leave). His campaigns stay visible to the team."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.disabled_at is not None:
            return
        if membership.role == Role.ADMIN and not _other_admins_exist(membership):
            raise TeamError(
                "last_admin",
                _("Vous êtes le seul administrateur : nommez un autre administrateur avant de quitter "
                  "cet espace."),
            )
        membership.disabled_at = now
        membership.updated_by = by
        membership.save(update_fields=["disabled_at", "updated_by", "updated_at"])


def invitation_signup(*, invitation: Invitation, first_name: str, last_name: str, password: str,
                      now: datetime) -> Membership:
    """"Je m'inscris" from an invitation: the account and its membership, both or neither."""
    with transaction.atomic(durable=True):
        user = user_signup_for_invitation(
            first_name=first_name, last_name=last_name, email=invitation.email, password=password
        )
        return invitation_accept(invitation=invitation, user=user, now=now)


def user_signup_for_invitation(*, first_name: str, last_name: str, email: str, password: str):
    """Create the account of an invited teacher; refuses an address already registered."""
    from accounts.models import User

    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email, password=password, first_name=first_name, last_name=last_name
            )
    except IntegrityError:
        raise TeamError(
            "email_taken", _("Cette adresse e-mail est déjà enregistrée, connectez-vous.")
        ) from None
