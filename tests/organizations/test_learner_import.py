"""Importing the school's student base: the admin's upload, the worker's validation and the
all-or-nothing write (domain rules §10.5)."""

import dataclasses
import datetime
import io
import math
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from demo.siecle import SiecleStudent, generated_students, siecle_xml
from lib.heartbeat import DEAD_AFTER
from lib.models import WorkerHeartbeat
from organizations.learner_import import CHUNK_SIZE, STALE_AFTER, learner_import_request, learner_import_run
from organizations.learners import LearnerError
from organizations.models import LearnerImport, OrganizationLearner
from tests.factories import LearnerFactory, ParticipationFactory

SAMPLES = Path(__file__).parent / "siecle"
UAI = "0751234A"


def sample(name):
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def sco(school):
    school.is_managing_students = True
    school.save()
    return school


def batches(rows: int) -> int:
    """How many INSERT or UPDATE statements `rows` pupils take: one per 1,000 on PostgreSQL,
    more on SQLite, whose statements take at most 999 parameters."""
    fields = [field for field in OrganizationLearner._meta.concrete_fields if not field.primary_key]
    return math.ceil(rows / min(CHUNK_SIZE, connection.ops.bulk_batch_size(fields, [None] * rows)))


def run_import(organization, user, filename, data):
    now = timezone.now()
    job = learner_import_request(organization=organization, user=user, filename=filename, data=data, now=now,
                                 enqueue=False)
    learner_import_run(job.pk, now=now)
    job.refresh_from_db()
    return job


def test_the_siecle_sample_imports_its_two_pupils_in_their_class(sco, correspondent):
    sco.external_id = "123ABC"
    sco.save()

    job = run_import(sco, correspondent, "ElevesSansAdresses.xml", sample("siecle-two-valid-students.xml"))

    assert job.status == LearnerImport.Status.IMPORTED
    assert (job.created_count, job.updated_count, job.disabled_count) == (2, 0, 0)
    assert job.data is None, "the file holds minors' data: dropped once read"
    second = OrganizationLearner.objects.get(organization=sco, national_student_id="00000000124")
    assert (second.last_name, second.preferred_last_name, second.first_name, second.middle_name) == (
        "COVERT", "COJAUNE", "Harry", "Cocœ")
    assert second.division == "4A"
    assert second.birthdate == datetime.date(1994, 7, 1)


def test_the_sco_csv_sample_imports_its_two_pupils(sco, correspondent):
    job = run_import(sco, correspondent, "eleves.csv", sample("sco-csv-two-valid-students.csv"))

    assert job.status == LearnerImport.Status.IMPORTED
    assert set(OrganizationLearner.objects.filter(organization=sco).values_list("division", flat=True)) == {
        "Division 1", "Division 2"}


@pytest.mark.parametrize("name, code", [
    ("siecle-wrong-uai.xml", "UAI_MISMATCHED"),
    ("siecle-duplicate-ine.xml", "INE_DUPLICATED"),
    ("siecle-broken.xml", "XML_MALFORMED"),
])
def test_a_bad_file_imports_nothing_and_says_why(sco, correspondent, name, code):
    sco.external_id = "123ABC"
    sco.save()
    LearnerFactory(organization=sco, national_student_id="0000000001X")

    job = run_import(sco, correspondent, name, sample(name))

    assert job.status == LearnerImport.Status.VALIDATION_ERROR
    assert code in {problem["code"] for problem in job.errors}
    assert all(problem["message"] for problem in job.errors)
    assert OrganizationLearner.objects.filter(organization=sco).count() == 1
    assert not OrganizationLearner.objects.get(organization=sco).is_disabled, "nothing is disabled either"


def test_a_file_of_another_school_is_refused(sco, correspondent):
    data = siecle_xml("0999999Z", generated_students(5, divisions=["3e A"]))

    job = run_import(sco, correspondent, "ElevesSansAdresses.xml", data)

    assert job.status == LearnerImport.Status.VALIDATION_ERROR
    assert [problem["code"] for problem in job.errors] == ["UAI_MISMATCHED"]
    assert "L’UAI du fichier SIECLE ne correspond pas" in job.errors[0]["message"]
    assert not OrganizationLearner.objects.exists()


def test_a_thousand_pupils_import_in_a_bounded_number_of_queries(sco, correspondent, django_assert_max_num_queries):
    students = generated_students(1000, divisions=["6e A", "6e B", "5e A", "4e A", "3e A"], seed=3)
    data = siecle_xml(UAI, students)
    now = timezone.now()
    job = learner_import_request(organization=sco, user=correspondent, filename="eleves.xml", data=data, now=now,
                                 enqueue=False)

    # The worker's heartbeat, claim, read the row, status "validated", savepoint, existing
    # pupils, the INSERTs, the pupils without INE disabled, release, final status.
    with django_assert_max_num_queries(9 + batches(1000)):
        learner_import_run(job.pk, now=now)

    assert OrganizationLearner.objects.filter(organization=sco).count() == 1000
    assert OrganizationLearner.objects.filter(organization=sco, division="3e A").count() == 200


def test_a_new_import_adds_updates_moves_and_disables(sco, correspondent, django_assert_max_num_queries):
    students = generated_students(1000, divisions=["3e A", "3e B"], seed=4)
    run_import(sco, correspondent, "rentree.xml", siecle_xml(UAI, students))
    departed, moved, renamed = students[0], students[1], students[2]
    linked = OrganizationLearner.objects.get(national_student_id=departed.ine)
    participation = ParticipationFactory(campaign__organization=sco, organization_learner=linked, status="SHARED")
    newcomer = SiecleStudent(ine="1234567890N", first_name="Zoé", last_name="Nouvelle",
                             birthdate=datetime.date(2011, 3, 4), division="3e B")
    changed = [
        dataclasses.replace(moved, division="4e C"),
        dataclasses.replace(renamed, preferred_last_name="Nom d'usage"),
        *students[3:], newcomer,
    ]
    now = timezone.now()
    job = learner_import_request(organization=sco, user=correspondent, filename="janvier.xml",
                                 data=siecle_xml(UAI, changed), now=now, enqueue=False)

    # As above, plus one UPDATE for the 2 changed pupils and one for the departed one.
    with django_assert_max_num_queries(11 + batches(1)):
        learner_import_run(job.pk, now=now)

    job.refresh_from_db()
    assert (job.created_count, job.updated_count, job.disabled_count) == (1, 2, 1)
    learners = OrganizationLearner.objects.filter(organization=sco)
    assert learners.count() == 1001, "a pupil who left is disabled, never deleted"
    assert learners.get(national_student_id=departed.ine).is_disabled
    assert learners.get(national_student_id=moved.ine).division == "4e C"
    assert learners.get(national_student_id=renamed.ine).preferred_last_name == "Nom d'usage"
    assert learners.get(national_student_id=newcomer.ine).first_name == "Zoé"
    participation.refresh_from_db()
    assert participation.organization_learner_id == linked.pk, "his results stay with the school"


def test_a_pupil_who_comes_back_is_enabled_again(sco, correspondent):
    students = generated_students(3, divisions=["3e A"], seed=5)
    run_import(sco, correspondent, "a.xml", siecle_xml(UAI, students[:2]))
    run_import(sco, correspondent, "b.xml", siecle_xml(UAI, students[1:]))
    assert OrganizationLearner.objects.get(national_student_id=students[0].ine).is_disabled

    job = run_import(sco, correspondent, "c.xml", siecle_xml(UAI, students))

    assert not OrganizationLearner.objects.filter(organization=sco, is_disabled=True).exists()
    assert job.updated_count == 1


def test_pupils_of_another_school_are_never_touched(sco, other_school, correspondent):
    stranger = LearnerFactory(organization=other_school, national_student_id="5555555555A")
    students = [SiecleStudent(ine="5555555555A", first_name="Paul", last_name="Autre",
                              birthdate=datetime.date(2011, 1, 1), division="3e A")]

    run_import(sco, correspondent, "eleves.xml", siecle_xml(UAI, students))

    stranger.refresh_from_db()
    assert (stranger.first_name, stranger.is_disabled) != ("Paul", True)
    assert OrganizationLearner.objects.filter(national_student_id="5555555555A").count() == 2


def test_a_zip_holding_the_export_is_imported(sco, correspondent):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", siecle_xml(UAI, generated_students(10, divisions=["5e A"])))

    job = run_import(sco, correspondent, "ElevesSansAdresses.zip", buffer.getvalue())

    assert job.status == LearnerImport.Status.IMPORTED
    assert job.created_count == 10


def test_a_second_upload_while_one_runs_is_refused(sco, correspondent):
    now = timezone.now()
    data = siecle_xml(UAI, generated_students(2, divisions=["3e A"]))
    learner_import_request(organization=sco, user=correspondent, filename="a.xml", data=data, now=now, enqueue=False)

    with pytest.raises(LearnerError) as refused:
        learner_import_request(organization=sco, user=correspondent, filename="a.xml", data=data, now=now,
                               enqueue=False)

    assert refused.value.code == "IMPORT_RUNNING"
    assert LearnerImport.objects.count() == 1


def test_an_import_whose_worker_died_is_taken_over_and_runs_once(sco, correspondent):
    data = siecle_xml(UAI, generated_students(20, divisions=["3e A"]))
    started = timezone.now()
    job = learner_import_request(organization=sco, user=correspondent, filename="a.xml", data=data, now=started,
                                 enqueue=False)
    WorkerHeartbeat.objects.create(name="worker-1:4242", seen_at=started)
    LearnerImport.objects.filter(pk=job.pk).update(status=LearnerImport.Status.VALIDATING, started_at=started,
                                                   attempts=1, worker="worker-1:4242")
    silent = started + DEAD_AFTER + datetime.timedelta(seconds=1)

    assert learner_import_run(job.pk, now=started + DEAD_AFTER) == "skipped", "a live run is not taken over"
    assert learner_import_run(job.pk, now=silent) == "done", "its worker stopped beating a minute ago"
    assert learner_import_run(job.pk, now=silent + 2 * STALE_AFTER) == "skipped", "done once"
    assert OrganizationLearner.objects.count() == 20


def test_a_failure_while_writing_leaves_nothing_half_written(sco, correspondent, monkeypatch, caplog):
    data = siecle_xml(UAI, generated_students(1500, divisions=["3e A"]))

    def fail_after_the_inserts(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(OrganizationLearner.objects, "bulk_update", fail_after_the_inserts)

    job = run_import(sco, correspondent, "eleves.xml", data)

    assert job.status == LearnerImport.Status.IMPORT_ERROR
    assert "aucun élève n'a été modifié" in job.errors[0]["message"]
    assert not OrganizationLearner.objects.exists(), "the 1,500 inserts were rolled back"
    assert "failed while writing" in caplog.text


# --- The admin's page ----------------------------------------------------------------------

def upload(client, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("orga:learner_import"), {"file": SimpleUploadedFile(name, data)})


def test_the_admin_uploads_the_export_and_sees_it_imported(client, sco, correspondent,
                                                           django_capture_on_commit_callbacks):
    client.force_login(correspondent)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "ElevesSansAdresses.xml", siecle_xml(UAI, generated_students(12, divisions=["3e A"])))

    assert response.status_code == 302
    page = client.get(reverse("orga:learner_import")).content.decode()
    assert "Les participants ont bien été importés." in page
    assert "12 élève(s) ajouté(s)" in page
    assert client.get(reverse("learners:list")).content.decode().count("3e A") >= 12


def test_the_admin_reads_the_line_precise_errors_of_a_bad_file(client, sco, correspondent,
                                                               django_capture_on_commit_callbacks):
    client.force_login(correspondent)
    students = generated_students(3, divisions=["3e A"])
    students[1] = dataclasses.replace(students[1], ine=students[0].ine)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "eleves.xml", siecle_xml(UAI, students))

    page = client.get(reverse("orga:learner_import")).content.decode()
    assert "Erreurs dans le dernier fichier importé :" in page
    assert f"L’INE {students[0].ine} est présent plusieurs fois" in page
    assert "Ligne " in page


@pytest.mark.parametrize("name", ["eleves.pdf", "eleves.xlsx"])
def test_a_file_of_another_format_is_refused_at_once(client, sco, correspondent, name):
    client.force_login(correspondent)

    response = upload(client, name, b"%PDF-1.4")

    assert response.status_code == 200
    assert "Format de fichier non pris en charge" in response.content.decode()
    assert not LearnerImport.objects.exists()


def test_a_file_over_20_mb_is_refused(client, sco, correspondent, settings):
    client.force_login(correspondent)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None

    response = upload(client, "eleves.xml", b"<" * (20 * 1024 * 1024 + 1))

    assert "taille maximale autorisée (20 Mo)" in response.content.decode()
    assert not LearnerImport.objects.exists()


def test_a_teacher_who_is_not_admin_cannot_import(client, sco, teacher):
    client.force_login(teacher)

    response = upload(client, "eleves.xml", siecle_xml(UAI, generated_students(2, divisions=["3e A"])))

    assert response.status_code == 403
    assert not LearnerImport.objects.exists()
