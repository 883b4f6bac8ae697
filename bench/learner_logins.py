"""Logins for a class of 1,000 pupils without account (issue #16, item 8), with the production
password hasher: what the admin's request costs now (the job row and its message), and the
worker's job (hashing the one-time passwords, then one transaction that creates the accounts
and stores the encrypted file). The request used to do all of it (~39 s, beyond gunicorn's 30 s)."""

import datetime
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from organizations import learner_logins
from organizations.learner_logins import learner_logins_request, learner_logins_run
from organizations.models import LoginGeneration, Organization, OrganizationLearner

SIZE = 1000


def run() -> dict:
    admin, _ = User.objects.get_or_create(email="bench-logins@example.test",
                                          defaults={"first_name": "B", "last_name": "B"})
    organization, _ = Organization.objects.get_or_create(
        external_id="0001000L", defaults={"name": "Bench identifiants", "type": "SCO", "is_managing_students": True}
    )
    OrganizationLearner.objects.filter(organization=organization).delete()
    User.objects.filter(username__startswith="bench.").delete()
    OrganizationLearner.objects.bulk_create(
        OrganizationLearner(organization=organization, first_name="Bench", last_name=f"Eleve{n:04d}",
                            birthdate=datetime.date(2011, 1 + n % 12, 1 + n % 28), division="3e Bench")
        for n in range(SIZE)
    )
    # The message is not sent: without a broker the task would run eagerly inside the timing.
    send, learner_logins.send_on_commit = learner_logins.send_on_commit, lambda task, args: None
    try:
        started = time.perf_counter()
        job = learner_logins_request(organization=organization, division="3e Bench", user=admin, now=timezone.now())
        request = time.perf_counter() - started
    finally:
        learner_logins.send_on_commit = send
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        outcome = learner_logins_run(job.pk)
    worker = time.perf_counter() - started
    job.refresh_from_db()
    assert outcome == "done" and job.rows_total == SIZE, job.error
    return {"pupils": SIZE, "request_s": round(request, 3), "worker_s": round(worker, 1),
            "per_pupil_ms": round(1000 * worker / SIZE, 1), "worker_queries": len(queries),
            "file_kb": round(len(bytes(LoginGeneration.objects.get(pk=job.pk).data)) / 1024, 1)}


def main():
    row = run()
    print(f"  {row['pupils']} élèves sans compte : requête de l'administrateur {row['request_s']} s ; "
          f"worker {row['worker_s']} s ({row['per_pupil_ms']} ms par élève, {row['worker_queries']} requêtes SQL), "
          f"fichier chiffré {row['file_kb']} Ko")
