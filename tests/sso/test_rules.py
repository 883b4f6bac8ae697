"""The pure rules of ENT sign-in, table-driven, without a database."""

import pytest

from sso.identities import (
    DEFAULT_GAR_MAPPING,
    DEFAULT_OIDC_MAPPING,
    ExternalUser,
    complement_changes,
    external_user,
)
from sso.oidc import id_token_problem


@pytest.mark.parametrize(("values", "mapping", "expected"), [
    ({"IDO": ["abc"], "PRE": ["Ada"], "NOM": ["Lovelace"], "UAI": ["0751234A"]}, DEFAULT_GAR_MAPPING,
     ExternalUser("P", "abc", "Ada", "Lovelace")),
    ({"IDO": [" abc "], "PRE": [], "NOM": ["Lovelace"]}, DEFAULT_GAR_MAPPING, ExternalUser("P", "abc", "", "Lovelace")),
    ({"PRE": ["Ada"], "NOM": ["Lovelace"]}, DEFAULT_GAR_MAPPING, None),
    ({"IDO": [""]}, DEFAULT_GAR_MAPPING, None),
    ({"sub": "s1", "given_name": "Ada", "family_name": "Lovelace"}, DEFAULT_OIDC_MAPPING,
     ExternalUser("P", "s1", "Ada", "Lovelace")),
    ({"uid": 42, "prenom": "Ada", "nom": "Lovelace"}, {"external_id": "uid", "first_name": "prenom", "last_name": "nom"},
     ExternalUser("P", "42", "Ada", "Lovelace")),
])
def test_a_person_is_read_through_the_mapping(values, mapping, expected):
    assert external_user("P", values, mapping) == expected


@pytest.mark.parametrize(("stored", "sent", "expected"), [
    ({"first_name": "Ada", "last_name": "Lovelace"}, ("Ada", "Lovelace"), None),
    ({"first_name": "Ada", "last_name": "Lovelace"}, ("Ada", "King"), {"first_name": "Ada", "last_name": "King"}),
    ({}, ("Ada", "Lovelace"), {"first_name": "Ada", "last_name": "Lovelace"}),
])
def test_the_complement_changes_only_when_the_names_do(stored, sent, expected):
    assert complement_changes(stored, ExternalUser("GAR", "x", *sent)) == expected


GOOD = {"iss": "https://op", "aud": "me", "nonce": "n1", "exp": 1100, "sub": "s"}


@pytest.mark.parametrize(("changes", "problem"), [
    ({}, None),
    ({"aud": ["me", "other"], "azp": "me"}, None),
    ({"iss": "https://other"}, "iss"),
    ({"aud": "other"}, "aud"),
    ({"aud": ["other"]}, "aud"),
    ({"aud": ["me", "other"]}, "azp"),
    ({"nonce": "n2"}, "nonce"),
    ({"nonce": None}, "nonce"),
    ({"exp": 1000}, "exp"),
    ({"exp": "1100"}, "exp"),
    ({"sub": ""}, "sub"),
])
def test_an_id_token_is_for_us_now_or_says_why_not(changes, problem):
    claims = {**GOOD, **changes}

    assert id_token_problem(claims, issuer="https://op", client_id="me", nonce="n1", now=1000) == problem


def test_an_id_token_without_the_nonce_we_sent_is_refused():
    assert id_token_problem({**GOOD, "nonce": ""}, issuer="https://op", client_id="me", nonce="", now=1000) == "nonce"
