"""The named cast of the tests: a school with its Pix correspondent (admin) and a teacher
(member), another school with its own teacher, and a pupil with no membership."""

import pytest

from organizations.models import Role

from .factories import MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "Pix-Test-2026"


@pytest.fixture(autouse=True)
def _test_settings(settings, request):
    # Hashed static names need `collectstatic`; the tests serve the files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Argon2 is the production hasher (tested on its own); tests create many users.
    if "real_hasher" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(db):
    return OrganizationFactory(name="Collège Victor Hugo", external_id="0751234A")


@pytest.fixture
def other_school(db):
    return OrganizationFactory(name="Lycée Marie Curie", external_id="0699999Z")


@pytest.fixture
def correspondent(school):
    user = UserFactory(email="correspondant@college.test", first_name="Claire", last_name="Dupont")
    MembershipFactory(organization=school, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def teacher(school):
    user = UserFactory(email="prof@college.test", first_name="Marc", last_name="Lefèvre")
    MembershipFactory(organization=school, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def teacher_of_another_school(other_school):
    user = UserFactory(email="prof@lycee.test", first_name="Paul", last_name="Martin")
    MembershipFactory(organization=other_school, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def student(db):
    return UserFactory(email="eleve@college.test", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def client_of(client):
    """client_of(user) → the test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
