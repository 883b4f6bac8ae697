from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from organizations.models import OrganizationLearner
from privacy.erasure import learner_erase


class Command(BaseCommand):
    help = (
        "Efface un élève d'un établissement, à la demande de sa famille : sa fiche perd nom, prénoms, "
        "date et lieu de naissance, INE, MEF et classe ; ses participations ne restent que comme "
        "statistiques anonymes ; les exports qui le contiennent sont supprimés, et le compte à identifiant "
        "que l'établissement lui avait créé aussi. ID est le numéro de la fiche (/orga/eleves/ID/ dans "
        "Pix Orga) ; --chercher NOM le retrouve sans rien effacer."
    )

    def add_arguments(self, parser):
        parser.add_argument("learner_id", type=int, nargs="?", help="numéro de la fiche de l'élève")
        parser.add_argument("--chercher", metavar="NOM", help="liste les fiches dont le nom ou le prénom contient NOM")
        parser.add_argument("--uai", help="avec --chercher : seulement dans cet établissement")

    def handle(self, *args, learner_id, chercher, uai, **options):
        if chercher:
            return self._search(chercher, uai)
        if learner_id is None:
            raise CommandError("Donnez le numéro de la fiche de l'élève (ou --chercher NOM pour le trouver).")
        try:
            erased = learner_erase(learner_id=learner_id, now=timezone.now())
        except OrganizationLearner.DoesNotExist:
            raise CommandError(f"Aucun élève n'a le numéro {learner_id} : rien n'a été effacé.") from None
        self.stdout.write(
            f"Élève {learner_id} effacé : {erased.participations} participation(s) détachée(s), "
            f"{erased.export_files} fichier(s) d'export supprimé(s), {erased.accounts} compte(s) supprimé(s)."
        )

    def _search(self, words: str, uai: str | None) -> None:
        learners = OrganizationLearner.objects.alive().select_related("organization").order_by("last_name", "pk")
        if uai:
            learners = learners.filter(organization__external_id__iexact=uai.strip())
        for word in words.split():
            learners = learners.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        found = list(learners[:50])
        for learner in found:
            born = f"{learner.birthdate:%d/%m/%Y}" if learner.birthdate else "-"
            self.stdout.write(f"{learner.pk}\t{learner.last_name} {learner.first_name}\t{born}\t"
                              f"{learner.division or '-'}\t{learner.organization}")
        if not found:
            raise CommandError(f"Aucune fiche d'élève ne correspond à « {words} ».")
