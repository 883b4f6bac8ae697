"""Invitations and their e-mail as one write: the invitation rows and the messages that carry
their links are committed together (the token exists only in the message)."""

from django.db import transaction

from . import services
from .tasks import enqueue_invitation_emails


def invitations_send(*, organization, emails: list[str], invited_by, now, origin: str, role: str = ""):
    """« Inviter »: each address invited (services.invitation_create), its e-mail sent once
    the transaction commits, with links to `origin` (the site's address). Not durable: the
    admin's form calls it inside its own transaction."""
    with transaction.atomic():
        sent = services.invitation_create(
            organization=organization, emails=emails, invited_by=invited_by, now=now, role=role
        )
        enqueue_invitation_emails(origin, sent)
    return sent


def invitation_send_again(*, invitation, now, origin: str):
    """« Renvoyer l'invitation »: a new link, by e-mail."""
    with transaction.atomic(durable=True):
        sent = services.invitation_resend(invitation=invitation, now=now)
        enqueue_invitation_emails(origin, [sent])
    return sent
