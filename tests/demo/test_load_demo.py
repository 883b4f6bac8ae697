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
    from assessments import scoring
    from learning_content.repository import get_content
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
    # The results spread over the four stages of the parcours (0, 21, 51, 81 %).
    profile = get_content().target_profiles[evaluation.target_profile_id]
    reached = Counter(
        scoring.reached_stage(profile.stages, mastery_rate=p.mastery_rate, validated_count=p.validated_skills_count,
                              target_skill_levels=())[0]
        for p in shared
    )
    assert sorted(reached) == [1, 2, 3, 4] and max(reached.values()) <= len(shared) / 2, reached
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
