from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pixorga.retention import anonymize_inactive_pupils


class Command(BaseCommand):
    help = "Anonymise les élèves inactifs depuis plus de RETENTION_DAYS jours (RGPD). À lancer chaque nuit."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.RETENTION_DAYS)

    def handle(self, *args, days, **options):
        count = anonymize_inactive_pupils(now=timezone.now(), days=days)
        self.stdout.write(f"{count} compte(s) d'élève anonymisé(s) (inactifs depuis plus de {days} jours).")
