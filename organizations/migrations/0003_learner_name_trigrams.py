"""Trigram indexes on the pupils' names, for the name searches of Activité, Résultats and
"Élèves" (`icontains`, which PostgreSQL runs as UPPER(name) LIKE UPPER('%…%'): a B-tree cannot
serve it). PostgreSQL only: on SQLite the migration does nothing."""

from django.db import migrations

INDEXES = {
    "learner_first_name_trgm": "first_name",
    "learner_last_name_trgm": "last_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON organizations_organizationlearner "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_learnerimport_organizationlearner")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
