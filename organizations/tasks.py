import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Invitation

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, accept_url: str) -> None:
    invitation = Invitation.objects.select_related("organization").filter(
        pk=invitation_id, status=Invitation.Status.PENDING
    ).first()
    if invitation is None:
        logger.info("invitation %s no longer pending, e-mail not sent", invitation_id)
        return
    with translation.override("fr"):
        context = {
            "invitation": invitation,
            "organization": invitation.organization,
            "accept_url": accept_url,
            "validity_days": settings.INVITATION_VALIDITY_DAYS,
        }
        subject = render_to_string("organizations/email/invitation_subject.txt", context).strip()
        body = render_to_string("organizations/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
    logger.info("invitation %s sent to organization %s", invitation.pk, invitation.organization_id)
