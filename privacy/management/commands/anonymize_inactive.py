from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.retention import anonymize_inactive


class Command(BaseCommand):
    help = (
        "Efface ce qui ne sert plus depuis RETENTION_DAYS jours (RGPD) : comptes inactifs, fiches des "
        "élèves partis (désactivés par l'import). À lancer chaque nuit. Voir docs/privacy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.RETENTION_DAYS)

    def handle(self, *args, days, **options):
        done = anonymize_inactive(now=timezone.now(), days=days)
        self.stdout.write(
            f"{done['accounts']} compte(s) inactif(s) depuis plus de {days} jours anonymisé(s), "
            f"{done['learners']} fiche(s) d'élève parti effacée(s), {done['participations']} participation(s) "
            f"détachée(s), {done['export_files']} fichier(s) d'export supprimé(s)."
        )
