from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from campaigns.services import campaign_create
from learning_content.models import TargetProfile
from organizations.models import Membership, Organization, Role
from pixorga.demo_pupils import play

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
            defaults={"name": DEMO_ORGANIZATION["name"], "type": DEMO_ORGANIZATION["type"]},
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
            f"  eleve1@demo-dane-sco.test … eleve{STUDENT_COUNT}@demo-dane-sco.test (élèves)"
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
