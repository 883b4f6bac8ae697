"""A damaged or unreadable learner file (NUL bytes, binary content, another encoding) gets a
clear French error on the import page, and imports nobody; it never crashes the worker."""

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.siecle import generated_students, siecle_xml
from organizations import learner_import
from organizations.models import LearnerImport, OrganizationLearner
from tests.utils import text

UAI = "0751234A"
CSV_SAMPLE = (Path(__file__).parent / "siecle" / "sco-csv-two-valid-students.csv").read_bytes()
# A PNG's first bytes: what a photo renamed .csv looks like.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66"


@pytest.fixture
def admin_client(client, school, correspondent):
    school.is_managing_students = True
    school.save()
    client.force_login(correspondent)
    return client


def import_page(client, name, data, capture):
    with capture(execute=True):
        client.post(reverse("orga:learner_import"), {"file": SimpleUploadedFile(name, data)})
    return text(client.get(reverse("orga:learner_import")))


def xml_with_a_nul_in_a_name() -> bytes:
    data = siecle_xml(UAI, generated_students(3, divisions=["3e A"]))
    start = data.index(b"<NOM_DE_FAMILLE>") + len(b"<NOM_DE_FAMILLE>")
    return data[:start] + b"Dur\x00and" + data[start:]


def zipped(name, data) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


CSV_UNREADABLE = "Le fichier contient des caractères illisibles (ligne {line}) : ce n’est pas un fichier CSV"
XML_UNREADABLE = "Le fichier XML contient des caractères illisibles (ligne {line}) : il a été endommagé"


def line_of_nul(data: bytes) -> int:
    return data.count(b"\n", 0, data.index(b"\x00")) + 1


@pytest.mark.parametrize("name, data, message", [
    ("eleves.csv", CSV_SAMPLE.replace(b"4581234567G", b"4581234567G\x00"), CSV_UNREADABLE.format(line=3)),
    ("eleves.csv", CSV_SAMPLE.replace(b"MEF1", b"ME\x1bF1", 1), CSV_UNREADABLE.format(line=2)),
    ("photo.csv", PNG, CSV_UNREADABLE.format(line=2)),
    ("eleves.xml", xml_with_a_nul_in_a_name(), XML_UNREADABLE.format(line=line_of_nul(xml_with_a_nul_in_a_name()))),
    ("eleves.zip", zipped("ElevesSansAdresses.xml", xml_with_a_nul_in_a_name()),
     XML_UNREADABLE.format(line=line_of_nul(xml_with_a_nul_in_a_name()))),
    ("eleves.xml", bytes(range(256)) * 8, XML_UNREADABLE.format(line=1)),
    ("eleves.csv", bytes(range(256)) * 8, "L’encodage du fichier n’est pas reconnu"),
    ("eleves.csv", "Nom;Prénom\nÉlève;Zoé\n".encode("utf-32"), CSV_UNREADABLE.format(line=1)),
], ids=["csv-nul", "csv-escape", "png-as-csv", "xml-nul", "zip-xml-nul", "binary-xml", "binary-csv", "utf-32"])
def test_an_unreadable_file_gets_a_french_error_and_imports_nobody(
    admin_client, name, data, message, django_capture_on_commit_callbacks,
):
    page = import_page(admin_client, name, data, django_capture_on_commit_callbacks)

    assert "Erreurs dans le dernier fichier importé :" in page
    assert message in page
    assert LearnerImport.objects.get().status == LearnerImport.Status.VALIDATION_ERROR
    assert LearnerImport.objects.get().data is None
    assert not OrganizationLearner.objects.exists()


def test_a_csv_saved_as_unicode_text_with_semicolons_is_read(admin_client, django_capture_on_commit_callbacks):
    data = codecs.BOM_UTF16_LE + CSV_SAMPLE.decode("utf-8").encode("utf-16-le")

    page = import_page(admin_client, "eleves.csv", data, django_capture_on_commit_callbacks)

    assert "Les participants ont bien été importés." in page
    assert sorted(OrganizationLearner.objects.values_list("first_name", flat=True)) == ["Léa", "Léo"]


def test_a_file_the_reader_did_not_foresee_is_refused_with_a_french_message(
    admin_client, monkeypatch, caplog, django_capture_on_commit_callbacks,
):
    def unforeseen(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(learner_import, "parse_learner_file", unforeseen)

    page = import_page(admin_client, "eleves.csv", CSV_SAMPLE, django_capture_on_commit_callbacks)

    assert "Le fichier n'a pas pu être lu : importez l'export SIECLE (.xml ou .zip) sans le modifier" in page
    assert LearnerImport.objects.get().status == LearnerImport.Status.VALIDATION_ERROR
    assert "the file could not be read" in caplog.text
