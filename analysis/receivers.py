from django.dispatch import receiver
from django.utils import timezone

from participations.signals import participation_shared, participations_deleted

from .analysis_tasks import campaign_analysis_request
from .export_files import exports_discard


@receiver(participation_shared)
def analysis_requested_on_sharing(sender, participation, **kwargs):
    """New results make the stored "Analyse" outdated (profiles collections have none)."""
    campaign = participation.campaign
    if campaign.is_assessment:
        campaign_analysis_request(campaign, now=timezone.now())


@receiver(participations_deleted)
def exports_discarded_on_deletion(sender, campaign_ids, now, **kwargs):
    exports_discard(campaign_ids=campaign_ids, now=now)
