from django.db import migrations


def link_learners(apps, schema_editor):
    """Every participation belongs to a pupil of the school: create the missing learners from
    the accounts' names, one per (organization, user), as joining does now."""
    Participation = apps.get_model("participations", "CampaignParticipation")
    Learner = apps.get_model("organizations", "OrganizationLearner")
    learners = {}
    rows = Participation.objects.filter(organization_learner__isnull=True).select_related("campaign", "user")
    for participation in rows.iterator():
        key = (participation.campaign.organization_id, participation.user_id or f"p{participation.pk}")
        learner = learners.get(key)
        if learner is None:
            user = participation.user
            learner = Learner.objects.create(
                organization_id=participation.campaign.organization_id, user=user,
                first_name=user.first_name if user else "(anonymized)",
                last_name=user.last_name if user else "(anonymized)",
            )
            learners[key] = learner
        participation.organization_learner = learner
        participation.save(update_fields=["organization_learner"])


class Migration(migrations.Migration):
    dependencies = [
        ("participations", "0002_campaignparticipation_organization_learner_and_more"),
        ("organizations", "0002_learnerimport_organizationlearner"),
    ]

    operations = [migrations.RunPython(link_learners, migrations.RunPython.noop)]
