from django.core.management.base import BaseCommand
from django.utils import timezone

from pixorga.sweep import requeue_stale_jobs


class Command(BaseCommand):
    help = "Renvoie aux workers les tâches perdues (Redis indisponible, worker arrêté). Celery beat le fait chaque minute."

    def handle(self, *args, **options):
        sent = requeue_stale_jobs(now=timezone.now())
        self.stdout.write(f"Tâches renvoyées : {sent}")
