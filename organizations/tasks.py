import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pixorga.queue import send, send_on_commit

from .learner_import import learner_import_run
from .learner_logins import MAX_ATTEMPTS as LOGIN_ATTEMPTS
from .learner_logins import RETRY, STALE_AFTER, learner_logins_run, login_files_expire, login_jobs_lost
from .models import Invitation, hash_invitation_token
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


def enqueue_invitation_emails(request, sent) -> None:
    """Send each (re)issued invitation once the transaction commits. The token exists only
    here, never in the database; the site's address is kept for the sweep, which sends a new
    link if this message never reaches a worker."""
    origin = request.build_absolute_uri("/").rstrip("/")
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


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600)
def run_learner_import(import_id: int) -> str:
    """Thin: the claim, the validation and the all-or-nothing write live in the service."""
    return learner_import_run(import_id, now=timezone.now())


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=LOGIN_ATTEMPTS,
             time_limit=(STALE_AFTER.total_seconds() - 60))
def generate_learner_logins(self, job_id: int) -> str:
    outcome = learner_logins_run(job_id)
    if outcome == RETRY:
        raise self.retry(countdown=10 * (self.request.retries + 1))
    return outcome


@shared_task
def sweep_login_generations() -> dict:
    """Every minute on Celery beat: files not downloaded in time are erased, lost jobs sent again."""
    now = timezone.now()
    lost = login_jobs_lost(now=now)
    return {"expired": login_files_expire(now=now), "sent": sum(send(generate_learner_logins, (pk,)) for pk in lost)}
