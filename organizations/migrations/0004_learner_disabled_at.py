from django.db import migrations, models
from django.db.models import F


def disabled_since_last_update(apps, schema_editor):
    # The import stamps `updated_at` when it disables a pupil: the best date there is.
    learner = apps.get_model("organizations", "OrganizationLearner")
    learner.objects.filter(is_disabled=True).update(disabled_at=F("updated_at"))


def erase_what_earlier_deletions_kept(apps, schema_editor):
    # « Supprimer » used to keep the year of birth, the class and the status of a pupil.
    learner = apps.get_model("organizations", "OrganizationLearner")
    learner.objects.filter(deleted_at__isnull=False).update(
        first_name="(anonymisé)", last_name="(anonymisé)", middle_name="", third_name="", preferred_last_name="",
        sex="", birthdate=None, birth_city="", birth_city_code="", birth_province_code="", birth_country_code="",
        mef_code="", status="", national_student_id="", division="", is_certifiable=None, certifiable_at=None,
        user=None,
    )


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
        migrations.RunPython(erase_what_earlier_deletions_kept, migrations.RunPython.noop),
    ]
