from django.core.management.base import BaseCommand
from django.utils import timezone

from pixorga.sweep import sweep


class Command(BaseCommand):
    help = ("Renvoie aux workers les tâches perdues (Redis indisponible, worker arrêté). "
            "Celery beat le fait toutes les 30 secondes.")

    def handle(self, *args, **options):
        sent = sweep(now=timezone.now())
        self.stdout.write(f"Tâches renvoyées : {sent}")
