"""The GAR's side of SAML, with pysaml2: the service provider's configuration (settings
GAR_*), its metadata, the AuthnRequest and the reading of a signed response posted back.

The GAR starts most sign-ins itself (IdP-initiated: `allow_unsolicited`). pysaml2 checks the
signatures (xmlsec1), the audience, the destination and the validity window; what it refuses
comes back here as a SamlRefused with a French message, logged by the view."""

import base64
import calendar
import functools
import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime

import saml2
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import StatusError
from saml2.sigver import SignatureError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from .identities import ExternalUser, external_user
from .models import GAR

logger = logging.getLogger(__name__)

REFUSED = _("La connexion par l'ENT a échoué. Réessayez depuis votre ENT ou demandez de l'aide à un enseignant.")
EXPIRED = _("La connexion par l'ENT a expiré. Relancez Pix depuis votre ENT.")
REPLAYED = _("Cette connexion par l'ENT a déjà été utilisée. Relancez Pix depuis votre ENT.")


class SamlRefused(Exception):
    def __init__(self, code: str, message, detail: str = ""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class Assertion:
    person: ExternalUser
    assertion_id: str
    not_on_or_after: datetime
    in_response_to: str


def is_configured() -> bool:
    return bool(settings.GAR_IDP_METADATA and settings.GAR_SP_KEY_FILE and settings.GAR_SP_CERT_FILE)


@functools.lru_cache(maxsize=1)
def sp_config() -> SPConfig:
    """Built once per process: loading the IdP's metadata parses and checks XML."""
    config = SPConfig()
    config.load({
        "entityid": settings.GAR_SP_ENTITY_ID,
        "xmlsec_binary": shutil.which("xmlsec1"),
        # The GAR's attribute names (IDO, PRE, NOM, UAI…) are not standard OIDs.
        "allow_unknown_attributes": True,
        "key_file": str(settings.GAR_SP_KEY_FILE),
        "cert_file": str(settings.GAR_SP_CERT_FILE),
        "metadata": {"inline": [settings.GAR_IDP_METADATA]},
        "accepted_time_diff": settings.GAR_ACCEPTED_CLOCK_SKEW_SECONDS,
        "service": {"sp": {
            "name": "Pix Orga",
            "endpoints": {
                "assertion_consumer_service": [(settings.GAR_SP_ACS_URL, saml2.BINDING_HTTP_POST)],
            },
            "allow_unsolicited": True,
            "want_response_signed": True,
            "want_assertions_signed": True,
            "authn_requests_signed": True,
            "signing_algorithm": saml2.xmldsig.SIG_RSA_SHA256,
            "digest_algorithm": saml2.xmldsig.DIGEST_SHA256,
        }},
    })
    return config


def client() -> Saml2Client:
    # A client keeps per-request state (its identity cache): one per request.
    return Saml2Client(config=sp_config())


def metadata_xml() -> str:
    return create_metadata_string(None, config=sp_config(), valid=settings.GAR_METADATA_VALID_HOURS)


def login_redirect(*, relay_state: str = "") -> tuple[str, str]:
    """The request's id and the IdP's address carrying it (redirect binding)."""
    request_id, info = client().prepare_for_authenticate(relay_state=relay_state, binding=saml2.BINDING_HTTP_REDIRECT)
    location = dict(info["headers"])["Location"]
    return request_id, location


def _not_on_or_after(assertion) -> datetime:
    """When the assertion stops being valid: until then, it must not be used twice. pysaml2
    has checked that a bearer confirmation carries one."""
    moments = [confirmation.subject_confirmation_data.not_on_or_after
               for confirmation in assertion.subject.subject_confirmation
               if confirmation.subject_confirmation_data is not None]
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        moments.append(assertion.conditions.not_on_or_after)
    return min(datetime.fromtimestamp(calendar.timegm(str_to_time(moment)), tz=UTC) for moment in moments if moment)


def read_response(saml_response: str) -> Assertion:
    """The person of a signed response posted to the ACS (base64, as the form sends it)."""
    try:
        base64.b64decode(saml_response, validate=True)
    except ValueError:
        raise SamlRefused("MALFORMED", REFUSED, "not base64") from None
    try:
        response = client().parse_authn_request_response(saml_response, saml2.BINDING_HTTP_POST)
    except (ResponseLifetimeExceed, ToEarly) as error:
        raise SamlRefused("EXPIRED", EXPIRED, str(error)) from None
    except SignatureError as error:
        raise SamlRefused("SIGNATURE", REFUSED, str(error) or type(error).__name__) from None
    except StatusError as error:
        raise SamlRefused("STATUS", REFUSED, str(error)) from None
    except Exception as error:
        # pysaml2 raises a bare Exception for a wrong audience, and SAMLError's many
        # subclasses elsewhere: any of them is a refusal, never a half-accepted response.
        raise SamlRefused("INVALID", REFUSED, f"{type(error).__name__}: {error}") from None
    if response is None or response.assertion is None:
        # A wrong Destination makes pysaml2 return nothing rather than raise.
        raise SamlRefused("INVALID", REFUSED, "no assertion (wrong destination?)")
    person = external_user(GAR, response.ava, settings.GAR_ATTRIBUTE_MAPPING)
    if person is None:
        raise SamlRefused("NO_ID", REFUSED, "no identifier attribute")
    return Assertion(person, response.assertion.id, _not_on_or_after(response.assertion),
                     response.in_response_to or "")
