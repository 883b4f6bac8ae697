import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "SECRET_KEY": "a" * 20 + "B" * 20 + "0123456789-production",
    "ALLOWED_HOSTS": "pix-orga.example.fr",
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PATH": os.environ["PATH"],
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_web_server_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}

    result = subprocess.run(
        [sys.executable, "-c", "import pixorga.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "ALLOWED_HOSTS"}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.parametrize("name", ["DATABASE_URL", "REDIS_URL"])
def test_production_without_its_database_or_broker_refuses_to_start(name):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != name}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert f"{name} not set" in result.stderr


def test_the_embedded_mode_starts_without_database_nor_broker_when_asked_for():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key not in ("DATABASE_URL", "REDIS_URL")}

    result = run_manage("check", env={**env, "PIXORGA_EMBEDDED": "1"})

    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_runs_web_worker_postgres_and_redis_with_the_settings_names():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert {"web", "worker", "postgres", "redis", "migrate"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["web"]["command"][1] == "pixorga.wsgi:application"
    assert services["worker"]["command"][:3] == ["celery", "-A", "pixorga"]
    for name in ("web", "worker", "migrate"):
        environment = services[name]["environment"]
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert environment["DATABASE_URL"].startswith("postgres://") and "@postgres:" in environment["DATABASE_URL"]
    example = dict(
        line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"} <= set(example)


def test_docker_compose_runs_one_beat_next_to_the_workers():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert services["beat"]["command"][:4] == ["celery", "-A", "pixorga", "beat"]
    assert "beat" not in services["worker"]["command"] and "-B" not in services["worker"]["command"]


@pytest.mark.services
def test_make_worker_runs_the_worker_and_beat_without_a_secret_key(real_worker_env):
    process = subprocess.Popen(["make", "--no-print-directory", "worker"], cwd=ROOT, env=real_worker_env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    log = []
    try:
        for line in process.stdout:
            log.append(line)
            if "beat: Starting" in "".join(log) and " ready." in "".join(log):
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)

    output = "".join(log)
    assert " ready." in output and "beat: Starting" in output, output[-3000:]
    assert "SECRET_KEY" not in output


def test_healthz_answers_for_load_balancers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "database": {"status": "ok"}, "cache": {"status": "local"},
        "broker": {"status": "in-process"}, "worker": {"status": "in-process"},
    }


def test_pages_carry_the_security_headers(client, db):
    response = client.get("/")

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def real_worker_env(transactional_db, settings):
    """The environment of a developer's shell on this test database and Redis: no SECRET_KEY."""
    database = settings.DATABASES["default"]
    if not os.environ.get("REDIS_URL") or database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)")
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DJANGO_DEBUG")}
    return {**env, "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database)}
