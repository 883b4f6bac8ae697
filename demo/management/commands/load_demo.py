import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from campaigns.services import campaign_create
from demo.pupils import play
from demo.siecle import SiecleStudent, siecle_xml
from learning_content.models import TargetProfile
from organizations.learner_import import learner_import_request, learner_import_run
from organizations.learners import learner_link
from organizations.models import Membership, Organization, OrganizationLearner, Role

DEMO_PASSWORD = "Pix-Demo-2026"
DEMO_ORGANIZATION = {"name": "Collège Demo Dane Sco", "type": Organization.Type.SCO, "external_id": "0990001A"}
STUDENT_COUNT = 30
DEMO_TARGET_PROFILE = "tp-rentree-3e"


class Command(BaseCommand):
    help = "Crée (ou met à jour) les données de démonstration. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        organization, _ = Organization.objects.update_or_create(
            external_id=DEMO_ORGANIZATION["external_id"],
            defaults={"name": DEMO_ORGANIZATION["name"], "type": DEMO_ORGANIZATION["type"],
                      "is_managing_students": True},
        )
        staff = [
            ("correspondant@demo-dane-sco.test", "Claire", "Dupont", Role.ADMIN),
            ("enseignant@demo-dane-sco.test", "Marc", "Lefèvre", Role.MEMBER),
        ]
        for email, first_name, last_name, role in staff:
            user = self._user(email, first_name, last_name)
            Membership.objects.update_or_create(
                organization=organization, user=user, defaults={"role": role, "disabled_at": None}
            )
        for number in range(1, STUDENT_COUNT + 1):
            first_name, last_name = STUDENT_NAMES[(number - 1) % len(STUDENT_NAMES)]
            self._user(f"eleve{number}@demo-dane-sco.test", first_name, last_name)
        self._student_base(organization)
        self._campaigns(organization)
        self.stdout.write(self.style.SUCCESS(self.summary()))

    def _campaigns(self, organization):
        """The teacher's two campaigns of the seeds, created once (their codes then stay)."""
        teacher = User.objects.get(email="enseignant@demo-dane-sco.test")
        wanted = [
            {"name": "3e A - Collecte de profils", "type": Campaign.Type.PROFILES_COLLECTION},
            {"name": "3e A - Parcours de rentrée", "type": Campaign.Type.ASSESSMENT,
             "target_profile": TargetProfile.objects.filter(pk=DEMO_TARGET_PROFILE).first(),
             "title": "Parcours de rentrée 3e",
             "custom_landing_page_text": "Bonjour à tous ! Répondez **seuls** et sans chercher sur Internet : "
             "ce parcours sert à savoir où vous en êtes."},
        ]
        for fields in wanted:
            if Campaign.objects.not_deleted().filter(organization=organization, name=fields["name"]).exists():
                continue
            if fields["type"] == Campaign.Type.ASSESSMENT and fields["target_profile"] is None:
                self.stderr.write(f"Parcours {DEMO_TARGET_PROFILE} absent : lancez d'abord load_content.")
                continue
            campaign_create(organization=organization, creator=teacher, owner=teacher, **fields)
        now = timezone.now()
        pupils = list(User.objects.filter(email__startswith="eleve", email__endswith="@demo-dane-sco.test")
                      .order_by("pk"))
        for campaign in Campaign.objects.not_deleted().filter(organization=organization, creator=teacher):
            if campaign.participations.exists():
                continue
            # Levels 1 to 5; most pupils sent their results, some did not finish or not send.
            stages = ["shared"] * 14 + ["finished"] * 3 + ["started"] * 3
            cast = [(pupil, 1 + (index * 7) % 5, stage) for index, (pupil, stage) in enumerate(zip(pupils, stages))]
            if not campaign.is_assessment:
                cast = [(pupil, level, "shared" if stage != "started" else "finished") for pupil, level, stage in cast]
            play(campaign, cast, now=now)

    def _student_base(self, organization):
        """The school's SIECLE export, imported through the real import; the demo accounts
        are then linked to their pupils, so they join without identifying again."""
        if not OrganizationLearner.objects.filter(organization=organization).exists():
            admin = User.objects.get(email="correspondant@demo-dane-sco.test")
            data = siecle_xml(organization.external_id, demo_students())
            now = timezone.now()
            job = learner_import_request(
                organization=organization, user=admin, filename="ElevesSansAdresses.xml", data=data, now=now,
                enqueue=False,
            )
            learner_import_run(job.pk, now=now)
        for number in range(1, STUDENT_COUNT + 1):
            user = User.objects.get(email=f"eleve{number}@demo-dane-sco.test")
            learner = OrganizationLearner.objects.get(organization=organization, national_student_id=demo_ine(number))
            if learner.user_id is None:
                learner_link(learner=learner, user=user)

    def _user(self, email, first_name, last_name):
        user = User.objects.filter(email=email).first()
        if user is None:
            return User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
            )
        return user

    @staticmethod
    def summary():
        return (
            "Données de démonstration prêtes (mot de passe de tous les comptes : "
            f"{DEMO_PASSWORD}) :\n"
            "  correspondant@demo-dane-sco.test  (administrateur, Collège Demo Dane Sco)\n"
            "  enseignant@demo-dane-sco.test     (membre)\n"
            f"  eleve1@demo-dane-sco.test … eleve{STUDENT_COUNT}@demo-dane-sco.test (élèves, déjà associés)\n"
            "  Base élèves importée : 3e A, 3e B, 4e A. Un nouveau compte peut rejoindre une campagne\n"
            "  en s'identifiant comme Camille Roux, née le 12/05/2011 (3e B)."
        )


STUDENT_NAMES = [
    ("Ada", "Lovelace"), ("Charles", "Babbage"), ("Mary", "Jackson"), ("Louis", "Pouzin"),
    ("Garance", "Santa"), ("Alan", "Turing"), ("Grace", "Hopper"), ("Margaret", "Hamilton"),
    ("Katherine", "Johnson"), ("Dorothy", "Vaughan"), ("Hedy", "Lamarr"), ("Tim", "Berners-Lee"),
    ("Radia", "Perlman"), ("Frances", "Allen"), ("Barbara", "Liskov"), ("Donald", "Knuth"),
    ("Edsger", "Dijkstra"), ("Linus", "Torvalds"), ("Sophie", "Wilson"), ("Karen", "Spärck Jones"),
    ("Jean", "Sammet"), ("Annie", "Easley"), ("Évelyne", "Durand"), ("Inès", "Benali"),
    ("Noé", "Martin"), ("Chloé", "Bernard"), ("Léo", "Petit"), ("Jade", "Moreau"),
    ("Hugo", "Laurent"), ("Lina", "Girard"),
]

# Pupils of the base without an account yet: (first name, last name, birthdate, class).
UNLINKED_STUDENTS = [
    ("Camille", "Roux", datetime.date(2011, 5, 12), "3e B"), ("Mathis", "Fournier", datetime.date(2011, 9, 3), "3e B"),
    ("Emma", "Leroy", datetime.date(2012, 2, 17), "4e A"), ("Nolan", "Meunier", datetime.date(2012, 6, 8), "4e A"),
    ("Lou", "Blanc", datetime.date(2012, 11, 25), "4e A"), ("Rayan", "Mathieu", datetime.date(2012, 1, 30), "4e A"),
    ("Alice", "Renaud", datetime.date(2012, 4, 14), "4e A"), ("Sacha", "Picard", datetime.date(2012, 8, 21), "4e A"),
]


def demo_ine(number: int) -> str:
    return f"{990000000 + number:010d}D"


def demo_students() -> list[SiecleStudent]:
    """Pupils 1 to 20 in 3e A (they played the demo campaigns), 21 to 30 in 3e B, and the
    pupils without an account."""
    students = []
    for number in range(1, STUDENT_COUNT + 1):
        first_name, last_name = STUDENT_NAMES[(number - 1) % len(STUDENT_NAMES)]
        students.append(SiecleStudent(
            ine=demo_ine(number), first_name=first_name, last_name=last_name,
            birthdate=datetime.date(2011, 1 + number % 12, 1 + (number * 7) % 28),
            division="3e A" if number <= 20 else "3e B", sex="F" if number % 2 else "M",
        ))
    for offset, (first_name, last_name, birthdate, division) in enumerate(UNLINKED_STUDENTS, start=STUDENT_COUNT + 1):
        students.append(SiecleStudent(
            ine=demo_ine(offset), first_name=first_name, last_name=last_name, birthdate=birthdate,
            division=division, sex="F" if offset % 2 else "M",
        ))
    return students
