import datetime

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


def test_the_demo_is_a_believable_class(referential, django_capture_on_commit_callbacks):
    """#21: varied pupils over two weeks, not one participant a day at three mastery rates."""
    from collections import Counter

    from analysis.models import CampaignAnalysis
    from participations.models import CampaignParticipation
    from participations.selectors import profile_of

    # The jobs the sendings ask for (Analyse) run as the worker would.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    call_command("load_demo")

    for campaign in Campaign.objects.all():
        statuses = set(campaign.participations.values_list("status", flat=True))
        expected = {"STARTED", "TO_SHARE", "SHARED"} if campaign.is_assessment else {"TO_SHARE", "SHARED"}
        assert statuses == expected
    evaluation = Campaign.objects.get(type="ASSESSMENT")
    shared = CampaignParticipation.objects.filter(campaign=evaluation, status="SHARED", is_improved=False)
    assert shared.count() == 14
    # The results spread over the four bands of the teacher's tutorial (0, 21, 51, 81 %).
    bands = Counter(sum(round(100 * p.mastery_rate) >= threshold for threshold in (21, 51, 81)) for p in shared)
    assert sorted(bands) == [0, 1, 2, 3] and max(bands.values()) <= len(shared) / 2, bands
    assert len(set(shared.values_list("mastery_rate", flat=True))) >= 8
    # One pupil retried: his first sending is kept, superseded.
    assert CampaignParticipation.objects.filter(campaign=evaluation, is_improved=True).count() == 1
    # Analyse recommends subjects at several levels of relevance.
    analysis = CampaignAnalysis.objects.get(campaign=evaluation)
    assert len({row["relevance"] for row in analysis.data["recommendations"]}) >= 3
    # Some collected profiles are certifiable, with levels from 2 to 4 and more.
    collected = CampaignParticipation.objects.filter(campaign__type="PROFILES_COLLECTION", status="SHARED")
    certifiable = [p for p in collected if p.is_certifiable]
    assert 3 <= len(certifiable) < collected.count()
    levels = {score.level for p in certifiable for score in profile_of(p)["scores"].values() if score.level}
    assert {2, 3, 4} <= levels
    # Over two weeks, several pupils a day, school days only.
    days = Counter(p.created_at.date() for p in CampaignParticipation.objects.all())
    assert len(days) >= 8 and max(days) - min(days) <= datetime.timedelta(days=14)
    assert all(day.weekday() < 5 for day in days)


def test_some_demo_pupils_win_badges_and_others_not(referential):
    from participations.models import BadgeAcquisition, CampaignParticipation, StageAcquisition

    call_command("load_demo")

    shared = CampaignParticipation.objects.filter(status="SHARED", campaign__type="ASSESSMENT")
    with_badges = shared.filter(badge_acquisitions__isnull=False).distinct().count()
    assert 0 < with_badges < shared.count()
    assert BadgeAcquisition.objects.values("badge_key").distinct().count() >= 3
    assert StageAcquisition.objects.filter(participation__in=shared).values("reached").distinct().count() > 1
