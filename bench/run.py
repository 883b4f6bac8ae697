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


def _content():
    from bench import content_load

    for key, value in content_load.run().items():
        if not key.startswith("_"):
            print(f"  {key:<42} {value}")


def _module(name):
    def run():
        import importlib

        importlib.import_module(f"bench.{name}").main()
    return run


PARTS = {
    "content": ("Référentiel", _content),
    "simulation": ("Test adaptatif (simulation, bench/simulation.py)", _module("simulation")),
    "learners": ("Import de la base élèves (SIECLE, bench/learner_import.py)", _module("learner_import")),
    "logins": ("Identifiants d'une classe de 1 000 élèves (bench/learner_logins.py)", _module("learner_logins")),
    "scale": ("Échelle : export, analyse et pages jusqu'à 100 000 participations (bench/scale.py)", _module("scale")),
    "http": ("Charges HTTP : boucle réponse, connexions, envois (bench/http_load.py)", _module("http_load")),
    "faults": ("Pannes : Redis arrêté puis relancé pendant que des élèves répondent (bench/faults.py)",
               _module("faults")),
}


def main():
    """`bench/run.py [part …]`: every part by default (BENCH_PARTS or arguments choose)."""
    chosen = sys.argv[1:] or os.environ.get("BENCH_PARTS", "").split() or list(PARTS)
    unknown = set(chosen) - set(PARTS)
    if unknown:
        raise SystemExit(f"parties inconnues : {', '.join(sorted(unknown))} (au choix : {', '.join(PARTS)})")
    call_command("migrate", verbosity=0)
    print(f"Base : {os.environ['DATABASE_URL'].split('@')[-1]}")
    for name in chosen:
        title, part = PARTS[name]
        print(f"\n## {title}")
        part()


if __name__ == "__main__":
    main()
