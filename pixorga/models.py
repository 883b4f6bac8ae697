from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of each process that runs jobs (`pixorga.heartbeat`). Kept in the
    database, not in Redis: a Redis outage must not make every running job look orphaned."""

    name = models.CharField(max_length=255, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.name} ({self.seen_at:%Y-%m-%d %H:%M:%S})"
