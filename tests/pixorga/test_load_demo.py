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
