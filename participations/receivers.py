from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver

from assessments.models import close_assessments_when
from assessments.signals import assessment_completed

from .models import CampaignParticipation
from .services import participation_complete


@receiver(assessment_completed)
def participation_completed(sender, assessment, **kwargs):
    participation_complete(assessment=assessment, now=assessment.completed_at)


# An archived or deleted campaign takes no more answers (domain rules §3.4): the pupil is told
# at his next answer or question. A deleted participation may still be finished (§2.7).
close_assessments_when(Exists(
    CampaignParticipation.objects.filter(assessment=OuterRef("pk")).filter(
        Q(campaign__archived_at__isnull=False) | Q(campaign__deleted_at__isnull=False)
    )
))
