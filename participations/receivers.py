from django.dispatch import receiver

from assessments.signals import assessment_completed

from .models import CampaignParticipation


@receiver(assessment_completed)
def participation_to_share(sender, assessment, **kwargs):
    """The evaluation is over: the results wait for "J'envoie mes résultats"."""
    CampaignParticipation.objects.filter(
        assessment=assessment, status=CampaignParticipation.Status.STARTED
    ).update(status=CampaignParticipation.Status.TO_SHARE)
