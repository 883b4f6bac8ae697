from django.db import migrations, models


class Migration(migrations.Migration):
    """WorkerHeartbeat, moved from the `pixorga` app with its table: on a database migrated
    before the move the table exists and is kept as it is; on a new one pixorga 0001 creates it."""

    initial = True

    dependencies = [
        ("pixorga", "0002_workerheartbeat_to_lib"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkerHeartbeat",
                    fields=[
                        ("name", models.CharField(max_length=255, primary_key=True, serialize=False)),
                        ("seen_at", models.DateTimeField(db_index=True)),
                    ],
                    options={"db_table": "pixorga_workerheartbeat"},
                ),
            ],
            database_operations=[],
        ),
    ]
