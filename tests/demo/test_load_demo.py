from django.core.management import call_command

from campaigns.models import Campaign
from organizations.models import Membership


def test_the_demo_school_gets_the_teachers_two_campaigns_once(referential):
    call_command("load_demo", stdout=None)
    codes = set(Campaign.objects.values_list("code", flat=True))
    call_command("load_demo")

    campaigns = Campaign.objects.order_by("name")
    assert set(campaigns.values_list("code", flat=True)) == codes
    assert [(c.type, c.target_profile_id, c.owner.email) for c in campaigns] == [
        ("PROFILES_COLLECTION", None, "enseignant@demo-dane-sco.test"),
        ("ASSESSMENT", "tp-rentree-3e", "enseignant@demo-dane-sco.test"),
    ]
    assert Membership.objects.filter(organization__name="Collège Demo Dane Sco").count() == 2


def test_the_demo_pupils_have_started_finished_and_sent_each_campaign(referential):
    from participations.models import CampaignParticipation

    call_command("load_demo")
    call_command("load_demo")

    for campaign in Campaign.objects.all():
        statuses = set(campaign.participations.values_list("status", flat=True))
        expected = {"STARTED", "TO_SHARE", "SHARED"} if campaign.is_assessment else {"TO_SHARE", "SHARED"}
        assert statuses == expected
    shared = CampaignParticipation.objects.filter(status="SHARED", campaign__type="ASSESSMENT")
    assert shared.count() == 14 and len(set(shared.values_list("mastery_rate", flat=True))) > 2


def test_some_demo_pupils_win_badges_and_others_not(referential):
    from participations.models import BadgeAcquisition, CampaignParticipation, StageAcquisition

    call_command("load_demo")

    shared = CampaignParticipation.objects.filter(status="SHARED", campaign__type="ASSESSMENT")
    with_badges = shared.filter(badge_acquisitions__isnull=False).distinct().count()
    assert 0 < with_badges < shared.count()
    assert BadgeAcquisition.objects.values("badge_key").distinct().count() >= 3
    assert StageAcquisition.objects.filter(participation__in=shared).values("reached").distinct().count() > 1
