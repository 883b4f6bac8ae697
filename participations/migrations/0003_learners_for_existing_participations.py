from django.db import migrations


def link_learners(apps, schema_editor):
    """Every participation belongs to a pupil of the school: create the missing learners from
    the accounts' names, one per (organization, user), as joining does now. Batched: an
    existing database may hold many participations."""
    Participation = apps.get_model("participations", "CampaignParticipation")
    Learner = apps.get_model("organizations", "OrganizationLearner")
    rows = list(
        Participation.objects.filter(organization_learner__isnull=True)
        .values_list("pk", "campaign__organization_id", "user_id", "user__first_name", "user__last_name")
    )
    learners = {}
    for pk, organization_id, user_id, first_name, last_name in rows:
        # An anonymized participation (no user) gets a pupil of its own.
        key = (organization_id, user_id or f"p{pk}")
        if key not in learners:
            learners[key] = Learner(
                organization_id=organization_id, user_id=user_id,
                first_name=first_name if user_id else "(anonymized)",
                last_name=last_name if user_id else "(anonymized)",
            )
    Learner.objects.bulk_create(learners.values(), batch_size=1000)
    updates = [
        Participation(pk=pk, organization_learner_id=learners[(organization_id, user_id or f"p{pk}")].pk)
        for pk, organization_id, user_id, _first, _last in rows
    ]
    Participation.objects.bulk_update(updates, ["organization_learner"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("participations", "0002_campaignparticipation_organization_learner_and_more"),
        ("organizations", "0002_learnerimport_organizationlearner"),
    ]

    operations = [migrations.RunPython(link_learners, migrations.RunPython.noop)]
