from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver

from assessments.models import close_assessments_when
from assessments.signals import assessment_completed
from campaigns.signals import campaigns_deleted

from .models import CampaignParticipation
from .services import participation_complete
from .signals import participations_deleted


@receiver(assessment_completed)
def participation_completed(sender, assessment, **kwargs):
    participation_complete(assessment=assessment, now=assessment.completed_at)


@receiver(campaigns_deleted)
def participations_deleted_with_campaigns(sender, campaign_ids, by, now, **kwargs):
    """Inside the deletion's transaction: the campaigns' participations go with them."""
    CampaignParticipation.objects.filter(campaign_id__in=campaign_ids, deleted_at__isnull=True).anonymize(
        deleted_at=now, deleted_by=by
    )
    participations_deleted.send(sender=sender, campaign_ids=campaign_ids, now=now)


# An archived or deleted campaign takes no more answers (domain rules §3.4): the pupil is told
# at his next answer or question. A deleted participation may still be finished (§2.7).
close_assessments_when(Exists(
    CampaignParticipation.objects.filter(assessment=OuterRef("pk")).filter(
        Q(campaign__archived_at__isnull=False) | Q(campaign__deleted_at__isnull=False)
    )
))
