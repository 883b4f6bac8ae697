#!/usr/bin/env python
"""`make bench`: runs the benchmarks on a throwaway database and prints their figures.

The database is `DATABASE_URL` (default: a temporary SQLite file), never the one of `make run`.
"""

import os
import platform
import sys
import tempfile
import time
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

    report = content_load.run()
    for key, value in report.items():
        if not key.startswith("_"):
            print(f"  {key:<42} {value}")
    return report


def _module(name):
    def run():
        import importlib

        return importlib.import_module(f"bench.{name}").main()
    return run


PARTS = {
    "content": ("Référentiel", _content),
    "simulation": ("Test adaptatif (simulation, bench/simulation.py)", _module("simulation")),
    "learners": ("Import de la base élèves (SIECLE, bench/learner_import.py)", _module("learner_import")),
    "logins": ("Identifiants d'une classe de 1 000 élèves (bench/learner_logins.py)", _module("learner_logins")),
    "scale": ("Échelle : export, analyse et pages jusqu'à 100 000 participations (bench/scale.py)", _module("scale")),
    "answers": ("Coût d'une réponse selon l'historique (bench/answer_cost.py)", _module("answer_cost")),
    "joins": ("Coût d'une connexion de la rentrée, étape par étape (bench/join_cost.py)", _module("join_cost")),
    "http": ("Charges HTTP : boucle réponse, connexions, envois (bench/http_load.py)", _module("http_load")),
    "faults": ("Pannes : Redis arrêté puis relancé pendant que des élèves répondent (bench/faults.py)",
               _module("faults")),
}


def _ms(seconds) -> str:
    return f"{1000 * seconds:,.0f} ms".replace(",", " ")


def _headlines(name: str, report) -> list[tuple[str, str]]:
    """The figures of a part that bench/README.md's tables quote, as (measure, result) rows."""
    if report is None:
        return [("", "non mesuré ici (voir plus haut)")]
    if name == "content":
        return [("chargement du référentiel (première fois)", f"{report['load_into_db_s (first, includes parse)']} s"),
                ("copie en mémoire", f"{report['memory_copy_MiB']} Mio")]
    if name == "learners":
        largest = report[-1]
        return [(f"import de {largest['pupils']:,} élèves".replace(",", " "),
                 f"{largest['first_import_s']} s, {largest['first_queries']} requêtes"),
                ("réimport", f"{largest['reimport_s']} s, {largest['reimport_queries']} requêtes")]
    if name == "logins":
        return [(f"identifiants de {report['pupils']} élèves : requête", f"{report['request_s']} s"),
                ("… puis le worker", f"{report['worker_s']} s ({report['per_pupil_ms']} ms par élève)")]
    if name == "http":
        rows = []
        if "answer_loop" in report:
            loop = report["answer_loop"]
            classic, htmx = loop["classic"], loop["htmx"]
            rows.append(("boucle réponse sans JavaScript : req/s / vue nue",
                         f"{classic['ratio_requests']:.0%} ({classic['answers_per_second']:.0f} réponses/s)"))
            rows.append(("boucle réponse htmx : 2 × réponses/s / vue nue",
                         f"{2 * htmx['ratio_answers']:.0%} ({htmx['answers_per_second']:.0f} réponses/s)"))
            paced = loop["paced"]
            rows.append(("boucle réponse htmx à 75 % de son débit : p95 d'une réponse",
                         f"{paced['answer']['p95_ms']:.0f} ms ({paced['answers_per_second']:.0f} réponses/s)"))
            rows.append(("réponses acquittées = enregistrées",
                         f"{loop['answers_acknowledged']} = {loop['answers_stored']}"))
        if "join_storm" in report:
            rows.append(("connexion en masse, p95 de l'étape la plus lente",
                         f"{report['join_storm']['worst_p95_ms']:.0f} ms"))
        if "share_burst" in report:
            rows.append(("envois en rafale, p95", f"{report['share_burst']['share']['p95_ms']:.0f} ms"))
        return rows + [("erreurs serveur", str(report.get("server_errors", 0)))]
    if name == "faults":
        return [("réponses acquittées = enregistrées (Redis arrêté)",
                 f"{report['answers_acknowledged']} = {report['answers_stored']}"),
                ("erreurs vues par les élèves", str(report["errors_seen_by_users"]))]
    if name == "scale":
        largest = max(report["scales"])
        return [(f"export CSV de {largest:,} participations".replace(",", " "),
                 _ms(report["export"][largest]["seconds"])),
                ("analyse", _ms(report["analysis"][largest]["seconds"]))]
    rows = report.get("headlines") if isinstance(report, dict) else None
    return list(rows or [("", "voir plus haut")])


def _machine() -> str:
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
              if line.startswith("model name")] if cpuinfo.exists() else []
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}"
    else:
        database = f"{connection.vendor} {connection.Database.sqlite_version}"
    broker = "Redis" if os.environ.get("REDIS_URL") else "sans Redis (tâches dans le processus)"
    return (f"{platform.node()}, {os.cpu_count()} cœurs ({models[0] if models else platform.machine()}), "
            f"Python {platform.python_version()}, {database}, {broker}")


def summary(results: list[tuple[str, str, object]]) -> str:
    lines = [f"## Synthèse du {time.strftime('%d/%m/%Y %H:%M %Z')} — {_machine()}", "",
             "| partie | mesure | résultat |", "|---|---|---|"]
    for name, title, report in results:
        for measure, result in _headlines(name, report):
            lines.append(f"| {title.split(' (')[0]} | {measure} | {result} |")
    return "\n".join(lines)


def main():
    """`bench/run.py [part …]`: every part by default (BENCH_PARTS or arguments choose)."""
    chosen = sys.argv[1:] or os.environ.get("BENCH_PARTS", "").split() or list(PARTS)
    unknown = set(chosen) - set(PARTS)
    if unknown:
        raise SystemExit(f"parties inconnues : {', '.join(sorted(unknown))} (au choix : {', '.join(PARTS)})")
    call_command("migrate", verbosity=0)
    print(f"Base : {os.environ['DATABASE_URL'].split('@')[-1]}")
    results = []
    for name in chosen:
        title, part = PARTS[name]
        print(f"\n## {title}")
        results.append((name, title, part()))
    print("\n" + summary(results))


if __name__ == "__main__":
    main()
