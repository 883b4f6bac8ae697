"""Sign-in through an OIDC provider added in the admin, the provider faked at the HTTP level."""

import base64
import logging

import pytest
import responses
from django.contrib.auth import get_user
from django.urls import reverse
from joserfc.jwk import RSAKey

from sso.models import ExternalIdentity, OidcProvider
from sso.oidc import client_secret
from tests.conftest import PASSWORD
from tests.factories import InvitationFactory, UserFactory
from tests.utils import text

from .fake_op import DISCOVERY, FakeOp

SECRET = "s3cret-du-client"


@pytest.fixture
def op():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeOp(mock, client_id="pix-orga", client_secret=SECRET)


@pytest.fixture
def provider(client, db, op):
    """e-lyco, added by the site's administrator in the admin."""
    admin = UserFactory(email="admin@plateforme.test", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("admin:sso_oidcprovider_add"), {
        "slug": "e-lyco", "name": "e-lyco", "discovery_url": DISCOVERY, "client_id": "pix-orga",
        "client_secret": SECRET, "client_secret_env": "", "scopes": "openid profile",
        "claim_mapping": "{}", "enabled": "on", "visible": "on",
    })
    assert response.status_code == 302, text(response)
    client.logout()
    return OidcProvider.objects.get(slug="e-lyco")


def sign_in_with(client, op, provider_slug="e-lyco", next_url=""):
    leaving = client.get(reverse("sso:oidc_login", args=[provider_slug]) + (f"?next={next_url}" if next_url else ""))
    assert leaving.status_code == 302 and leaving.url.startswith("https://ent.test/authorize?")
    return client.get(op.authorize(leaving.url))


def test_the_secret_typed_in_the_admin_is_stored_sealed(client, provider):
    assert SECRET.encode() not in bytes(provider.client_secret_sealed)
    assert client_secret(provider) == SECRET
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert SECRET not in text(client.get(reverse("admin:sso_oidcprovider_change", args=[provider.pk])))


def test_the_sign_in_page_offers_the_visible_providers(client, provider):
    OidcProvider.objects.create(slug="cache", name="Fournisseur caché", discovery_url=DISCOVERY, client_id="x",
                                visible=False)

    page = text(client.get(reverse("account_login")))

    assert "Se connecter avec e-lyco" in page and "Fournisseur caché" not in page
    assert "Se connecter avec e-lyco" in text(client.get(reverse("orga:login")))


def test_a_known_identity_signs_in_and_the_code_is_exchanged_with_the_secret(client, op, provider, student):
    ExternalIdentity.objects.create(provider="oidc:e-lyco", external_id="sub-ada", user=student)

    response = sign_in_with(client, op, next_url=reverse("participations:mine"))

    assert response.status_code == 302 and response.url == reverse("participations:mine")
    assert get_user(client) == student
    exchange = op.token_requests[0]
    assert exchange.headers["Authorization"] == "Basic " + base64.b64encode(f"pix-orga:{SECRET}".encode()).decode()


def test_the_secret_can_come_from_the_environment(client, op, provider, student, monkeypatch):
    OidcProvider.objects.filter(pk=provider.pk).update(client_secret_sealed=b"", client_secret_env="ELYCO_SECRET")
    monkeypatch.setenv("ELYCO_SECRET", "secret-from-env")
    ExternalIdentity.objects.create(provider="oidc:e-lyco", external_id="sub-ada", user=student)

    sign_in_with(client, op)

    assert op.token_requests[0].headers["Authorization"].endswith(base64.b64encode(b"pix-orga:secret-from-env").decode())


def test_an_unknown_identity_goes_to_the_first_visit(client, op, provider):
    response = sign_in_with(client, op)

    assert response.url == reverse("sso:first_visit")
    page = client.get(response.url)
    assert "Bienvenue Ada" in text(page) and "C'est votre première connexion par e-lyco." in text(page)
    assert not ExternalIdentity.objects.exists()


def test_missing_names_are_read_from_userinfo(client, op, provider, student):
    OidcProvider.objects.filter(pk=provider.pk).update(claim_mapping={"first_name": "email"})
    ExternalIdentity.objects.create(provider="oidc:e-lyco", external_id="sub-ada", user=student)

    sign_in_with(client, op)

    assert ExternalIdentity.objects.get().complement == {"first_name": "ada@ent.test", "last_name": "Lovelace"}


def test_an_invited_member_signs_in_to_pix_orga_through_the_provider(client, op, provider, school, correspondent):
    InvitationFactory(organization=school, email="rosa@college.test", token="tok")
    client.post(reverse("orga:invitation_signup", args=["tok"]), {
        "first_name": "Rosa", "last_name": "Parks", "password": "Motdepasse1", "accept_terms": "on",
    })
    rosa = get_user(client)
    assert rosa.email == "rosa@college.test"

    assert sign_in_with(client, op).url == reverse("sso:attach")
    client.post(reverse("sso:attach"))
    client.logout()
    sign_in_with(client, op, next_url=reverse("orga:home"))

    assert get_user(client) == rosa
    home = client.get(reverse("orga:home"), follow=True)
    assert home.status_code == 200 and "Collège Victor Hugo" in text(home)


def test_a_member_who_signs_in_with_his_password_first_can_attach(client, op, provider, teacher):
    client.post(reverse("account_login"), {"login": teacher.email, "password": PASSWORD})

    sign_in_with(client, op)
    client.post(reverse("sso:attach"))

    assert ExternalIdentity.objects.get().user == teacher


def _other_key():
    return RSAKey.generate_key(2048, parameters={"kid": "op-key"})


REFUSALS = {
    "wrong audience": ({"aud": "un-autre-client"}, None, "ID token aud refused"),
    "wrong issuer": ({"iss": "https://faux-ent.test"}, None, "ID token iss refused"),
    "wrong nonce": ({"nonce": "rejoue"}, None, "ID token nonce refused"),
    "expired": ({"exp": 1_000_000_000}, None, "ID token exp refused"),
    "forged signature": ({}, _other_key, "(SIGNATURE)"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_id_token_is_refused_in_french_and_logged(client, op, provider, student, case, caplog):
    ExternalIdentity.objects.create(provider="oidc:e-lyco", external_id="sub-ada", user=student)
    op.overrides, signing_key, logged = REFUSALS[case]
    if signing_key:
        op.signing_key = signing_key()

    with caplog.at_level(logging.WARNING, logger="sso.views"):
        response = sign_in_with(client, op)

    assert response.status_code == 403 and "La connexion avec e-lyco a échoué." in text(response)
    assert "OIDC e-lyco sign-in refused" in caplog.text and logged in caplog.text
    assert not get_user(client).is_authenticated


def test_a_callback_with_another_state_is_refused(client, op, provider, student, caplog):
    ExternalIdentity.objects.create(provider="oidc:e-lyco", external_id="sub-ada", user=student)
    leaving = client.get(reverse("sso:oidc_login", args=["e-lyco"]))
    forged = op.authorize(leaving.url).replace("state=", "state=x")

    with caplog.at_level(logging.WARNING, logger="sso.views"):
        response = client.get(forged)

    assert response.status_code == 403 and "(STATE)" in caplog.text and not op.token_requests


def test_a_disabled_provider_is_not_offered(client, op, provider):
    OidcProvider.objects.filter(pk=provider.pk).update(enabled=False)

    assert client.get(reverse("sso:oidc_login", args=["e-lyco"])).status_code == 404
    assert "e-lyco" not in text(client.get(reverse("account_login")))


def test_the_sign_in_page_reads_the_providers_in_one_query(client, db, django_assert_num_queries):
    for number in range(5):
        OidcProvider.objects.create(slug=f"ent-{number}", name=f"ENT {number}", discovery_url=DISCOVERY, client_id="x")

    # The session is not read (anonymous, no cookie): the providers' list is the only query.
    with django_assert_num_queries(1):
        page = text(client.get(reverse("account_login")))

    assert all(f"Se connecter avec ENT {number}" in page for number in range(5))


def test_the_buttons_are_kept_a_moment_and_a_change_made_here_shows_at_once(client, provider, monkeypatch):
    """The sign-in page reads the providers once per 30 s per process (sso.selectors): saved
    here, the change shows at once; made by another process (an UPDATE), within the delay."""
    import lib.memo
    from sso.selectors import VISIBLE_PROVIDERS_SECONDS

    assert "Se connecter avec e-lyco" in text(client.get(reverse("account_login")))
    OidcProvider.objects.filter(pk=provider.pk).update(visible=False)
    assert "Se connecter avec e-lyco" in text(client.get(reverse("account_login")))

    later = lib.memo._now() + VISIBLE_PROVIDERS_SECONDS + 1
    monkeypatch.setattr(lib.memo, "_now", lambda: later)
    assert "Se connecter avec e-lyco" not in text(client.get(reverse("account_login")))

    provider.refresh_from_db()
    provider.visible = True
    provider.save()
    assert "Se connecter avec e-lyco" in text(client.get(reverse("account_login")))
