import logging

from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver

from assessments.models import close_assessments_when
from assessments.signals import assessment_completed

from .models import CampaignParticipation
from .services import participation_share

logger = logging.getLogger(__name__)


@receiver(assessment_completed)
def participation_to_share(sender, assessment, **kwargs):
    """The evaluation is over: the results wait for "J'envoie mes résultats", or are sent
    at once when the campaign sends them automatically (in the answer's transaction: a
    failure sends nothing and records no answer)."""
    CampaignParticipation.objects.filter(
        assessment=assessment, status=CampaignParticipation.Status.STARTED
    ).update(status=CampaignParticipation.Status.TO_SHARE)
    automatic = (
        CampaignParticipation.objects.select_related("user")
        .filter(assessment=assessment, campaign__automatic_sharing=True, deleted_at__isnull=True,
                status=CampaignParticipation.Status.TO_SHARE)
        .first()
    )
    if automatic is not None:
        logger.info("participation %s shared automatically at completion", automatic.pk)
        participation_share(participation=automatic, user=automatic.user, now=assessment.completed_at)


# An archived or deleted campaign takes no more answers (domain rules §3.4): the pupil is told
# at his next answer or question. A deleted participation may still be finished (§2.7).
close_assessments_when(Exists(
    CampaignParticipation.objects.filter(assessment=OuterRef("pk")).filter(
        Q(campaign__archived_at__isnull=False) | Q(campaign__deleted_at__isnull=False)
    )
))
