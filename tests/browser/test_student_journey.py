import re

import pytest
from playwright.sync_api import expect

from assessments.models import Answer
from learning_content.repository import get_content
from participations.models import CampaignParticipation
from tests.conftest import PASSWORD
from tests.factories import CampaignFactory
from tests.participations.student import correct_form, wrong_form

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def enter_code(visitor, page, code):
    visitor.follow(page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="J'ai un code"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada, saisissez votre code")
    page.get_by_label("Code").fill(code.lower())
    return visitor.click("button", "Accéder au parcours")


def answer(page, challenge, form):
    if challenge.type in ("QCU", "QCM"):
        numbers = form["answer"] if isinstance(form["answer"], list) else [form["answer"]]
        for number in numbers:
            page.locator(f"label[for=proposition-{number}]").click()
        return
    for name, value in form.items():
        field = page.locator(f"[name='{name}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            options = field.locator("option").all_inner_texts()
            field.select_option(value if value in options else options[-1])
        else:
            field.fill(value)


def test_the_pupil_sends_his_profile_as_in_the_seed(visitor, school, teacher, student, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte")
    page = visitor.sign_in(student.email, PASSWORD)

    page = enter_code(visitor, page, campaign.code)
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoyez votre profil")
    page = visitor.click("button", "C'est parti !")
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoi de votre profil Pix")
    expect(page.get_by_text("Destinataire : Collège Victor Hugo")).to_be_visible()
    expect(page.get_by_text("Cet envoi n'est possible qu'une seule fois")).to_be_visible()
    page = visitor.click("button", "J'envoie mon profil")

    expect(page.get_by_text("Merci, votre profil a bien été envoyé !")).to_be_visible()
    expect(page.get_by_role("link", name="Continuez votre expérience Pix")).to_be_visible()
    assert CampaignParticipation.objects.get().status == "SHARED"


def test_the_pupil_takes_the_evaluation_and_the_teacher_receives_it(visitor, school, teacher, student, referential):
    campaign = CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", name="3e A - Rentrée",
                               target_profile_id="tp-rentree-3e", title="Parcours de rentrée 3e")
    content = get_content()
    page = visitor.sign_in(student.email, PASSWORD)
    page = enter_code(visitor, page, campaign.code)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada, commencez votre parcours")
    page = visitor.click("button", "Je commence")

    checkpoints = answers = 0
    while True:
        if page.get_by_role("button", name="Commencer l'épreuve").count():
            page = visitor.send("Commencer l'épreuve")
        if page.get_by_role("heading", name=re.compile("Avancement|Fin de votre évaluation")).count():
            checkpoints += 1
            expect(page.get_by_text("Vos réponses")).to_be_visible()
            if page.get_by_role("link", name="Voir mes résultats").count():
                page = visitor.click("link", "Voir mes résultats")
                break
            with page.expect_navigation():
                page.get_by_role("link", name="Continuer").click()
            continue
        expect(page.get_by_text(re.compile(r"Question \d / 5"))).to_be_visible()
        if answers == 0:
            assert_accessible(page)
        challenge = content.challenges[page.locator("input[name=challenge_id]").input_value()]
        knows = content.skills[challenge.skill_id].level <= 2
        answer(page, challenge, correct_form(challenge) if knows else wrong_form(challenge))
        page = visitor.send("Je valide", audit=False)
        answers += 1
        assert answers < 80

    # Every « Je valide » stored its answer: none went to another address or was lost.
    assert Answer.objects.count() == answers
    assert checkpoints == (answers + 4) // 5
    expect(page.get_by_text(re.compile(r"Vous maîtrisez \d+ % des compétences testées"))).to_be_visible()
    page = visitor.click("button", "J'envoie mes résultats")
    expect(page.get_by_text("Merci, vos résultats ont bien été envoyés !")).to_be_visible()
    participation = CampaignParticipation.objects.get()
    assert participation.status == "SHARED" and 0 < participation.mastery_rate < 1

    visitor.click("button", "Se déconnecter")
    page = visitor.sign_in(teacher.email, PASSWORD, path="/orga/connexion/")
    visitor.follow(page.locator(".fr-sidemenu").get_by_role("link", name="Campagnes"))
    row = page.get_by_role("row", name=re.compile("3e A - Rentrée"))
    expect(row.get_by_role("cell").nth(4)).to_have_text("1")
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")
