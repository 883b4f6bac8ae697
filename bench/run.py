#!/usr/bin/env python
"""`make bench`: runs the benchmarks on a throwaway database and prints their figures.

The database is `DATABASE_URL` (default: a temporary SQLite file), never the one of `make run`.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def main():
    call_command("migrate", verbosity=0)
    from bench import content_load, learner_import, scale, simulation

    print(f"Base : {os.environ['DATABASE_URL'].split('@')[-1]}")
    print("\n## Référentiel")
    for key, value in content_load.run().items():
        if not key.startswith("_"):
            print(f"  {key:<42} {value}")
    print("\n## Test adaptatif (simulation, bench/simulation.py)")
    simulation.main()
    print("\n## Import de la base élèves (SIECLE, bench/learner_import.py)")
    learner_import.main()
    print("\n## Échelle : export, analyse et pages jusqu'à 100 000 participations (bench/scale.py)")
    scale.main()


if __name__ == "__main__":
    main()
