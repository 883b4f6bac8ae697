from django.db import migrations, models
from django.db.models import F


def disabled_since_last_update(apps, schema_editor):
    # The import stamps `updated_at` when it disables a pupil: the best date there is.
    learner = apps.get_model("organizations", "OrganizationLearner")
    learner.objects.filter(is_disabled=True).update(disabled_at=F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0003_learner_name_trigrams'),
    ]

    operations = [
        migrations.AddField(
            model_name='organizationlearner',
            name='disabled_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(disabled_since_last_update, migrations.RunPython.noop),
    ]
