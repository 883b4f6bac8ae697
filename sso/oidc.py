"""Sign-in through an OpenID Connect provider stored in the database, with Authlib: the
provider's discovery document, the authorization code flow with state, nonce and PKCE, and
an ID token whose signature (the provider's JWKS, joserfc) and claims are checked here, not
assumed: issuer, audience, nonce, expiry."""

import logging
import os
from dataclasses import dataclass

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lib.sealed import Unreadable, seal, unseal

from .identities import DEFAULT_OIDC_MAPPING, ExternalUser, external_user

logger = logging.getLogger(__name__)

SECRET_PURPOSE = "oidc-client-secret"
# Asymmetric only: "none" and HS256 (which a public key could forge) are never accepted.
ID_TOKEN_ALGORITHMS = ["RS256", "PS256", "ES256"]
DISCOVERY_CACHE_SECONDS = 3600
REFUSED = _("La connexion avec %(name)s a échoué. Réessayez, ou connectez-vous avec votre identifiant Pix.")


class OidcRefused(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Pending:
    """What the callback needs from the request that left for the provider."""

    state: str
    nonce: str
    code_verifier: str

    def as_dict(self) -> dict:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier}


def secret_seal(secret: str) -> bytes:
    return seal(secret.encode(), purpose=SECRET_PURPOSE)


def client_secret(provider) -> str:
    if provider.client_secret_env:
        return os.environ.get(provider.client_secret_env, "")
    if not provider.client_secret_sealed:
        return ""
    try:
        return unseal(provider.client_secret_sealed, purpose=SECRET_PURPOSE).decode()
    except Unreadable:
        raise OidcRefused("SECRET", "client secret sealed with another key") from None


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcRefused("UNREACHABLE", f"{url}: {error}") from None


def discovery(provider) -> dict:
    key = f"sso:oidc:discovery:{provider.pk}:{provider.discovery_url}"
    document = cache.get(key)
    if document is None:
        document = _get_json(provider.discovery_url)
        missing = {"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"} - set(document)
        if missing:
            raise OidcRefused("DISCOVERY", f"missing {sorted(missing)}")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _session(provider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id, client_secret=client_secret(provider), scope=provider.scopes,
        redirect_uri=redirect_uri, code_challenge_method="S256",
    )


def authorization_url(provider, *, redirect_uri: str) -> tuple[str, Pending]:
    pending = Pending(state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(48))
    url, _state = _session(provider, redirect_uri).create_authorization_url(
        discovery(provider)["authorization_endpoint"], state=pending.state, code_verifier=pending.code_verifier,
        nonce=pending.nonce,
    )
    return url, pending


def id_token_problem(claims: dict, *, issuer: str, client_id: str, nonce: str, now: int) -> str | None:
    """Why these ID token claims are not for us now, or None (OIDC Core §3.1.3.7)."""
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != issuer:
        return "iss"
    if client_id not in audiences:
        return "aud"
    if len(audiences) > 1 and claims.get("azp") != client_id:
        return "azp"
    if not nonce or claims.get("nonce") != nonce:
        return "nonce"
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now:
        return "exp"
    if not claims.get("sub"):
        return "sub"
    return None


def _verified_claims(provider, document: dict, id_token: str, pending: Pending, now: int) -> dict:
    keys = KeySet.import_key_set(_get_json(document["jwks_uri"]))
    try:
        claims = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGORITHMS).claims
    except (JoseError, ValueError) as error:
        raise OidcRefused("SIGNATURE", f"{type(error).__name__}: {error}") from None
    problem = id_token_problem(claims, issuer=document["issuer"], client_id=provider.client_id,
                               nonce=pending.nonce, now=now)
    if problem:
        raise OidcRefused("CLAIMS", f"ID token {problem} refused")
    return claims


def person_from_callback(provider, *, redirect_uri: str, state: str, code: str, pending: Pending | None,
                         now: int) -> ExternalUser:
    """The person the provider vouches for, once the code is exchanged and checked."""
    if pending is None or not state or state != pending.state:
        raise OidcRefused("STATE", "state missing or not ours")
    document = discovery(provider)
    session = _session(provider, redirect_uri)
    try:
        token = session.fetch_token(document["token_endpoint"], code=code, code_verifier=pending.code_verifier,
                                    timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS)
    except Exception as error:
        # Authlib raises OAuthError for a refused code, requests' errors for a network fault.
        raise OidcRefused("TOKEN", f"{type(error).__name__}: {error}") from None
    if "id_token" not in token:
        raise OidcRefused("TOKEN", "no id_token")
    claims = _verified_claims(provider, document, token["id_token"], pending, now)
    mapping = {**DEFAULT_OIDC_MAPPING, **(provider.claim_mapping or {})}
    if document.get("userinfo_endpoint") and any(mapping[field] not in claims for field in mapping):
        try:
            userinfo = session.get(document["userinfo_endpoint"], timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS).json()
        except (requests.RequestException, ValueError) as error:
            raise OidcRefused("USERINFO", str(error)) from None
        if userinfo.get("sub") == claims["sub"]:
            claims = {**userinfo, **claims}
    person = external_user(provider.provider_key, claims, mapping)
    if person is None:
        raise OidcRefused("CLAIMS", f"no {mapping['external_id']} claim")
    return person
