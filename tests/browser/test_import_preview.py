"""A wrong file no longer empties a school (#21 item 3): at 1366 px the administrator reads
what the import would do, with a warning when most pupils would leave, and only his
confirmation changes the base."""

import datetime

import pytest
from playwright.sync_api import expect

from demo.siecle import generated_students, siecle_xml
from organizations.learner_import import learner_import_unattended
from organizations.models import LearnerImport, OrganizationLearner
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_two_pupil_file_is_previewed_with_a_warning_and_waits_for_the_confirmation(
    visitor, page, school, correspondent, tmp_path,
):
    school.is_managing_students = True
    school.save()
    students = generated_students(38, divisions=["3e A", "3e B"], seed=21)
    learner_import_unattended(organization=school, user=correspondent, filename="rentree.xml",
                              data=siecle_xml(school.external_id, students), now=datetime.datetime.now(datetime.UTC))
    wrong_file = tmp_path / "eleves-3e-A.xml"
    wrong_file.write_bytes(siecle_xml(school.external_id, students[:2]))
    page.set_viewport_size({"width": 1366, "height": 900})
    visitor.sign_in(correspondent.email, PASSWORD, path="/orga/connexion/")

    visitor.goto("/orga/eleves/importer/")
    page.get_by_label("Fichier de la base élèves").set_input_files(wrong_file)
    visitor.click("button", "Importer")

    expect(page.get_by_role("heading", name="Aperçu de l'import : rien n'a encore changé")).to_be_visible(timeout=10000)
    expect(page.get_by_role("alert")).to_contain_text("36 élèves sur 38 vont quitter l'établissement")
    preview = page.get_by_role("table", name="Aperçu de l'import")
    expect(preview.get_by_role("row", name="Quittent")).to_contain_text("36")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert OrganizationLearner.objects.filter(organization=school, is_disabled=False).count() == 38

    confirm = page.get_by_role("button", name="Confirmer l'import")
    with page.expect_navigation():
        confirm.dblclick()
    expect(page.get_by_text("Les participants ont bien été importés.")).to_be_visible(timeout=10000)
    expect(page.get_by_text("0 élève(s) ajouté(s), 0 mis à jour, 36 désactivé(s).")).to_be_visible()
    assert LearnerImport.objects.filter(status=LearnerImport.Status.IMPORTED).count() == 2
    assert OrganizationLearner.objects.filter(organization=school, is_disabled=False).count() == 2
