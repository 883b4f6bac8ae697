import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lib.heartbeat import orphaned
from lib.queue import LOST_AFTER, send, send_on_commit

from .learner_import import MAX_ATTEMPTS as IMPORT_ATTEMPTS
from .learner_import import STALE_AFTER as IMPORT_STALE
from .learner_import import run_learner_import
from .learner_logins import generate_learner_logins, login_files_expire, login_jobs_lost
from .models import Invitation, LearnerImport, hash_invitation_token
from .services import invitation_renew_unmailed

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, origin: str, token: str) -> None:
    invitation = Invitation.objects.select_related("organization").filter(
        pk=invitation_id, status=Invitation.Status.PENDING, token_hash=hash_invitation_token(token)
    ).first()
    if invitation is None:
        logger.info("invitation %s no longer pending or given a new link, e-mail not sent", invitation_id)
        return
    with translation.override("fr"):
        context = {
            "invitation": invitation,
            "organization": invitation.organization,
            "accept_url": origin + reverse("orga:invitation", args=[token]),
            "validity_days": settings.INVITATION_VALIDITY_DAYS,
        }
        subject = render_to_string("organizations/email/invitation_subject.txt", context).strip()
        body = render_to_string("organizations/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
    Invitation.objects.filter(pk=invitation.pk, token_hash=invitation.token_hash).update(mailed_at=timezone.now())
    logger.info("invitation %s sent to organization %s", invitation.pk, invitation.organization_id)


def enqueue_invitation_emails(origin: str, sent) -> None:
    """Send each (re)issued invitation once the transaction commits. The token exists only
    here, never in the database; the site's address is kept for the sweep, which sends a new
    link if this message never reaches a worker."""
    Invitation.objects.filter(pk__in=[item.invitation.pk for item in sent]).update(link_origin=origin)
    for item in sent:
        send_on_commit(send_invitation_email, (item.invitation.pk, origin, item.token))


def invitation_emails_resend(*, now, older_than) -> int:
    """The invitations whose e-mail has not left since `older_than` (the broker was down): each
    gets a new link, sent now. Returns how many were handed to the broker."""
    due = Invitation.objects.filter(
        status=Invitation.Status.PENDING, mailed_at__isnull=True, sent_at__lt=older_than,
        sent_at__gte=now - timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    ).exclude(link_origin="")
    handed = 0
    for invitation in due:
        renewed = invitation_renew_unmailed(invitation=invitation, now=now)
        if renewed is not None:
            handed += send(send_invitation_email, (invitation.pk, invitation.link_origin, renewed.token))
    return handed


@shared_task
def sweep_login_generations() -> dict:
    """Every minute on Celery beat: files not downloaded in time are erased, lost jobs sent again."""
    now = timezone.now()
    lost = login_jobs_lost(now=now)
    return {"expired": login_files_expire(now=now), "sent": sum(send(generate_learner_logins, (pk,)) for pk in lost)}


def requeue_lost(*, now) -> dict[str, int]:
    """The sweep's part (pixorga.sweep): imports whose message was lost or whose worker died,
    and invitations whose e-mail never left. Returns how many were handed to the broker."""
    imports = LearnerImport.objects.filter(attempts__lt=IMPORT_ATTEMPTS, data__isnull=False).filter(
        Q(status=LearnerImport.Status.UPLOADED, created_at__lt=now - LOST_AFTER)
        | Q(orphaned(now=now, running_for=IMPORT_STALE),
            status__in=[LearnerImport.Status.VALIDATING, LearnerImport.Status.VALIDATED])
    ).values_list("pk", flat=True)
    return {
        "imports": sum(send(run_learner_import, (pk,)) for pk in imports),
        "invitations": invitation_emails_resend(now=now, older_than=now - LOST_AFTER),
    }
