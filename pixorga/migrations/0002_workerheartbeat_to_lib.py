from django.db import migrations


class Migration(migrations.Migration):
    """WorkerHeartbeat moved to the `lib` app: forgotten here, the table stays (lib 0001)."""

    dependencies = [
        ("pixorga", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WorkerHeartbeat")],
            database_operations=[],
        ),
    ]
