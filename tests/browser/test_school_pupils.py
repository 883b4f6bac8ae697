import datetime
import re

import pytest
from playwright.sync_api import expect

from demo.siecle import SiecleStudent, siecle_xml
from organizations.learner_import import learner_import_request, learner_import_run
from organizations.learners import learner_link
from organizations.models import OrganizationLearner
from participations.models import CampaignParticipation
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory, UserFactory

from .test_student_journey import enter_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def base(school, correspondent):
    """The school manages its students and imported its SIECLE export."""
    school.is_managing_students = True
    school.save()
    students = [
        SiecleStudent(ine="0123456789A", first_name="Lucas", last_name="Le Goff",
                      birthdate=datetime.date(2011, 3, 7), division="3e A", sex="M"),
        SiecleStudent(ine="0123456789B", first_name="Inès", last_name="Benali",
                      birthdate=datetime.date(2011, 9, 12), division="3e B"),
    ]
    now = datetime.datetime.now(datetime.UTC)
    job = learner_import_request(organization=school, user=correspondent, filename="ElevesSansAdresses.xml",
                                 data=siecle_xml(school.external_id, students), now=now, enqueue=False)
    learner_import_run(job.pk, now=now)
    return school


def test_a_pupil_joins_by_his_name_and_birthdate_with_a_typo_but_not_as_another(
    visitor, base, teacher, student, referential
):
    ines = UserFactory(email="ines@college.test", first_name="Inès", last_name="Benali")
    learner_link(learner=OrganizationLearner.objects.get(national_student_id="0123456789B"), user=ines)
    campaign = CampaignFactory(organization=base, creator=teacher, name="3e A - Collecte")
    page = visitor.sign_in(student.email, PASSWORD)
    page = enter_code(visitor, page, campaign.code)
    page = visitor.click("button", "C'est parti !")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoignez l'organisation Collège Victor Hugo")

    visitor.fill("Prénom", "Inès")
    visitor.fill("Nom", "Benali")
    page.get_by_label("Date de naissance").fill("12/09/2011")
    page = visitor.click("button", "C'est parti !")
    expect(page.get_by_role("alert")).to_contain_text("Vous possédez déjà un compte Pix avec l'adresse e-mail i***@college.test")
    expect(page.get_by_role("alert")).to_contain_text("(Code R31)")

    visitor.fill("Prénom", "Lukas")
    visitor.fill("Nom", "LE GOFF")
    page.get_by_label("Date de naissance").fill("07/03/2011")
    page = visitor.click("button", "C'est parti !")
    expect(page.get_by_text("Le compte Pix « eleve@college.test » va être associé à l'élève : Lucas Le Goff.")).to_be_visible()
    page = visitor.click("button", "Associer")

    expect(page.get_by_role("heading", level=1)).to_have_text("Envoi de votre profil Pix")
    page = visitor.click("button", "J'envoie mon profil")
    expect(page.get_by_text("Merci, votre profil a bien été envoyé !")).to_be_visible()
    participation = CampaignParticipation.objects.get()
    assert participation.organization_learner.national_student_id == "0123456789A"
    assert participation.user == student

    visitor.click("button", "Se déconnecter")
    page = visitor.sign_in("prof@college.test", PASSWORD, path="/orga/connexion/")
    page = visitor.goto(f"/orga/campagnes/{campaign.pk}/resultats/")
    expect(page.get_by_role("row", name=re.compile("Le Goff Lucas 3e A"))).to_be_visible()
    page = visitor.follow(page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Élèves"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Élèves (2)")
    expect(page.get_by_role("row", name=re.compile(r"Le Goff Lucas 07\/03\/2011 3e A Adresse e-mail 1"))).to_be_visible()
