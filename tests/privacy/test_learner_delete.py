"""« Supprimer » a pupil and `manage.py erase_learner`: an erasure that erases (GDPR art. 17,
domain rules §10.4). SIECLE-managed pupils included."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from analysis.export_tasks import export_request
from analysis.models import ExportJob
from assessments.models import Answer, Assessment, KnowledgeElement
from demo.siecle import SiecleStudent, siecle_xml
from learning_content.models import TargetProfile
from organizations.learner_import import learner_import_request, learner_import_run
from organizations.models import LearnerImport, OrganizationLearner
from participations.models import CampaignParticipation, KnowledgeElementSnapshot
from privacy.management.commands.erase_learner import Command
from tests.conftest import PASSWORD
from tests.factories import (
    CampaignFactory,
    LearnerFactory,
    OrganizationFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.personal_data import rows_holding
from tests.utils import text

BIRTHDATE = datetime.date(2011, 9, 12)
INE = "123456789XY"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pupil_with_history(school, *, user, capture):
    """Inès Benali of 3e B: a shared profile (with its snapshot), an evaluation under way (an
    answer, a knowledge element), an external id, an export file, an import refused because of
    her line, and the teacher's admin log."""
    learner = LearnerFactory(organization=school, user=user, first_name="Inès", middle_name="Zélie",
                             last_name="Benali", preferred_last_name="Benali-Rousseau", birthdate=BIRTHDATE,
                             birth_city="Roubaix", birth_city_code="59512", national_student_id=INE,
                             mef_code="10310019110", division="3e B", status="ST")
    collection = CampaignFactory(organization=school, name="Collecte 3e")
    shared = ParticipationFactory(campaign=collection, user=user, organization_learner=learner, status="SHARED",
                                  participant_external_id="ines.benali@famille.test", pix_score=42)
    KnowledgeElementSnapshot.objects.create(participation=shared, snapshotted_at=timezone.now(), knowledge_elements=[
        {"skill_id": "s1", "competence_id": "c1", "status": "validated", "source": "direct", "earned_pix": 4.0,
         "created_at": "2024-09-01T10:00:00+00:00"},
    ])
    TargetProfile.objects.get_or_create(id="tp", defaults={"name": "Parcours de rentrée", "category": "OTHER"})
    evaluation = CampaignFactory(organization=school, name="Rentrée", type="ASSESSMENT", target_profile_id="tp")
    assessment = Assessment.objects.create(user=user, type="CAMPAIGN", target_profile_id="tp", end_path="/")
    Answer.objects.create(assessment=assessment, challenge_id="ch1", value="Ines Benali", result="ok")
    KnowledgeElement.objects.create(user=user, assessment=assessment, skill_id="s1", competence_id="c1",
                                    status="validated", source="direct", created_at=timezone.now())
    ParticipationFactory(campaign=evaluation, user=user, organization_learner=learner, assessment=assessment)
    with capture(execute=True):
        export = export_request(campaign=collection, user=None, format="csv", now=timezone.now())
    export.refresh_from_db()
    LearnerImport.objects.create(organization=school, filename="siecle.xml", status="VALIDATION_ERROR", errors=[
        {"code": "FIELD_REQUIRED", "line": 12, "message": f"Ligne 12 (INE {INE}) : le champ « Sexe » est obligatoire."},
        {"code": "FIELD_REQUIRED", "line": 40, "message": "Ligne 40 (INE 999999999ZZ) : le champ « Sexe » est obligatoire."},
    ])
    return learner, export


@pytest.fixture
def ines(managing_school, django_capture_on_commit_callbacks):
    account = UserFactory(email=None, username="ines.benali1209", first_name="Inès", last_name="Benali")
    return pupil_with_history(managing_school, user=account, capture=django_capture_on_commit_callbacks)


def what_remains():
    return rows_holding("Inès", "Benali", "Zélie", "Roubaix", "59512", INE, "10310019110", "ines.benali",
                        "famille.test", "3e B", BIRTHDATE)


def test_the_confirmation_says_what_goes_and_that_a_siecle_import_may_bring_the_pupil_back(
    client_of, correspondent, ines,
):
    learner, _export = ines

    page = text(client_of(correspondent).get(reverse("learners:delete", args=[learner.pk])))

    assert "Supprimer Inès Benali ?" in page
    assert ("nom, prénoms, nom d'usage, sexe, date et lieu de naissance, INE, code MEF, statut et classe"
            in page)
    assert "Ses 2 participations sont détachées de lui : elles ne restent que comme statistiques anonymes" in page
    assert "Le fichier d'export qui peut le contenir est supprimé." in page
    assert "Le compte Pix avec identifiant que l'établissement lui avait créé est supprimé" in page
    assert "Si vous importez à nouveau un fichier SIECLE où figure cet élève, il reviendra dans la liste" in page
    assert "Oui, je supprime ses données" in page
    assert OrganizationLearner.objects.alive().count() == 1


def test_the_admin_erases_a_siecle_pupil_and_nothing_of_her_remains(
    client_of, correspondent, ines, django_capture_on_commit_callbacks,
):
    learner, export = ines
    file = Path(export.file.path)
    assert file.exists() and what_remains()
    client = client_of(correspondent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("learners:delete", args=[learner.pk]), follow=True)

    page = text(response)
    assert response.redirect_chain[-1][0] == reverse("learners:list")
    assert "Les données de l'élève ont été effacées." in page and "Benali" not in page
    assert what_remains() == []
    assert not file.exists()
    learner.refresh_from_db()
    assert learner.deleted_at is not None and learner.user is None and learner.birthdate is None
    assert CampaignParticipation.objects.counted().count() == 2
    assert not CampaignParticipation.objects.filter(user__isnull=False).exists()
    assert not CampaignParticipation.objects.filter(assessment__isnull=False).exists()
    assert CampaignParticipation.objects.get(status="SHARED").pix_score == 42
    assert not (Assessment.objects.exists() or Answer.objects.exists() or KnowledgeElement.objects.exists())
    assert set(KnowledgeElementSnapshot.objects.get().knowledge_elements[0]) == {
        "skill_id", "competence_id", "status", "source", "earned_pix", "created_at"}
    assert LearnerImport.objects.get().errors[0]["message"].startswith("Ligne 40 (INE 999999999ZZ)")
    assert ExportJob.objects.get().file_deleted_reason == "erased"
    assert authenticate(username="ines.benali1209", password=PASSWORD) is None
    assert "Benali" not in text(client.get(reverse("learners:list")))


def test_a_new_import_of_the_same_file_brings_the_pupil_back_without_his_history(client_of, correspondent, ines):
    learner, _export = ines
    school = learner.organization
    pupil = SiecleStudent(ine=INE, first_name="Inès", last_name="Benali", birthdate=BIRTHDATE, division="3e B")
    client_of(correspondent).post(reverse("learners:delete", args=[learner.pk]))

    job = learner_import_request(organization=school, user=correspondent, filename="eleves.xml",
                                 data=siecle_xml(school.external_id, [pupil]), now=timezone.now(), enqueue=False)
    learner_import_run(job.pk, now=timezone.now())

    back = OrganizationLearner.objects.alive().get(national_student_id=INE)
    assert back.pk != learner.pk and back.user is None and not back.participations.exists()


def test_the_erased_pupil_counts_in_the_results_as_anonymous(client_of, correspondent, ines):
    learner, _export = ines
    client = client_of(correspondent)
    campaign = CampaignParticipation.objects.get(status="SHARED").campaign

    client.post(reverse("learners:delete", args=[learner.pk]))

    page = text(client.get(reverse("analysis:results", args=[campaign.pk])))
    assert "(anonymisé)" in page and "Benali" not in page
    participation = CampaignParticipation.objects.get(status="SHARED")
    assert reverse("analysis:participant", args=[campaign.pk, participation.pk]) not in page


def test_a_personal_account_is_only_unlinked(client_of, school, correspondent, django_capture_on_commit_callbacks):
    account = UserFactory(email="ines@famille.test", first_name="Inès", last_name="Benali")
    learner, _export = pupil_with_history(school, user=account, capture=django_capture_on_commit_callbacks)
    client = client_of(correspondent)

    page = text(client.get(reverse("learners:delete", args=[learner.pk])))
    assert "Son compte Pix personnel (adresse e-mail) n'est plus lié à l'établissement" in page
    assert "fichier SIECLE" not in page
    client.post(reverse("learners:delete", args=[learner.pk]))

    account.refresh_from_db()
    assert account.is_active and authenticate(username="ines@famille.test", password=PASSWORD) == account
    assert not CampaignParticipation.objects.filter(user=account).exists()
    assert OrganizationLearner.objects.get(pk=learner.pk).first_name == "(anonymisé)"
    assert not OrganizationLearner.objects.filter(user=account).exists()


def test_an_account_another_school_still_uses_is_only_unlinked(client_of, correspondent, ines):
    learner, _export = ines
    elsewhere = OrganizationFactory(is_managing_students=True)
    LearnerFactory(organization=elsewhere, user=learner.user, national_student_id=INE)

    client_of(correspondent).post(reverse("learners:delete", args=[learner.pk]))

    assert authenticate(username="ines.benali1209", password=PASSWORD) == learner.user


def test_a_second_click_finds_the_pupil_already_erased(client_of, correspondent, ines):
    learner, _export = ines
    client = client_of(correspondent)
    client.post(reverse("learners:delete", args=[learner.pk]))

    response = client.post(reverse("learners:delete", args=[learner.pk]), follow=True)

    assert "Les données de cet élève ont déjà été effacées." in text(response)
    assert response.redirect_chain[-1][0] == reverse("learners:list")


def test_a_member_who_is_not_admin_gets_403(client_of, teacher, ines):
    learner, _export = ines
    client = client_of(teacher)

    assert client.get(reverse("learners:delete", args=[learner.pk])).status_code == 403
    assert client.post(reverse("learners:delete", args=[learner.pk])).status_code == 403
    assert OrganizationLearner.objects.get(pk=learner.pk).last_name == "Benali"
    assert "Supprimer" not in text(client.get(reverse("learners:detail", args=[learner.pk])))


def test_the_admin_of_another_school_gets_404(client_of, teacher_of_another_school, ines):
    learner, _export = ines
    client = client_of(teacher_of_another_school)

    assert client.get(reverse("learners:delete", args=[learner.pk])).status_code == 404
    assert client.post(reverse("learners:delete", args=[learner.pk])).status_code == 404
    assert OrganizationLearner.objects.get(pk=learner.pk).last_name == "Benali"


def test_the_list_and_the_pupils_page_offer_supprimer_to_admins(client_of, correspondent, teacher, ines):
    learner, _export = ines
    url = reverse("learners:delete", args=[learner.pk])

    assert url in text(client_of(correspondent).get(reverse("learners:list")))
    assert url in text(client_of(correspondent).get(reverse("learners:detail", args=[learner.pk])))
    assert url not in text(client_of(teacher).get(reverse("learners:list")))


def test_the_list_with_its_supprimer_links_costs_the_same_queries_for_1_and_20_pupils(
    client_of, correspondent, managing_school,
):
    client = client_of(correspondent)
    LearnerFactory(organization=managing_school)
    url = reverse("learners:list") + "?pageSize=25"
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    LearnerFactory.create_batch(19, organization=managing_school)
    with CaptureQueriesContext(connection) as twenty:
        page = text(client.get(url))

    assert page.count(">Supprimer<") == 20
    assert len(one) == len(twenty)


# --- The operator's command ----------------------------------------------------------------

def test_the_operator_erases_a_pupil_by_number(ines, capsys, django_capture_on_commit_callbacks):
    learner, export = ines

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_learner", str(learner.pk))

    out = capsys.readouterr().out
    assert f"Élève {learner.pk} effacé : 2 participation(s) détachée(s), 1 fichier(s) d'export supprimé(s)" in out
    assert "1 compte(s) supprimé(s)" in out
    assert what_remains() == [] and not Path(export.file.path).exists()


def test_an_unknown_number_exits_non_zero_with_a_clear_message(db, capsys, monkeypatch):
    # run_from_argv closes the connections when it ends, which would end the test's transaction.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exit:
        Command().run_from_argv(["manage.py", "erase_learner", "999999"])

    assert exit.value.code == 1
    assert "Aucun élève n'a le numéro 999999 : rien n'a été effacé." in capsys.readouterr().err
    with pytest.raises(CommandError, match="Donnez le numéro de la fiche"):
        call_command("erase_learner")


def test_the_operator_finds_the_number_from_the_name(ines, capsys):
    learner, _export = ines

    call_command("erase_learner", "--chercher", "benali", "--uai", learner.organization.external_id)

    assert f"{learner.pk}\tBenali Inès\t12/09/2011\t3e B\tCollège Victor Hugo" in capsys.readouterr().out
    assert User.objects.filter(username="ines.benali1209").exists()
