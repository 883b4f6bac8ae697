"""The indicator cards of the Pix Orga home page, over the member's own campaigns (« Mes
campagnes »): a fixed number of queries whatever their number."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef

from campaigns.models import Campaign
from participations.models import CampaignParticipation

from .models import ParticipantReading, ResultsReading

PARIS = ZoneInfo("Europe/Paris")


def week_start(now: datetime) -> datetime:
    """Monday 00:00 in Paris of the week holding `now`, as the teacher's calendar says."""
    local = now.astimezone(PARIS)
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=PARIS)


def home_indicators(*, organization, user, now) -> dict:
    campaigns = Campaign.objects.active().filter(organization=organization, owner=user)
    participations = CampaignParticipation.objects.counted().filter(campaign__in=campaigns)
    read_campaign = ResultsReading.objects.filter(
        user=user, campaign=OuterRef("campaign"), read_at__gte=OuterRef("shared_at"))
    read_participation = ParticipantReading.objects.filter(
        user=user, participation=OuterRef("pk"), read_at__gte=OuterRef("shared_at"))
    return {
        "active_campaigns": campaigns.count(),
        "participants_this_week": participations.filter(created_at__gte=week_start(now)).count(),
        "unread_results": participations.filter(status=CampaignParticipation.Status.SHARED)
        .exclude(Exists(read_campaign)).exclude(Exists(read_participation)).count(),
    }
