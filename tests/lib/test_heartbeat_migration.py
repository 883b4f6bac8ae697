"""WorkerHeartbeat moved from the `pixorga` app to `lib`: a database migrated before the move
keeps its rows."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lib.models import WorkerHeartbeat


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def test_the_heartbeats_written_before_the_move_are_read_after_it(transactional_db):
    _migrate([("lib", None), ("pixorga", "0001_initial")])
    seen_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO pixorga_workerheartbeat (name, seen_at) VALUES (%s, %s)",
                       ["worker@old-host", seen_at])

    _migrate([("lib", "0001_initial")])

    assert WorkerHeartbeat.objects.get(name="worker@old-host").seen_at == seen_at
