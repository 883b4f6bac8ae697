import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participations", "0003_learners_for_existing_participations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaignparticipation",
            name="organization_learner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="participations",
                to="organizations.organizationlearner",
            ),
        ),
    ]
