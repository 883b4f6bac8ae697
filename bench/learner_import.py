"""Importing a school's SIECLE export (issue #7): parse and validate, then the first import
and a re-import with changes (new, moved and departed pupils), with their SQL statements.
The ratio to the parse alone shows what the database write costs."""

import dataclasses
import datetime
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from demo.siecle import SiecleStudent, generated_students, siecle_xml
from organizations.learner_files import parse_learner_file
from organizations.learner_import import learner_import_request, learner_import_run
from organizations.models import LearnerImport, Organization, OrganizationLearner

SIZES = (1000, 20000)
DIVISIONS = [f"{grade}e {letter}" for grade in (6, 5, 4, 3) for letter in "ABCDEFGH"]


def _import(organization, user, data):
    now = timezone.now()
    job = learner_import_request(organization=organization, user=user, filename="eleves.xml", data=data, now=now,
                                 enqueue=False)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        learner_import_run(job.pk, now=now)
        elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.IMPORTED, job.errors
    return elapsed, len(queries), job


def run() -> list[dict]:
    user, _ = User.objects.get_or_create(email="bench-import@example.test",
                                         defaults={"first_name": "B", "last_name": "B"})
    rows = []
    for size in SIZES:
        uai = f"{size:07d}B"[-8:]
        organization, _ = Organization.objects.get_or_create(
            external_id=uai, defaults={"name": f"Bench {size}", "type": "SCO", "is_managing_students": True}
        )
        OrganizationLearner.objects.filter(organization=organization).delete()
        students = generated_students(size, divisions=DIVISIONS, seed=size)
        data = siecle_xml(uai, students)
        started = time.perf_counter()
        parse_learner_file("eleves.xml", data, expected_uai=uai)
        parse = time.perf_counter() - started
        first, first_queries, _job = _import(organization, user, data)
        # A term later: 5 % left, 5 % changed class, 5 % arrived.
        step = 20
        changed = [dataclasses.replace(s, division="3e Z") if i % step == 1 else s
                   for i, s in enumerate(students) if i % step]
        changed += [SiecleStudent(ine=f"{9_000_000_000 + i:010d}N", first_name="Nouvel", last_name=f"Élève {i}",
                                  birthdate=datetime.date(2011, 1, 1), division="6e A") for i in range(size // step)]
        again, again_queries, job = _import(organization, user, siecle_xml(uai, changed))
        rows.append({
            "pupils": size, "file_mb": round(len(data) / 1e6, 1), "parse_s": round(parse, 2),
            "first_import_s": round(first, 2), "first_queries": first_queries,
            "reimport_s": round(again, 2), "reimport_queries": again_queries,
            "reimport_counts": (job.created_count, job.updated_count, job.disabled_count),
            "first_over_parse": round(first / parse, 2),
        })
    return rows


def main():
    for row in run():
        print(f"  {row['pupils']:>6} élèves ({row['file_mb']} Mo) : lecture {row['parse_s']} s ; "
              f"import {row['first_import_s']} s en {row['first_queries']} requêtes "
              f"(× {row['first_over_parse']} la lecture) ; réimport {row['reimport_s']} s en "
              f"{row['reimport_queries']} requêtes, ajoutés/modifiés/désactivés {row['reimport_counts']}")
