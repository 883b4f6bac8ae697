"""« Supprimer » a SIECLE pupil from his page, behind the confirmation that says what goes, and
« Supprimer mon compte » on a phone's width."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import User
from organizations.models import OrganizationLearner
from tests.conftest import PASSWORD
from tests.factories import LearnerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_reads_what_goes_cancels_then_erases_the_pupil(visitor, school, correspondent):
    school.is_managing_students = True
    school.save()
    ines = LearnerFactory(organization=school, first_name="Inès", last_name="Benali", division="3e B",
                          birthdate=datetime.date(2011, 9, 12))
    LearnerFactory(organization=school, first_name="Lucas", last_name="Le Goff", division="3e A")
    page = visitor.sign_in(correspondent.email, PASSWORD, path="/orga/connexion/")
    page = visitor.goto(f"/orga/eleves/{ines.pk}/")

    page = visitor.click("link", "Supprimer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer Inès Benali ?")
    expect(page.get_by_text("date et lieu de naissance, INE, code MEF, statut et classe")).to_be_visible()
    expect(page.get_by_text("Si vous importez à nouveau un fichier SIECLE où figure cet élève")).to_be_visible()
    page = visitor.click("link", "Annuler")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inès Benali")
    assert OrganizationLearner.objects.get(pk=ines.pk).last_name == "Benali"

    page = visitor.click("link", "Supprimer")
    page = visitor.click("button", "Oui, je supprime ses données")

    expect(page.get_by_text("Les données de l'élève ont été effacées.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves (1)")
    expect(page.get_by_text("Benali")).to_have_count(0)
    assert OrganizationLearner.objects.get(pk=ines.pk).national_student_id == ""


def test_a_pupil_deletes_his_account_on_a_phone(visitor, page, db):
    pupil = UserFactory(email="ada@famille.test", first_name="Ada", last_name="Lovelace")
    page.set_viewport_size({"width": 320, "height": 700})
    visitor.sign_in(pupil.email, PASSWORD)

    page = visitor.goto("/")
    page.get_by_role("button", name="Menu").click()
    page = visitor.follow(page.get_by_role("link", name="Ada Lovelace – Mon compte"))
    page = visitor.click("link", "Supprimer mon compte")
    expect(page.get_by_text("elles restent dans les statistiques des établissements")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    visitor.fill("Mot de passe actuel", PASSWORD)
    page.get_by_text("J'ai compris que mon compte").click()
    page = visitor.click("button", "Supprimer définitivement mon compte")

    expect(page.get_by_text("Votre compte a été supprimé.")).to_be_visible()
    assert not User.objects.get(pk=pupil.pk).is_active
