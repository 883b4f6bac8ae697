"""One request per answer in the browser (issue #23): with JavaScript the answer's POST brings
the next question, which takes the page's title and the focus as a new page would; without
JavaScript the same form posts and redirects."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Answer
from learning_content.repository import get_content
from tests.conftest import PASSWORD

from .conftest import assert_accessible
from .test_pupil_tries import started_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEXT_SCREEN = re.compile(r"^(Question 2 / 5|Question chronométrée) – Parcours de rentrée 3e \| Pix$")


def a_qcu():
    return next(c for c in sorted(get_content().challenges.values(), key=lambda c: c.id)
                if c.type == "QCU" and c.status == "validé" and not c.is_timed)


def test_an_answer_is_one_request_and_the_next_question_takes_the_title_and_the_focus(visitor, student, evaluation):
    participation = started_on(evaluation, student, a_qcu())
    visitor.sign_in(student.email, PASSWORD)
    url = f"/evaluations/{participation.assessment_id}/"
    page = visitor.goto(url)
    expect(page).to_have_title(re.compile(r"^Question 1 / 5"))
    requests = []
    page.on("request", lambda request: requests.append((request.method, request.url)) if "/evaluations/" in request.url
            else None)

    page.locator("label[for=proposition-1]").click()
    page = visitor.send("Je valide")

    assert requests == [("POST", visitor.base_url + url)]
    assert page.url == visitor.base_url + url
    expect(page).to_have_title(NEXT_SCREEN)
    assert page.evaluate("document.activeElement.tagName") == "H1"
    assert page.evaluate("document.activeElement.textContent").startswith(("Question 2 / 5", "Question chronométrée"))
    assert Answer.objects.count() == 1
    # One page: one header, one footer, one main.
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator("footer")).to_have_count(1)


def test_an_answer_that_cannot_be_sent_says_so_and_can_be_sent_again(visitor, student, evaluation):
    participation = started_on(evaluation, student, a_qcu())
    visitor.sign_in(student.email, PASSWORD)
    page = visitor.goto(f"/evaluations/{participation.assessment_id}/")
    page.locator("label[for=proposition-1]").click()

    page.route("**/evaluations/*/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.get_by_role("button", name="Je valide").click()

    expect(page.get_by_text("Votre réponse n'a pas pu être envoyée.")).to_be_visible()
    assert_accessible(page)
    assert not Answer.objects.exists()
    page.unroute("**/evaluations/*/")
    page = visitor.send("Je valide")
    expect(page).to_have_title(NEXT_SCREEN)
    assert Answer.objects.count() == 1


def test_without_javascript_the_answer_posts_and_the_next_page_comes(browser, live_server, student, evaluation):
    participation = started_on(evaluation, student, a_qcu())
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # No axe here: it needs JavaScript in the page.
    page.goto(live_server.url + "/compte/login/")
    page.get_by_label("Adresse e-mail ou identifiant", exact=True).fill(student.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Je me connecte").click()
    page.goto(f"{live_server.url}/evaluations/{participation.assessment_id}/")

    page.locator("label[for=proposition-1]").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Je valide").click()

    expect(page).to_have_title(NEXT_SCREEN)
    assert page.url == f"{live_server.url}/evaluations/{participation.assessment_id}/"
    assert Answer.objects.count() == 1
    context.close()
