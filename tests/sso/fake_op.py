"""An OpenID Connect provider of the tests, faked at the HTTP level (`responses`): discovery,
JWKS, token and userinfo endpoints, ID tokens signed with its own RSA key."""

import json
import time
from urllib.parse import parse_qs, urlparse

import responses
from joserfc import jwt
from joserfc.jwk import RSAKey

ISSUER = "https://ent.test"
DISCOVERY = f"{ISSUER}/.well-known/openid-configuration"


class FakeOp:
    def __init__(self, mock: responses.RequestsMock, *, client_id: str, client_secret: str):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "op-key"})
        self.client_id, self.client_secret = client_id, client_secret
        self.claims = {"sub": "sub-ada", "given_name": "Ada", "family_name": "Lovelace"}
        self.overrides, self.signing_key, self.token_requests = {}, self.key, []
        self.nonce = ""
        mock.add(responses.GET, DISCOVERY, json={
            "issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize", "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks", "userinfo_endpoint": f"{ISSUER}/userinfo",
        })
        mock.add_callback(responses.GET, f"{ISSUER}/jwks", callback=lambda request: (
            200, {}, json.dumps({"keys": [self.key.as_dict(private=False)]})))
        mock.add_callback(responses.POST, f"{ISSUER}/token", callback=self._token)
        mock.add_callback(responses.GET, f"{ISSUER}/userinfo", callback=lambda request: (
            200, {}, json.dumps({"sub": self.claims["sub"], "email": "ada@ent.test"})))

    def authorize(self, authorization_url: str) -> str:
        """What the provider's login page does: the user signs in, the browser comes back."""
        query = {key: values[0] for key, values in parse_qs(urlparse(authorization_url).query).items()}
        assert query["client_id"] == self.client_id and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        self.nonce = query["nonce"]
        return f"{urlparse(query['redirect_uri']).path}?code=code-123&state={query['state']}"

    def id_token(self) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": self.client_id, "nonce": self.nonce, "iat": now, "exp": now + 300,
                  **self.claims, **self.overrides}
        return jwt.encode({"alg": "RS256", "kid": "op-key"}, claims, self.signing_key)

    def _token(self, request):
        self.token_requests.append(request)
        body = {key: values[0] for key, values in parse_qs(request.body).items()}
        if body.get("code") != "code-123" or not body.get("code_verifier"):
            return 400, {}, json.dumps({"error": "invalid_grant"})
        return 200, {}, json.dumps({"access_token": "at-1", "token_type": "Bearer", "expires_in": 300,
                                    "id_token": self.id_token()})
