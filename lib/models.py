from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of each process that runs jobs (`lib.heartbeat`). Kept in the
    database, not in Redis: a Redis outage must not make every running job look orphaned."""

    name = models.CharField(max_length=255, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        # The table kept its name when the model moved from `pixorga` to `lib`: no data moved.
        db_table = "pixorga_workerheartbeat"

    def __str__(self):
        return f"{self.name} ({self.seen_at:%Y-%m-%d %H:%M:%S})"
