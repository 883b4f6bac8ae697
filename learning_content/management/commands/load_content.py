from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learning_content.files import ContentFileError
from learning_content.loader import CONTENT_DIR, load_content


class Command(BaseCommand):
    help = "Charge le référentiel depuis content/ (idempotent ; rien n'est chargé si un fichier est invalide)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=CONTENT_DIR, help="dossier du référentiel")

    def handle(self, *args, dir, **options):
        try:
            report = load_content(dir)
        except ContentFileError as error:
            raise CommandError(
                f"Référentiel refusé, rien n'a été chargé ({len(error.errors)} erreur(s)) :\n{error}"
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        status = "aucun changement" if not report.changed else f"{report.changed} changement(s)"
        self.stdout.write(self.style.SUCCESS(f"Référentiel {report.version[:12]} chargé : {status}."))
