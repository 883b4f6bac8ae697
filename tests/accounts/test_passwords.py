import pytest
from django.contrib.auth.hashers import identify_hasher

from accounts.validators import PixPasswordValidator
from tests.factories import UserFactory


@pytest.mark.real_hasher
def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_parameters(db):
    user = UserFactory()

    hasher = identify_hasher(user.password)
    assert hasher.algorithm == "argon2"
    assert "$argon2id$" in user.password
    assert "m=19456,t=2,p=1" in user.password
    assert user.check_password("Pix-Test-2026")


@pytest.mark.parametrize("password, valid", [
    ("Motdepasse1", True),
    ("motdepasse1", False),
    ("MOTDEPASSE1", False),
    ("Motdepasse", False),
    ("Mdp1", False),
])
def test_the_pix_password_rule(password, valid):
    try:
        PixPasswordValidator().validate(password)
    except Exception:
        assert not valid
    else:
        assert valid


def test_sign_in_is_case_insensitive_on_the_email(client, teacher):
    response = client.post("/compte/login/", {"login": "Prof@College.TEST", "password": "Pix-Test-2026"})

    assert response.status_code == 302
