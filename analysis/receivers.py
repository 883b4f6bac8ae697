from django.dispatch import receiver
from django.utils import timezone

from participations.signals import participation_shared

from .analysis_tasks import campaign_analysis_request


@receiver(participation_shared)
def analysis_requested_on_sharing(sender, participation, **kwargs):
    """New results make the stored "Analyse" outdated (profiles collections have none)."""
    campaign = participation.campaign
    if campaign.is_assessment:
        campaign_analysis_request(campaign, now=timezone.now())
