"""The cost of one join of the storm (issue #23, item 2), step by step, as bench/locustfile.py's
JoinStorm plays it: GET and POST of the sign-in, « J'ai un code » and its POST, the campaign's
landing, « Je commence », the first challenge.

The school comes from bench/generate.py; the pupils join a new evaluation campaign of their
school, as in bench/http_load.py, with one Argon2 hash (the production hasher) for all. Each
pupil plays through Django's test client (`DEBUG` off, a fresh client per pupil): per request,
the SQL statements, the cache commands (Redis round trips: one per command, one per pipeline)
and the CPU time of the bench process (`time.process_time`; PostgreSQL's and Redis's own work
is not in it). Reproduce: `bench/run.py joins` with DATABASE_URL and REDIS_URL set;
`BENCH_JOINS` (default 30) chooses how many pupils join, the first few are warm-up.
"""

import os
import statistics
import time
from contextlib import contextmanager

import redis
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import User
from bench.generate import PROFILE_ID, generate
from campaigns.models import Campaign
from campaigns.services import campaign_create
from learning_content.models import TargetProfile
from participations.models import CampaignParticipation

JOINS = int(os.environ.get("BENCH_JOINS", "30"))
WARM_UP = 3
PASSWORD = "Rentree-2025-bench"
STEPS = ("GET sign-in", "POST sign-in", "GET J'ai un code", "POST code", "GET campaign landing",
         "POST Je commence", "GET first challenge")


class _Counter:
    """SQL statements and Redis round trips of the current request."""

    def __init__(self):
        self.statements = 0
        self.redis = 0

    def sql(self, execute, sql, params, many, context):
        self.statements += 1
        return execute(sql, params, many, context)


_current: list[_Counter] = []


@contextmanager
def _redis_counted():
    """Every Redis round trip of the process counted: a command outside a pipeline, a pipeline."""
    command, pipeline = redis.Redis.execute_command, redis.client.Pipeline.execute

    def counted_command(self, *args, **options):
        if _current:
            _current[-1].redis += 1
        return command(self, *args, **options)

    def counted_pipeline(self, *args, **options):
        if _current and self.command_stack:
            _current[-1].redis += 1
        return pipeline(self, *args, **options)

    redis.Redis.execute_command, redis.client.Pipeline.execute = counted_command, counted_pipeline
    try:
        yield
    finally:
        redis.Redis.execute_command, redis.client.Pipeline.execute = command, pipeline


def _step(costs, name, call):
    counter = _Counter()
    _current.append(counter)
    try:
        with connection.execute_wrapper(counter.sql):
            started = time.process_time()
            response = call()
            cpu = time.process_time() - started
    finally:
        _current.pop()
    costs.setdefault(name, []).append({"ms": 1000 * cpu, "statements": counter.statements, "redis": counter.redis})
    return response


def _csrf(client) -> str:
    return client.cookies["csrftoken"].value


_handler = Client(enforce_csrf_checks=True).handler


def _join(login: str, code: str, costs: dict) -> None:
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    # One handler for every pupil, as one server process: its middleware is loaded once.
    client.handler = _handler
    _step(costs, STEPS[0], lambda: client.get(reverse("account_login")))
    response = _step(costs, STEPS[1], lambda: client.post(
        reverse("account_login"), {"login": login, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(client)}
    ))
    assert response.status_code == 302, response.status_code
    _step(costs, STEPS[2], lambda: client.get(reverse("participations:code")))
    response = _step(costs, STEPS[3], lambda: client.post(
        reverse("participations:code"), {"code": code, "csrfmiddlewaretoken": _csrf(client)}
    ))
    assert response.status_code == 302, response.status_code
    page = _step(costs, STEPS[4], lambda: client.get(reverse("participations:entry", args=[code])))
    assert page.status_code == 200, page.status_code
    response = _step(costs, STEPS[5], lambda: client.post(
        reverse("participations:start", args=[code]), {"csrfmiddlewaretoken": _csrf(client)}
    ))
    assert response.status_code == 302 and "/evaluations/" in response["Location"], response
    page = _step(costs, STEPS[6], lambda: client.get(response["Location"]))
    assert page.status_code == 200, page.status_code


def prepare(pupils: int) -> tuple[str, list[str]]:
    built = generate(pupils, seed=2323, rates=(0.0, 0.0))
    evaluation = Campaign.objects.get(pk=built["evaluation_id"])
    storm = campaign_create(
        organization=evaluation.organization, creator=evaluation.creator, owner=evaluation.owner,
        name="Rentrée – tous les élèves", type=Campaign.Type.ASSESSMENT,
        target_profile=TargetProfile.objects.get(pk=PROFILE_ID), title="Parcours de rentrée",
    )
    user_ids = list(CampaignParticipation.objects.filter(campaign=evaluation).order_by("pk")
                    .values_list("user_id", flat=True))
    User.objects.filter(pk__in=user_ids).update(password=make_password(PASSWORD))
    logins = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
    return storm.code, [logins[user_id] for user_id in user_ids]


def measure(joins: int = JOINS) -> dict:
    code, logins = prepare(joins + WARM_UP)
    costs: dict[str, list[dict]] = {}
    with override_settings(DEBUG=False), _redis_counted():
        for login in logins[:WARM_UP]:
            _join(login, code, {})
        for login in logins[WARM_UP:]:
            _join(login, code, costs)
    steps = {
        name: {"ms": statistics.median(c["ms"] for c in rows), "statements": max(c["statements"] for c in rows),
               "redis": max(c["redis"] for c in rows)}
        for name, rows in costs.items()
    }
    per_join = [sum(costs[name][i]["ms"] for name in STEPS) for i in range(joins)]
    return {"joins": joins, "steps": steps, "join_ms": statistics.median(per_join),
            "statements": sum(s["statements"] for s in steps.values()),
            "redis": sum(s["redis"] for s in steps.values())}


def main():
    report = measure()
    print(f"  {report['joins']} élèves rejoignent la campagne (après {WARM_UP} d'échauffement), "
          f"redis : {'oui' if os.environ.get('REDIS_URL') else 'non (cache en mémoire)'}")
    print("| étape | requêtes SQL | commandes Redis | CPU médian |")
    print("|---|---|---|---|")
    for name, row in report["steps"].items():
        print(f"| {name} | {row['statements']} | {row['redis']} | {row['ms']:.1f} ms |")
    print(f"| **une connexion** | {report['statements']} | {report['redis']} | {report['join_ms']:.1f} ms |")
    report["headlines"] = [(
        "CPU d'une connexion (connexion, code, « Je commence », 1re question)",
        f"{report['join_ms']:.1f} ms, {report['statements']} requêtes, {report['redis']} commandes Redis",
    )]
    return report
