"""Sign-in through the GAR: pysaml2's IdP signs responses in process, the test client posts
them to the ACS as the pupil's browser does."""

import base64
import datetime
import logging
from urllib.parse import parse_qs, urlparse

import pytest
import saml2.time_util
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.models import User
from organizations.models import OrganizationLearner
from sso.models import ExternalIdentity, UsedSamlAssertion
from tests.factories import CampaignFactory, LearnerFactory, UserFactory
from tests.utils import text

from .conftest import OTHER_SP

BIRTHDATE = datetime.date(2012, 3, 14)


@pytest.fixture
def gar_school(school):
    school.is_managing_students = True
    school.save()
    return school


@pytest.fixture
def campaign(gar_school):
    return CampaignFactory(organization=gar_school)


@pytest.fixture
def pupil(gar_school):
    return LearnerFactory(organization=gar_school, first_name="Ada", last_name="Lovelace", birthdate=BIRTHDATE)


def post_to_acs(client, saml_response):
    return client.post(reverse("sso:gar_acs"), {"SAMLResponse": saml_response})


def first_visit(client, gar, campaign, birthdate="14/03/2012", **identity):
    arrival = post_to_acs(client, gar.response(**identity))
    assert arrival.status_code == 302 and arrival.url == reverse("sso:first_visit")
    return client.post(reverse("sso:first_visit"), {"code": campaign.code, "birthdate": birthdate})


def test_the_metadata_name_the_service_and_its_assertion_consumer(client, gar):
    response = client.get(reverse("sso:gar_metadata"))

    assert response.status_code == 200 and response["Content-Type"] == "application/samlmetadata+xml"
    body = response.content.decode()
    assert 'entityID="http://testserver/sso/gar/metadata/"' in body
    assert 'Location="http://testserver/sso/gar/acs/"' in body and "X509Certificate" in body


def test_without_the_gar_settings_its_pages_do_not_exist(client, db, settings):
    settings.GAR_IDP_METADATA = ""

    assert client.get(reverse("sso:gar_metadata")).status_code == 404
    assert client.post(reverse("sso:gar_acs"), {"SAMLResponse": "x"}).status_code == 404


def test_an_unknown_gar_user_gets_no_account_before_he_is_found_in_his_school(client, gar, campaign, pupil):
    arrival = post_to_acs(client, gar.response(ido="IDO-ADA"))

    assert arrival.status_code == 302 and arrival.url == reverse("sso:first_visit")
    assert not ExternalIdentity.objects.exists() and User.objects.count() == 1  # the campaign's creator
    pending = arrival.cookies["sso_external_user"]
    assert pending["path"] == "/sso/" and pending["httponly"] and pending["samesite"] == "Lax"
    assert int(pending["max-age"]) == 3600
    page = client.get(arrival.url)
    assert "Bienvenue Ada" in text(page) and "Code du parcours" in text(page)


def test_the_first_visit_creates_a_gar_account_linked_to_the_pupil(client, gar, campaign, pupil):
    response = first_visit(client, gar, campaign, ido="IDO-ADA")

    assert response.status_code == 302 and response.url == reverse("participations:entry", args=[campaign.code])
    identity = ExternalIdentity.objects.get()
    assert (identity.provider, identity.external_id) == ("GAR", "IDO-ADA")
    assert identity.complement == {"first_name": "Ada", "last_name": "Lovelace"}
    user = get_user(client)
    assert user == identity.user and not user.has_usable_password() and user.username == "ada.lovelace1403"
    assert OrganizationLearner.objects.get(pk=pupil.pk).user == user
    landing = client.get(response.url)
    assert landing.status_code == 200 and campaign.organization.name in text(landing)


def test_the_names_are_matched_with_the_tolerant_rule(client, gar, campaign, pupil):
    response = first_visit(client, gar, campaign, first_name="ADA", last_name="Lovlace")

    assert response.status_code == 302
    assert OrganizationLearner.objects.get(pk=pupil.pk).user is not None


@pytest.mark.parametrize("birthdate", ["15/03/2012", "14/03/2011"])
def test_a_pupil_not_found_gets_pix_message_and_nothing_is_created(client, gar, campaign, pupil, birthdate, caplog):
    with caplog.at_level(logging.INFO, logger="sso.views"):
        response = first_visit(client, gar, campaign, birthdate=birthdate)

    assert response.status_code == 200
    assert "Vérifiez vos informations (prénom, nom et date de naissance)" in text(response)
    assert "first GAR visit refused (NOT_FOUND)" in caplog.text
    assert not ExternalIdentity.objects.exists() and not get_user(client).is_authenticated
    assert OrganizationLearner.objects.get(pk=pupil.pk).user is None


def test_two_pupils_matching_alike_are_no_match(client, gar, campaign, pupil, gar_school):
    LearnerFactory(organization=gar_school, first_name="Ada", last_name="Lovelace", birthdate=BIRTHDATE)

    response = first_visit(client, gar, campaign)

    assert "Vérifiez vos informations" in text(response) and not ExternalIdentity.objects.exists()


def test_a_pupil_of_another_school_is_not_found_through_this_campaign(client, gar, campaign, other_school):
    LearnerFactory(organization=other_school, first_name="Ada", last_name="Lovelace", birthdate=BIRTHDATE)

    response = first_visit(client, gar, campaign)

    assert "Vérifiez vos informations" in text(response) and not ExternalIdentity.objects.exists()


def test_a_wrong_campaign_code_is_refused_in_french(client, gar, campaign, pupil, other_school):
    elsewhere = CampaignFactory(organization=other_school)

    for code in ("ZZZZZZ999", elsewhere.code):
        response = first_visit(client, gar, type("Typed", (), {"code": code}))
        assert "Votre code est erroné, veuillez vérifier ou contacter l'organisateur." in text(response)
    assert not ExternalIdentity.objects.exists()


def test_a_forged_token_is_refused(client, gar):
    client.cookies["sso_external_user"] = "forged"

    response = client.get(reverse("sso:first_visit"))

    assert response.status_code == 400 and "Votre connexion par l'ENT a expiré." in text(response)


def test_a_pupil_whose_record_has_an_e_mail_account_gets_r31(client, gar, campaign, pupil):
    OrganizationLearner.objects.filter(pk=pupil.pk).update(user=UserFactory(email="ada.l@famille.test"))

    response = first_visit(client, gar, campaign)

    assert "(Code R31)" in text(response) and "a***@famille.test" in text(response)
    assert not ExternalIdentity.objects.exists()


def test_a_pupil_whose_account_is_in_his_previous_school_gets_r12(client, gar, campaign, pupil, other_school):
    previous = UserFactory(email=None, username="ada.lovelace1403")
    LearnerFactory(organization=other_school, user=previous, national_student_id=pupil.national_student_id)

    response = first_visit(client, gar, campaign)

    assert "(Code R12)" in text(response) and not ExternalIdentity.objects.exists()


def test_a_pupil_whose_gar_identifier_changed_gets_his_account_back(client, gar, campaign, pupil):
    account = UserFactory(email=None, username="ada.lovelace1403")
    ExternalIdentity.objects.create(provider="GAR", external_id="IDO-OLD", user=account)
    OrganizationLearner.objects.filter(pk=pupil.pk).update(user=account)

    first_visit(client, gar, campaign, ido="IDO-NEW")

    assert get_user(client) == account
    assert list(ExternalIdentity.objects.values_list("external_id", flat=True)) == ["IDO-NEW"]


def test_later_visits_sign_in_directly_and_update_changed_names(client, gar, campaign, pupil):
    first_visit(client, gar, campaign, ido="IDO-ADA")
    client.logout()

    response = post_to_acs(client, gar.response(ido="IDO-ADA", first_name="Ada", last_name="King"))

    assert response.status_code == 302 and response.url == reverse("home")
    assert get_user(client).username == "ada.lovelace1403"
    identity = ExternalIdentity.objects.get()
    assert identity.complement == {"first_name": "Ada", "last_name": "King"} and identity.last_login_at


def test_an_existing_pix_account_attaches_the_gar_after_signing_in(client, gar, student):
    arrival = post_to_acs(client, gar.response(ido="IDO-ADA"))
    page = client.get(arrival.url)
    login_link = f"{reverse('account_login')}?next={reverse('sso:attach')}"
    assert login_link in page.content.decode()

    client.force_login(student)
    confirm = client.get(reverse("sso:attach"))
    assert "Vous êtes connecté au compte Pix eleve@college.test" in text(confirm)
    done = client.post(reverse("sso:attach"), follow=True)
    assert "Vous pourrez désormais vous connecter avec l'ENT (GAR)." in text(done)
    client.logout()

    post_to_acs(client, gar.response(ido="IDO-ADA"))
    assert get_user(client) == student


def test_a_gar_identity_of_another_account_cannot_be_attached(client, gar, student, caplog):
    ExternalIdentity.objects.create(provider="GAR", external_id="IDO-ADA", user=UserFactory(is_active=False))
    post_to_acs(client, gar.response(ido="IDO-ADA"))
    client.force_login(student)

    with caplog.at_level(logging.WARNING, logger="sso.views"):
        response = client.post(reverse("sso:attach"))

    assert response.status_code == 403 and "déjà associé à un autre compte Pix" in text(response)
    assert "not attached" in caplog.text and not student.external_identities.exists()


def test_the_sp_initiated_login_returns_to_the_page_asked(client, gar, campaign, pupil):
    first_visit(client, gar, campaign, ido="IDO-ADA")
    client.logout()
    target = reverse("participations:mine")

    leaving = client.get(reverse("sso:gar_login") + f"?next={target}")
    assert leaving.status_code == 302 and leaving.url.startswith("https://idp.gar.test/sso?SAMLRequest=")
    request_id = gar.server.parse_authn_request(
        parse_qs(urlparse(leaving.url).query)["SAMLRequest"][0], "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    ).message.id

    response = post_to_acs(client, gar.response(ido="IDO-ADA", in_response_to=request_id))
    assert response.url == target and get_user(client).is_authenticated


def _late(monkeypatch):
    # The pupil posts the response 20 minutes after the GAR made it (15 minutes valid).
    later = saml2.time_util.utc_now() + 20 * 60
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: later)


REFUSALS = {
    "expired": ({}, "La connexion par l'ENT a expiré.", "(EXPIRED)"),
    "wrong audience": ({"sp_entity_id": OTHER_SP}, "La connexion par l'ENT a échoué.", "(INVALID)"),
    "wrong destination": ({"destination": "https://autre-service.test/acs"}, "La connexion par l'ENT a échoué.",
                          "(INVALID)"),
    "unsigned response": ({"sign_response": False}, "La connexion par l'ENT a échoué.", "(SIGNATURE)"),
    "unsigned assertion": ({"sign_assertion": False}, "La connexion par l'ENT a échoué.", "(SIGNATURE)"),
    "no identifier": ({"attributes": {"PRE": ["Ada"], "NOM": ["Lovelace"]}}, "La connexion par l'ENT a échoué.",
                      "(NO_ID)"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_response_is_refused_in_french_and_logged(client, gar, student, case, caplog, monkeypatch):
    ExternalIdentity.objects.create(provider="GAR", external_id="IDO-123", user=student)
    changes, message, logged = REFUSALS[case]
    saml_response = gar.response(**changes)
    if case == "expired":
        _late(monkeypatch)

    with caplog.at_level(logging.WARNING, logger="sso.views"):
        response = post_to_acs(client, saml_response)

    assert response.status_code == 403 and message in text(response)
    assert f"GAR response refused {logged}" in caplog.text
    assert not get_user(client).is_authenticated and not UsedSamlAssertion.objects.exists()


def test_a_tampered_response_is_refused(client, gar, student, caplog):
    ExternalIdentity.objects.create(provider="GAR", external_id="IDO-123", user=student)
    xml = base64.b64decode(gar.response(ido="IDO-999")).decode().replace("IDO-999", "IDO-123")

    with caplog.at_level(logging.WARNING, logger="sso.views"):
        response = post_to_acs(client, base64.b64encode(xml.encode()).decode())

    assert response.status_code == 403 and "GAR response refused" in caplog.text
    assert not get_user(client).is_authenticated


def test_a_replayed_response_is_refused(client, gar, student, caplog):
    ExternalIdentity.objects.create(provider="GAR", external_id="IDO-123", user=student)
    saml_response = gar.response()
    assert post_to_acs(client, saml_response).status_code == 302
    client.logout()

    with caplog.at_level(logging.WARNING, logger="sso.views"):
        response = post_to_acs(client, saml_response)

    assert response.status_code == 403 and "Cette connexion par l'ENT a déjà été utilisée." in text(response)
    assert "GAR response refused (REPLAYED)" in caplog.text and not get_user(client).is_authenticated


def test_an_external_user_token_expires_after_an_hour(client, gar, campaign, pupil, settings):
    arrival = post_to_acs(client, gar.response())
    settings.SSO_EXTERNAL_USER_TOKEN_SECONDS = -1

    response = client.get(arrival.url)

    assert response.status_code == 400 and "Votre connexion par l'ENT a expiré." in text(response)


def test_the_pending_identity_is_forgotten_once_the_account_is_made(client, gar, campaign, pupil):
    response = first_visit(client, gar, campaign)

    assert response.cookies["sso_external_user"].value == "" and client.get(reverse("sso:first_visit")).status_code == 400


def test_guessing_birth_dates_is_throttled_per_pupil(client, gar, campaign, pupil):
    for day in range(1, 11):
        assert first_visit(client, gar, campaign, birthdate=f"{day:02d}/01/2012").status_code == 200
    other_pupil = type(client)()

    blocked = client.post(reverse("sso:first_visit"), {"code": campaign.code, "birthdate": "14/03/2012"})
    assert blocked.status_code == 429 and "Trop de tentatives." in text(blocked)
    assert first_visit(other_pupil, gar, campaign, ido="IDO-OTHER").status_code == 302
