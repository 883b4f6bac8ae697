"""The page chrome kept in the process ({% memo %}, lib/memo.py): rendered once, then the same
bytes, but never what belongs to the request or to another language (issue #23)."""

import pytest
from django.conf import settings
from django.test.signals import template_rendered
from django.urls import reverse

from tests.factories import UserFactory
from tests.utils import text


@pytest.fixture
def rendered():
    """The names of the templates rendered while the test runs."""
    names = []

    def seen(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    yield names
    template_rendered.disconnect(seen)


def test_the_footer_is_rendered_once_then_served_from_the_process(client, db, rendered):
    first = text(client.get(reverse("account_login")))
    assert "partials/footer.html" in rendered

    rendered.clear()
    second = text(client.get(reverse("account_login")))

    assert "partials/footer.html" not in rendered
    assert "Mentions légales" in second and second.count('id="pied-de-page"') == 1
    assert first.split('id="pied-de-page"')[1] == second.split('id="pied-de-page"')[1]


def test_each_language_has_its_own_chrome(client, db):
    assert "Mentions légales" in text(client.get(reverse("home")))

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = text(client.get(reverse("home")))

    assert "Legal notice" in english and "Mentions légales" not in english
    assert '<html lang="en"' in english


def test_the_menu_follows_the_visitor_and_the_current_page(client, db):
    anonymous = text(client.get(reverse("participations:code")))
    assert "Mes parcours" not in anonymous
    assert f'href="{reverse("participations:code")}" aria-current="page"' in anonymous

    client.force_login(UserFactory(first_name="Ada", last_name="Lovelace"))
    on_code = text(client.get(reverse("participations:code")))
    on_mine = text(client.get(reverse("participations:mine")))

    assert "Mes parcours" in on_code and "Compétences" in on_code
    assert f'href="{reverse("participations:code")}" aria-current="page"' in on_code
    assert f'href="{reverse("participations:mine")}" aria-current="page"' in on_mine
    assert f'href="{reverse("participations:code")}" aria-current="page"' not in on_mine


def test_what_belongs_to_the_request_stays_outside(client, db):
    """The account button names whoever is signed in, the forms carry his own CSRF token."""
    client.force_login(UserFactory(first_name="Ada", last_name="Lovelace"))
    ada = text(client.get(reverse("participations:mine")))
    client.logout()
    client.force_login(UserFactory(first_name="Alan", last_name="Turing"))
    alan = text(client.get(reverse("participations:mine")))

    assert "Ada Lovelace" in ada and "Ada Lovelace" not in alan and "Alan Turing" in alan
    token = 'name="csrfmiddlewaretoken" value="'
    assert ada.split(token)[1].split('"')[0] != alan.split(token)[1].split('"')[0]


def test_with_debug_on_every_page_renders_its_chrome(client, db, rendered, settings):
    settings.DEBUG = True
    client.get(reverse("account_login"))
    rendered.clear()

    client.get(reverse("account_login"))

    assert "partials/footer.html" in rendered
