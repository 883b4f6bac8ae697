import shutil

import pytest
import saml2
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string

from sso import saml

from .idp import FakeGar, idp_metadata, keys

ACS = "http://testserver/sso/gar/acs/"
OTHER_SP = "https://autre-service.test/sp"


@pytest.fixture(scope="session")
def saml_keys(tmp_path_factory):
    return keys(tmp_path_factory.mktemp("saml"))


def _other_sp_metadata(key_file, cert_file) -> str:
    """Another service of the same GAR: its responses must not sign anyone in here."""
    config = SPConfig()
    config.load({
        "entityid": OTHER_SP, "xmlsec_binary": shutil.which("xmlsec1"), "key_file": str(key_file),
        "cert_file": str(cert_file),
        "service": {"sp": {"endpoints": {"assertion_consumer_service": [(ACS, saml2.BINDING_HTTP_POST)]}}},
    })
    return create_metadata_string(None, config=config, valid=24).decode()


@pytest.fixture
def gar(settings, saml_keys, db):
    """The GAR configured as production configures it (settings GAR_*), and its IdP."""
    settings.GAR_IDP_METADATA = idp_metadata(*saml_keys["idp"]).decode()
    settings.GAR_SP_KEY_FILE, settings.GAR_SP_CERT_FILE = (str(path) for path in saml_keys["sp"])
    settings.GAR_SP_ACS_URL = ACS
    settings.GAR_SP_ENTITY_ID = "http://testserver/sso/gar/metadata/"
    saml.sp_config.cache_clear()
    idp = FakeGar(*saml_keys["idp"], [saml.metadata_xml().decode(), _other_sp_metadata(*saml_keys["sp"])])
    idp.sp_entity_id, idp.acs = settings.GAR_SP_ENTITY_ID, ACS
    yield idp
    saml.sp_config.cache_clear()
