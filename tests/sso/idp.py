"""A GAR of the tests: pysaml2's own IdP (saml2.server.Server) with its key, in process,
signing the responses that the tests post to the ACS. Keys are made once per run."""

import base64
import datetime
import functools
import shutil
from pathlib import Path

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

IDP_ENTITY_ID = "https://idp.gar.test/idp"
IDP_SSO_URL = "https://idp.gar.test/sso"


def key_pair(directory: Path, name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.pem"
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def _idp_settings(key_file, cert_file, sp_metadata=()) -> dict:
    return {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "metadata": {"inline": list(sp_metadata)} if sp_metadata else {},
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(IDP_SSO_URL, saml2.BINDING_HTTP_REDIRECT)]},
            "policy": {"default": {"lifetime": {"minutes": 15}}},
            "signing_algorithm": saml2.xmldsig.SIG_RSA_SHA256,
            "digest_algorithm": saml2.xmldsig.DIGEST_SHA256,
        }},
    }


def idp_metadata(key_file, cert_file) -> str:
    config = IdPConfig()
    config.load(_idp_settings(key_file, cert_file))
    return create_metadata_string(None, config=config, valid=24)


class FakeGar:
    """The IdP, once the SP's metadata is known."""

    def __init__(self, key_file, cert_file, sp_metadata: list[str]):
        config = IdPConfig()
        config.load(_idp_settings(key_file, cert_file, sp_metadata))
        self.server = Server(config=config)
        self.key_file, self.cert_file = key_file, cert_file

    def response(self, *, ido="IDO-123", first_name="Ada", last_name="Lovelace", sp_entity_id=None,
                 destination=None, in_response_to=None, sign_response=True, sign_assertion=True,
                 attributes=None) -> str:
        """A SAML response as the GAR posts it (base64), IdP-initiated unless in_response_to."""
        identity = attributes if attributes is not None else {
            "IDO": [ido], "PRE": [first_name], "NOM": [last_name], "UAI": ["0751234A"],
        }
        xml = self.server.create_authn_response(
            identity=identity, in_response_to=in_response_to, destination=destination or self.acs,
            sp_entity_id=sp_entity_id or self.sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=ido), sign_response=sign_response,
            sign_assertion=sign_assertion,
            authn={"class_ref": saml2.saml.AUTHN_PASSWORD, "authn_auth": IDP_ENTITY_ID},
        )
        return base64.b64encode(str(xml).encode()).decode()


@functools.cache
def keys(directory: Path) -> dict:
    return {"idp": key_pair(directory, "idp"), "sp": key_pair(directory, "sp")}
