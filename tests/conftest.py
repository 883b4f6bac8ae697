"""The named cast of the tests: a school with its Pix correspondent (admin) and a teacher
(member), another school with its own teacher, and a pupil with no membership."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.cache import cache

from organizations.models import Role
from pixorga.celery import app as celery_app

from .factories import CampaignFactory, MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "Pix-Test-2026"


@pytest.fixture(autouse=True)
def _test_settings(settings, request):
    # Hashed static names need `collectstatic`; the tests serve the files from the finders.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Argon2 is the production hasher (tested on its own); tests create many users.
    cache.clear()
    # Tasks run in process unless a test asks for the real worker (marker `services`).
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = "services" not in request.keywords
    request.addfinalizer(lambda: setattr(celery_app.conf, "task_always_eager", eager))
    if "real_hasher" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def forget_broker_connections():
    # Celery caches its connection pool and its producer pool on the first message sent.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Redis stopped: the cache (configured as production configures it) and the broker on a
    port where nothing listens."""
    from lib import cache as fail_soft
    from pixorga.settings import redis_cache

    monkeypatch.setattr(fail_soft, "_outages", {})
    settings.CACHES = {"default": redis_cache(UNREACHABLE_REDIS)}
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = UNREACHABLE_REDIS
    forget_broker_connections()
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
    forget_broker_connections()


@pytest.fixture
def school(db):
    return OrganizationFactory(name="Collège Victor Hugo", external_id="0751234A")


@pytest.fixture
def managing_school(school):
    """The school imports its pupils' base (SIECLE): classes, identification, login sheets."""
    school.is_managing_students = True
    school.save()
    return school


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


def start_worker(database: dict, env: dict):
    """A Celery worker process (`-P solo`) on this test database; its output in `.log`."""
    env = {**os.environ, "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database), **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pixorga", "worker", "-P", "solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    ready = threading.Event()
    log = []

    def drain():
        for line in process.stdout:
            log.append(line)
            if " ready." in line:
                ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(60):
        process.kill()
        pytest.fail("the Celery worker did not start:\n" + "".join(log[-30:]))
    process.log = log
    return process


def stop_worker(process) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def real_worker(transactional_db, settings, tmp_path):
    """A real Celery worker process on the test database (PostgreSQL + Redis only: SQLite's
    test database is private to this process). Use with the `services` marker."""
    database = settings.DATABASES["default"]
    if not os.environ.get("REDIS_URL") or database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)")
    celery_app.control.purge()
    mail_dir = tmp_path / "mail"
    # django-environ drops one leading slash
    process = start_worker(database, {"EMAIL_URL": f"filemail:///{mail_dir}"})
    process.mail_dir = mail_dir
    yield process
    stop_worker(process)


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.fixture(scope="session")
def parsed_content():
    from learning_content.loader import CONTENT_DIR
    from learning_content.parsing import parse_content_dir

    return parse_content_dir(CONTENT_DIR)


@pytest.fixture
def referential(db, parsed_content):
    """The real référentiel of content/, loaded in the test database, and its memory copy."""
    import copy

    from django.utils import timezone

    from learning_content import loader, models
    from learning_content.repository import get_content, invalidate_content_cache

    loader._write(copy.deepcopy(parsed_content))
    models.ContentRelease.objects.update_or_create(
        pk=1, defaults={"version": parsed_content.version, "loaded_at": timezone.now()}
    )
    invalidate_content_cache()
    yield get_content()
    invalidate_content_cache()


@pytest.fixture
def evaluation(school, teacher, referential):
    """The teacher's evaluation on the parcours de rentrée 3e."""
    return CampaignFactory(organization=school, creator=teacher, type="ASSESSMENT", target_profile_id="tp-rentree-3e",
                           title="Parcours de rentrée 3e", name="3e A - Rentrée")


@pytest.fixture
def collection(school, teacher):
    """The teacher's profiles collection."""
    return CampaignFactory(organization=school, creator=teacher, name="3e A - Collecte")
