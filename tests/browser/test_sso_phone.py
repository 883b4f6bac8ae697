"""The pages of ENT sign-in on a pupil's phone: 320 and 375 px wide, axe-core clean."""

import pytest

from sso.identities import ExternalUser
from sso.models import OidcProvider
from sso.services import external_user_token

from .conftest import assert_accessible
from .test_phone import assert_fits_a_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def arrive_from_the_ent(page, live_server):
    page.context.add_cookies([{
        "name": "sso_external_user", "url": live_server.url + "/sso/",
        "value": external_user_token(ExternalUser("GAR", "IDO-1", "Marie-Bernadette", "De La Fontaine-Dupont")),
    }])


def test_the_ent_sign_in_pages_fit_a_phone(page, live_server, student):
    OidcProvider.objects.create(slug="e-lyco", name="e-lyco (Pays de la Loire)", discovery_url="https://ent.test/",
                                client_id="x")
    assert_fits_a_phone(page, live_server.url + "/compte/login/")
    arrive_from_the_ent(page, live_server)

    assert_fits_a_phone(page, live_server.url + "/sso/premiere-visite/")
    assert "Bienvenue Marie-Bernadette" in page.content()
    page.get_by_label("Code du parcours").fill("ZZZZZZ999")
    page.get_by_label("Date de naissance").fill("14/03/2012")
    page.get_by_role("button", name="C'est parti !").click()
    page.wait_for_load_state()
    assert "Votre code est erroné" in page.content()
    assert_accessible(page)

    sign_in(page, live_server, student)
    arrive_from_the_ent(page, live_server)
    assert_fits_a_phone(page, live_server.url + "/sso/associer/")
    assert "Vous êtes connecté au compte Pix eleve@college.test" in page.content()
    page.context.clear_cookies()
    assert_fits_a_phone(page, live_server.url + "/sso/associer/")
