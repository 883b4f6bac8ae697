"""docs/privacy.md says exactly what the code does: one test per line of its table, each
reading the line's promise and checking it against the application's behaviour."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts import lockout
from accounts.models import LoginFailure, User
from analysis.export_files import exports_expire
from analysis.export_tasks import export_request
from analysis.models import ExportJob
from assessments.models import Assessment, KnowledgeElement
from demo.siecle import generated_students, siecle_xml
from organizations.learner_logins import login_files_expire
from organizations.models import LearnerImport, LoginGeneration, Membership, OrganizationLearner
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from participations.services import participation_share
from pixorga.sweep import sweep
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory, LearnerFactory, ParticipationFactory, UserFactory
from tests.utils import text

PRIVACY = Path(django_settings.BASE_DIR) / "docs" / "privacy.md"


def table() -> dict[str, str]:
    """The table's lines: the data (first cell) → how long it is kept (last cell)."""
    rows = {}
    for line in PRIVACY.read_text().split("## Ce qui est enregistré")[1].split("\n## ")[0].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in {"Donnée", "---"}:
            rows[cells[0]] = cells[3]
    return rows


ROWS = table()


def promise(data: str, *phrases: str) -> None:
    for phrase in phrases:
        assert phrase in ROWS[data], f"docs/privacy.md, line « {data} », no longer says « {phrase} »"


TESTED = {
    "Nom, prénom, adresse e-mail, mot de passe (haché Argon2id)": "test_names_emails_and_passwords",
    "Appartenance à un établissement et rôle": "test_memberships",
    "Réponses aux questions, acquis évalués": "test_answers_and_knowledge_elements",
    "Participation à une campagne (statut, dates, résultats)": "test_participations",
    "Instantané des acquis au moment de l'envoi": "test_snapshots",
    "Identifiant externe demandé par la campagne": "test_external_ids",
    "Base élèves importée (SIECLE ou CSV) : INE, nom, nom d'usage, prénoms, sexe, date et lieu de naissance, "
    "code MEF, statut, classe": "test_the_imported_student_base",
    "Lien entre un compte et un élève de la base": "test_links_between_accounts_and_pupils",
    "Fichier importé": "test_imported_files",
    "Identifiant et mot de passe provisoire générés": "test_generated_logins",
    "Échecs de connexion : adresse réseau (un /64 en IPv6) et empreinte SHA-256 de l'identifiant tapé, "
    "nombre d'échecs, fin du blocage": "test_sign_in_failures",
    "Exports CSV/XLSX": "test_exports",
}


def test_every_line_of_the_table_has_its_test():
    assert set(ROWS) == set(TESTED)
    assert all(name in globals() for name in TESTED.values())


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def siecle_school(school):
    school.is_managing_students = True
    school.save()
    return school


def long_ago():
    return timezone.now() - timedelta(days=django_settings.RETENTION_DAYS + 1)


def delete_my_account(client):
    return client.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "on"})


@pytest.mark.real_hasher
def test_names_emails_and_passwords(client_of, teacher):
    promise("Nom, prénom, adresse e-mail, mot de passe (haché Argon2id)", "jusqu'à « Supprimer mon compte »",
            "`RETENTION_DAYS` jours sans connexion", "pas pour les membres actifs d'une équipe",
            "nom, prénom et e-mail remplacés, mot de passe inutilisable")
    pupil = UserFactory(email="ada@famille.test", first_name="Ada", last_name="Lovelace")
    assert pupil.password.startswith("argon2$argon2id$")
    inactive = UserFactory(email="old@famille.test", first_name="Grace", last_name="Hopper", last_login=long_ago())
    User.objects.filter(pk=teacher.pk).update(last_login=long_ago())

    delete_my_account(client_of(pupil))
    call_command("anonymize_inactive")

    for user in (pupil, inactive):
        user.refresh_from_db()
        assert user.email.endswith("@anonyme.invalid") and not user.has_usable_password()
        assert user.first_name == "" and user.last_name == "(anonymisé)"
    assert User.objects.get(pk=teacher.pk).email == "prof@college.test"


def test_memberships(client_of, school, correspondent, teacher):
    promise("Appartenance à un établissement et rôle", "désactivée quand le membre quitte l'équipe",
            "supprime son compte")

    delete_my_account(client_of(teacher))

    membership = Membership.objects.get(user=teacher)
    assert membership.disabled_at is not None and membership.role == "MEMBER"


def test_answers_and_knowledge_elements(client_of, school, correspondent):
    promise("Réponses aux questions, acquis évalués", "supprimés avec le compte (suppression ou inactivité)",
            "avec le compte à identifiant d'un élève que son établissement efface")
    users = [UserFactory(), UserFactory(last_login=long_ago()), UserFactory(email=None, username="zoe.abel1403")]
    learner = LearnerFactory(organization=school, user=users[2])
    for user in users:
        assessment = Assessment.objects.create(user=user, type="COMPETENCE_EVALUATION", competence_id="c", end_path="/")
        KnowledgeElement.objects.create(user=user, assessment=assessment, skill_id="s", competence_id="c",
                                        status="validated", source="direct", created_at=timezone.now())

    delete_my_account(client_of(users[0]))
    call_command("anonymize_inactive")
    client_of(correspondent).post(reverse("learners:delete", args=[learner.pk]))

    assert not Assessment.objects.exists() and not KnowledgeElement.objects.exists()


def test_participations(client_of, school, correspondent):
    promise("Participation à une campagne (statut, dates, résultats)",
            "détachée de l'élève quand il ou son compte est effacé (ni compte, ni identifiant externe, ni évaluation)",
            "elle reste dans les statistiques de la campagne",
            "supprimée par l'enseignant, elle sort des résultats et des statistiques")
    campaign = CampaignFactory(organization=school)
    erased, deleted = (ParticipationFactory(campaign=campaign, status="SHARED") for _ in range(2))
    client = client_of(correspondent)

    client.post(reverse("learners:delete", args=[erased.organization_learner_id]))
    client.post(reverse("analysis:participation_delete", args=[campaign.pk, deleted.pk]))

    erased.refresh_from_db()
    assert (erased.user, erased.participant_external_id, erased.assessment) == (None, "", None)
    assert list(CampaignParticipation.objects.counted()) == [erased]
    assert "(anonymisé)" in text(client.get(reverse("analysis:results", args=[campaign.pk])))


def test_snapshots(school):
    promise("Instantané des acquis au moment de l'envoi", "ne contient ni nom ni identifiant d'utilisateur")
    pupil = UserFactory(first_name="Ada", last_name="Lovelace")
    participation = ParticipationFactory(campaign=CampaignFactory(organization=school), user=pupil, status="TO_SHARE")
    assessment = Assessment.objects.create(user=pupil, type="COMPETENCE_EVALUATION", competence_id="c", end_path="/")
    KnowledgeElement.objects.create(user=pupil, assessment=assessment, skill_id="s1", competence_id="c",
                                    status="validated", source="direct", earned_pix=4, created_at=timezone.now())

    participation_share(participation=participation, user=pupil, now=timezone.now())

    snapshot = KnowledgeElementSnapshot.objects.get()
    assert [field.name for field in KnowledgeElementSnapshot._meta.concrete_fields] == [
        "id", "participation", "snapshotted_at", "knowledge_elements"]
    assert {key for element in snapshot.knowledge_elements for key in element} == {
        "skill_id", "competence_id", "status", "source", "earned_pix", "created_at"}
    assert "Lovelace" not in str(snapshot.knowledge_elements)


def test_external_ids(client_of, school, correspondent):
    promise("Identifiant externe demandé par la campagne", "effacé avec la participation",
            "quand l'élève ou son compte est effacé")
    campaign = CampaignFactory(organization=school, external_id_label="Numéro", external_id_type="STRING")
    deleted, erased, self_deleted = (ParticipationFactory(campaign=campaign, participant_external_id=f"N-{n}")
                                     for n in range(3))
    client = client_of(correspondent)

    client.post(reverse("analysis:participation_delete", args=[campaign.pk, deleted.pk]))
    client.post(reverse("learners:delete", args=[erased.organization_learner_id]))
    delete_my_account(client_of(self_deleted.user))

    assert not CampaignParticipation.objects.exclude(participant_external_id="").exists()


def import_students(client, students, capture):
    with capture(execute=True):
        client.post(reverse("orga:learner_import"), {
            "file": SimpleUploadedFile("eleves.xml", siecle_xml("0751234A", students)),
        })


def test_the_imported_student_base(client_of, siecle_school, correspondent, django_capture_on_commit_callbacks):
    promise("Base élèves importée (SIECLE ou CSV) : INE, nom, nom d'usage, prénoms, sexe, date et lieu de naissance, "
            "code MEF, statut, classe", "tant qu'il figure dans les imports de l'établissement",
            "absent du dernier import, il est désactivé (ses résultats restent à l'établissement)",
            "puis sa fiche est effacée `RETENTION_DAYS` jours plus tard",
            "« Supprimer » (administrateur) ou `manage.py erase_learner` l'efface à tout moment")
    client = client_of(correspondent)
    students = generated_students(4, divisions=["3e A"], seed=3)
    import_students(client, students, django_capture_on_commit_callbacks)
    import_students(client, students[1:], django_capture_on_commit_callbacks)
    left = OrganizationLearner.objects.get(national_student_id=students[0].ine)
    assert left.is_disabled and left.deleted_at is None

    call_command("anonymize_inactive")
    assert OrganizationLearner.objects.get(pk=left.pk).deleted_at is None
    OrganizationLearner.objects.filter(pk=left.pk).update(disabled_at=long_ago())
    call_command("anonymize_inactive")
    client.post(reverse("learners:delete", args=[OrganizationLearner.objects.get(
        national_student_id=students[1].ine).pk]))
    call_command("erase_learner", str(OrganizationLearner.objects.get(national_student_id=students[2].ine).pk))

    assert list(OrganizationLearner.objects.alive().values_list("national_student_id", flat=True)) == [
        students[3].ine]
    assert OrganizationLearner.objects.filter(deleted_at__isnull=False, birthdate__isnull=True, division="",
                                              national_student_id="", mef_code="", birth_city="").count() == 3


def test_links_between_accounts_and_pupils(client_of, school, siecle_school, correspondent):
    promise("Lien entre un compte et un élève de la base", "coupé quand le compte ou l'élève est effacé")
    erased_pupil, self_deleted = LearnerFactory(organization=school, user=UserFactory()), LearnerFactory(
        organization=school, user=UserFactory())

    client_of(correspondent).post(reverse("learners:delete", args=[erased_pupil.pk]))
    delete_my_account(client_of(self_deleted.user))

    assert not OrganizationLearner.objects.filter(user__isnull=False).exists()


def test_imported_files(client_of, siecle_school, correspondent, django_capture_on_commit_callbacks):
    promise("Fichier importé", "effacé dès que le worker l'a lu, qu'il soit valide ou non",
            "les messages d'un import refusé citent l'INE des élèves en cause, jusqu'à l'effacement de l'élève")
    client = client_of(correspondent)
    students = generated_students(2, divisions=["3e A"], seed=4)
    import_students(client, students, django_capture_on_commit_callbacks)
    twice = [students[0], students[1], students[1]]
    LearnerImport.objects.update(status="IMPORTED")
    import_students(client, twice, django_capture_on_commit_callbacks)

    assert not LearnerImport.objects.filter(data__isnull=False).exists()
    refused = LearnerImport.objects.get(status="VALIDATION_ERROR")
    assert students[1].ine in str(refused.errors)
    call_command("erase_learner", str(OrganizationLearner.objects.get(national_student_id=students[1].ine).pk))
    refused.refresh_from_db()
    assert students[1].ine not in str(refused.errors)


def test_generated_logins(client_of, siecle_school, correspondent):
    promise("Identifiant et mot de passe provisoire générés", "le mot de passe n'est conservé que haché",
            "le fichier CSV qui les donne est gardé chiffré jusqu'à son unique téléchargement, une heure au plus",
            "l'élève remplace le mot de passe à la première connexion")
    for division in ("3e A", "3e B"):
        LearnerFactory(organization=siecle_school, division=division, first_name="Zoé", last_name="Abel")
    client = client_of(correspondent)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for division in ("3e A", "3e B"):
            client.post(reverse("orga:learner_logins"), {"division": division})
    downloaded, kept = LoginGeneration.objects.order_by("pk")

    body = client.get(reverse("orga:learner_logins_download", args=[downloaded.pk])).content.decode()
    password = body.splitlines()[1].split(";")[-1].strip('"')
    LoginGeneration.objects.filter(pk=kept.pk).update(finished_at=timezone.now() - timedelta(minutes=61))
    login_files_expire(now=timezone.now())

    assert not LoginGeneration.objects.filter(data__isnull=False).exists()
    user = User.objects.get(username=re.search(r'"(zoe\.abel[0-9]+)"', body).group(1))
    assert user.password.startswith("md5$") and password not in user.password and user.must_change_password


def test_exports(client_of, school, teacher, correspondent, django_capture_on_commit_callbacks, settings):
    promise("Exports CSV/XLSX", "téléchargeables par les membres de l'établissement pendant "
            "`EXPORT_RETENTION_HOURS` heures (24 par défaut), puis effacés",
            "effacés aussitôt quand une participation qu'ils contiennent est supprimée ou un élève effacé")
    assert settings.EXPORT_RETENTION_HOURS == 24
    campaigns = [CampaignFactory(organization=school) for _ in range(3)]
    participations = [ParticipationFactory(campaign=campaign, status="SHARED") for campaign in campaigns]
    with django_capture_on_commit_callbacks(execute=True):
        jobs = [export_request(campaign=campaign, user=teacher, format="csv", now=timezone.now())
                for campaign in campaigns]
    assert client_of(teacher).get(reverse("exports:download", args=[campaigns[0].pk, jobs[0].pk])).status_code == 200
    client = client_of(correspondent)

    with django_capture_on_commit_callbacks(execute=True):
        exports_expire(now=timezone.now() + timedelta(hours=24, minutes=1))

    assert ExportJob.objects.filter(file="").count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        jobs = [export_request(campaign=campaign, user=teacher, format="csv", now=timezone.now())
                for campaign in campaigns[1:]]
        client.post(reverse("analysis:participation_delete", args=[campaigns[1].pk, participations[1].pk]))
        client.post(reverse("learners:delete", args=[participations[2].organization_learner_id]))
    assert ExportJob.objects.exclude(file="").count() == 0
    assert not any(Path(django_settings.MEDIA_ROOT).rglob("*.csv"))


def test_sign_in_failures(client, teacher):
    data = ("Échecs de connexion : adresse réseau (un /64 en IPv6) et empreinte SHA-256 de l'identifiant "
            "tapé, nombre d'échecs, fin du blocage")
    promise(data, "effacés à la connexion réussie depuis cette adresse", "à la réinitialisation du mot de passe",
            "24 h après le dernier échec")
    address = "2001:db8:1:2::7"

    client.post(reverse("account_login"), {"login": teacher.email, "password": "Mauvais-1"}, REMOTE_ADDR=address)

    failure = LoginFailure.objects.get()
    assert failure.address == "2001:db8:1:2::" and teacher.email not in str(vars(failure))
    assert failure.login_hash == lockout.login_hash(teacher.email)
    client.post(reverse("account_login"), {"login": teacher.email, "password": PASSWORD}, REMOTE_ADDR=address)
    assert not LoginFailure.objects.exists()
    client.logout()
    client.post(reverse("account_login"), {"login": teacher.email, "password": "Mauvais-1"}, REMOTE_ADDR=address)
    sweep(now=timezone.now() + lockout.FORGET_AFTER + timedelta(minutes=1))
    assert not LoginFailure.objects.exists()
