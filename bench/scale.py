"""The scale benchmark of issue #8, on PostgreSQL (+ Redis and a real Celery worker).

For each scale of `BENCH_SCALES` (default 1,000, 20,000 and 100,000 participations per
campaign), a school is built by `bench/generate.py` (or reused with `BENCH_REUSE=1`), then:

- export: `build_export` of the evaluation campaign as CSV in a real Celery worker (`-P solo`,
  a queue of its own); its peak RSS growth is read from /proc (VmHWM reset through
  `clear_refs`, after a warm-up job) and compared with a raw `COPY … TO STDOUT` of the same
  snapshot rows;
- analysis: `compute_campaign_analysis` of the same campaign in the same way;
- pages: p50/p95 of Activité, Résultats (page 1, with filters too), the campaign list and the
  learner list through Django's test client in this process (`DEBUG` off), with their query
  counts; at the largest scale, `EXPLAIN (ANALYZE, BUFFERS)` of the queries behind them.

Without REDIS_URL the two jobs run in a plain subprocess instead of a worker.
"""

import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from analysis.models import CampaignAnalysis, ExportJob, JobStatus
from assessments.models import Answer, KnowledgeElement
from bench.generate import find_generated, generate
from campaigns.models import Campaign
from participations.models import CampaignParticipation, KnowledgeElementSnapshot

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCALES = (1000, 20000, 100000)
PAGE_REQUESTS = 50
PAGE_WARMUP = 3
JOB_TIMEOUT = 600
# Tables whose sequential scan would grow with the campaign or the school.
BIG_TABLES = {model._meta.db_table for model in (CampaignParticipation, KnowledgeElementSnapshot)} | {
    "organizations_organizationlearner", "assessments_answer", "assessments_knowledgeelement",
    "assessments_assessment", "accounts_user",
}


def scales() -> list[int]:
    text = os.environ.get("BENCH_SCALES", "")
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()] or list(DEFAULT_SCALES)


def dataset(scale: int) -> dict:
    """The school of this scale: built now, or the one already there with BENCH_REUSE=1."""
    if os.environ.get("BENCH_REUSE") == "1" and (found := find_generated(scale)):
        found["reused"] = True
        return found
    return generate(scale)


# --- Jobs in a worker ----------------------------------------------------------------------

def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


class Worker:
    """A Celery worker (`-P solo`: the task runs in the process whose memory is read) on a
    queue of its own, with DEBUG off (DEBUG keeps the last 9,000 queries in memory)."""

    def __init__(self, media_root: str):
        self.queue = f"bench-scale-{uuid.uuid4().hex[:8]}"
        self.media_root = media_root
        self.log: list[str] = []

    def __enter__(self):
        env = {**os.environ, "DJANGO_DEBUG": "0", "SECRET_KEY": "bench-only-" + uuid.uuid4().hex * 2,
               "ALLOWED_HOSTS": "localhost", "MEDIA_ROOT": self.media_root}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pixorga", "worker", "-P", "solo", "-Q", self.queue,
             "-n", f"{self.queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        ready = threading.Event()

        def drain():
            for line in self.process.stdout:
                self.log.append(line)
                if " ready." in line:
                    ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(60):
            self.process.kill()
            raise RuntimeError("the Celery worker did not start:\n" + "".join(self.log[-30:]))
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def send(self, task, *args):
        task.apply_async(args, queue=self.queue)

    def reset_peak(self) -> int:
        """Sets the peak RSS to the current one (Linux ≥ 4.0); returns it in kB."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
        return _status(self.process.pid)["VmRSS"]

    def peak(self) -> int:
        return _status(self.process.pid)["VmHWM"]


def _wait(query, done):
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        row = query()
        if done(row):
            return row
        time.sleep(0.05)
    raise TimeoutError("the job did not finish in time")


def _export_job(worker, data) -> dict:
    from analysis.export_tasks import build_export

    job = ExportJob.objects.create(campaign_id=data["evaluation_id"], requested_by_id=data["teacher_id"],
                                   format=ExportJob.Format.CSV, requested_at=timezone.now())
    started = time.perf_counter()
    worker.send(build_export, job.pk)
    job = _wait(lambda: ExportJob.objects.get(pk=job.pk),
                lambda row: row.status in (JobStatus.DONE, JobStatus.FAILED))
    wall = time.perf_counter() - started
    if job.status != JobStatus.DONE:
        raise RuntimeError(f"export failed: {job.error}")
    path = Path(worker.media_root) / job.file.name
    with open(path, "rb") as file:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
    size = path.stat().st_size
    path.unlink()
    return {"seconds": (job.finished_at - job.started_at).total_seconds(), "wall": wall,
            "rows": job.rows_done, "lines": lines, "megabytes": size / 1e6}


def _analysis_job(worker, data) -> dict:
    from analysis.analysis_tasks import compute_campaign_analysis

    campaign_id = data["evaluation_id"]
    CampaignAnalysis.objects.update_or_create(campaign_id=campaign_id, defaults={
        "status": JobStatus.REQUESTED, "requested_at": timezone.now(), "started_at": None,
        "computed_at": None, "error": "",
    })
    started = time.perf_counter()
    worker.send(compute_campaign_analysis, campaign_id)
    analysis = _wait(lambda: CampaignAnalysis.objects.get(campaign_id=campaign_id),
                     lambda row: row.status in (JobStatus.DONE, JobStatus.FAILED))
    wall = time.perf_counter() - started
    if analysis.status != JobStatus.DONE:
        raise RuntimeError(f"analysis failed: {analysis.error}")
    return {"seconds": (analysis.computed_at - analysis.started_at).total_seconds(), "wall": wall,
            "participants": analysis.participant_count, "subjects": len(analysis.data["recommendations"])}


JOBS = {"export": _export_job, "analysis": _analysis_job}


def in_worker(kind: str, data: dict, warmup: dict) -> dict:
    """One job in a fresh worker, after a warm-up job of the same kind (imports, référentiel,
    connection), with the peak RSS growth it caused."""
    with tempfile.TemporaryDirectory() as media, Worker(media) as worker:
        JOBS[kind](worker, warmup)
        before = worker.reset_peak()
        result = JOBS[kind](worker, data)
        result["rss_growth_mb"] = (worker.peak() - before) / 1024
        result["rss_before_mb"] = before / 1024
    return result


SUBPROCESS_JOB = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")
import django
django.setup()
from django.utils import timezone
from analysis import analysis_tasks, export_tasks
from analysis.models import CampaignAnalysis, ExportJob, JobStatus
from learning_content.repository import get_content

def run(kind, campaign_id, user_id):
    started = time.perf_counter()
    if kind == "export":
        job = ExportJob.objects.create(campaign_id=campaign_id, requested_by_id=user_id, format="csv",
                                       requested_at=timezone.now())
        assert export_tasks.export_build(job_id=job.pk) == export_tasks.BUILT
    else:
        CampaignAnalysis.objects.update_or_create(campaign_id=campaign_id, defaults={{
            "status": JobStatus.REQUESTED, "requested_at": timezone.now()}})
        analysis_tasks.compute_campaign_analysis(campaign_id)
    return time.perf_counter() - started

get_content()
run({kind!r}, {warmup_id}, {user_id})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
seconds = run({kind!r}, {campaign_id}, {user_id})
print(seconds, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def in_subprocess(kind: str, data: dict, warmup: dict) -> dict:
    """The same job in a plain Python process (no broker): ru_maxrss after the warm-up job and
    at the end."""
    with tempfile.TemporaryDirectory() as media:
        code = SUBPROCESS_JOB.format(root=str(ROOT), kind=kind, campaign_id=data["evaluation_id"],
                                     warmup_id=warmup["evaluation_id"], user_id=data["teacher_id"])
        env = {**os.environ, "DJANGO_DEBUG": "0", "SECRET_KEY": "bench-only-" + uuid.uuid4().hex * 2,
               "ALLOWED_HOSTS": "localhost", "MEDIA_ROOT": media}
        output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True)
    seconds, before, after = output.stdout.split()[-3:]
    return {"seconds": float(seconds), "wall": float(seconds),
            "rss_growth_mb": (int(after) - int(before)) / 1024, "rss_before_mb": int(before) / 1024}


def copy_snapshots(data) -> dict:
    """The raw read the export is compared with: COPY of the campaign's snapshot rows."""
    query = (
        f"COPY (SELECT s.knowledge_elements FROM {KnowledgeElementSnapshot._meta.db_table} s "
        f"JOIN {CampaignParticipation._meta.db_table} p ON p.id = s.participation_id "
        f"WHERE p.campaign_id = {int(data['evaluation_id'])} AND p.deleted_at IS NULL) TO STDOUT"
    )
    timings, size = [], 0
    for _attempt in range(3):
        size = 0
        started = time.perf_counter()
        with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
            for block in copy:
                size += len(block)
        timings.append(time.perf_counter() - started)
    return {"seconds": statistics.median(timings), "megabytes": size / 1e6}


# --- Pages ---------------------------------------------------------------------------------

def pages(data) -> dict[str, str]:
    evaluation, collection = data["evaluation_id"], data["collection_id"]
    return {
        "Activité": reverse("analysis:activity", args=[evaluation]),
        "Activité, filtres (envoyés, 3e A, « ma »)": reverse("analysis:activity", args=[evaluation])
        + "?status=SHARED&classes=3e+A&search=ma",
        "Activité, recherche seule (« ma »)": reverse("analysis:activity", args=[evaluation]) + "?search=ma",
        "Activité, recherche d'un nom (« martin »)": reverse("analysis:activity", args=[evaluation])
        + "?search=martin",
        "Résultats": reverse("analysis:results", args=[evaluation]),
        "Résultats, filtres (3e A, palier 1, « ma »)": reverse("analysis:results", args=[evaluation])
        + "?classes=3e+A&palier=1&search=ma",
        "Résultats de la collecte": reverse("analysis:results", args=[collection]),
        "Liste des campagnes": reverse("campaigns:all"),
        "Liste des élèves": reverse("learners:list"),
    }


def _percentile(values, rank: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(rank * len(ordered)) - 1)]


def page_timings(data, *, requests: int = PAGE_REQUESTS) -> dict[str, dict]:
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=data["teacher_id"]))
    results = {}
    with override_settings(DEBUG=False):
        for name, url in pages(data).items():
            for _warmup in range(PAGE_WARMUP):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            # The request signal empties the query log: start the capture from an empty one.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            # Read now: the list is a view of the log, which the next request empties.
            captured = [query["sql"] for query in queries.captured_queries]
            timings = []
            for _request in range(requests):
                started = time.perf_counter()
                client.get(url)
                timings.append(time.perf_counter() - started)
            results[name] = {
                "url": url, "p50_ms": 1000 * statistics.median(timings),
                "p95_ms": 1000 * _percentile(timings, 0.95), "queries": len(captured), "sql": captured,
            }
    return results


_NODE = re.compile(r"((?:Parallel )?"
                   r"(?:Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan)(?: Backward)?"
                   r"(?: using \S+)? on \S+)")


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
    nodes = list(dict.fromkeys(_NODE.findall(plan)))
    big_seq_scans = [node for node in nodes if node.startswith(("Seq Scan", "Parallel Seq Scan"))
                     and node.split(" on ")[-1] in BIG_TABLES]
    return {"plan": plan, "ms": float(execution.group(1)) if execution else None, "nodes": nodes,
            "big_seq_scans": big_seq_scans}


def explain_lookups(data) -> dict[str, dict]:
    """The single-row reads of the student's side, on the big tables: a campaign by its code,
    an assessment's answers, a pupil's knowledge elements, a participation's snapshot."""
    participation = CampaignParticipation.objects.filter(
        campaign_id=data["evaluation_id"], status=CampaignParticipation.Status.SHARED,
    ).select_related("campaign").first()
    lookups = {
        "campagne par code": Campaign.objects.filter(code=participation.campaign.code),
        "réponses d'une évaluation": Answer.objects.filter(assessment_id=participation.assessment_id)
        .order_by("pk").values_list("challenge_id", "result"),
        "acquis d'un élève": KnowledgeElement.objects.filter(user_id=participation.user_id)
        .order_by("created_at", "pk").values("skill_id", "status"),
        "instantané d'une participation":
            KnowledgeElementSnapshot.objects.filter(participation=participation),
    }
    explained = {}
    for name, queryset in lookups.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            explained[name] = explain(cursor.mogrify(sql, params))
    return explained


def explain_pages(results: dict[str, dict]) -> dict[str, list[dict]]:
    """EXPLAIN of every SELECT behind each page but the session and access ones."""
    explained = {}
    for name, page in results.items():
        rows = []
        for sql in page["sql"]:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "django_session" in sql:
                continue
            rows.append({"sql": sql, **explain(sql)})
        explained[name] = rows
    return explained


# --- Report --------------------------------------------------------------------------------

def run() -> dict:
    chosen = scales()
    data = {}
    for scale in chosen:
        data[scale] = built = dataset(scale)
        if built.get("reused"):
            print(f"  {scale:>7,} : école déjà construite, réutilisée ({built['uai']})")
        else:
            print(f"  {scale:>7,} : {built['row_count']:,} lignes en {built['seconds']:.1f} s "
                  f"({built['rows_per_second']:,.0f} lignes/s, puis {built['settle_seconds']:.1f} s de "
                  f"VACUUM/ANALYZE) ; {built['statuses']}")
    warmup = data[min(chosen)]
    runner = in_worker if os.environ.get("REDIS_URL") else in_subprocess
    where = "worker Celery réel" if runner is in_worker else "processus séparé (pas de REDIS_URL)"
    print(f"  tâches : {where}")
    report = {"scales": chosen, "data": data, "runner": runner.__name__, "export": {}, "copy": {},
              "analysis": {}, "pages": {}}
    for scale in chosen:
        report["export"][scale] = export = runner("export", data[scale], warmup)
        report["copy"][scale] = copy = copy_snapshots(data[scale])
        print(f"  export CSV {scale:>7,} : {export['seconds']:.2f} s ({export.get('lines', '?')} lignes, "
              f"{export.get('megabytes', 0):.1f} Mo), RSS +{export['rss_growth_mb']:.1f} Mo "
              f"(depuis {export['rss_before_mb']:.0f} Mo) ; COPY des instantanés {copy['seconds']:.2f} s "
              f"({copy['megabytes']:.0f} Mo) ; rapport {export['seconds'] / copy['seconds']:.1f}")
    for scale in chosen:
        report["analysis"][scale] = analysis = runner("analysis", data[scale], warmup)
        print(f"  analyse {scale:>7,} : {analysis['seconds']:.2f} s, RSS +{analysis['rss_growth_mb']:.1f} Mo "
              f"(depuis {analysis['rss_before_mb']:.0f} Mo)")
    for scale in chosen:
        load = os.getloadavg()[0]
        report["pages"][scale] = page_timings(data[scale])
        # The machine is shared: a load above its 2 cores makes the p95 of that scale noisy.
        report.setdefault("load", {})[scale] = (load, os.getloadavg()[0])
        print(f"  {scale:>7,} (charge de la machine avant/après : {load:.1f} / {os.getloadavg()[0]:.1f})")
        for name, page in report["pages"][scale].items():
            print(f"  {scale:>7,} {name:<45} p50 {page['p50_ms']:6.1f} ms  p95 {page['p95_ms']:6.1f} ms  "
                  f"{page['queries']} requêtes")
    largest = max(chosen)
    report["explain"] = explain_pages(report["pages"][largest])
    report["lookups"] = explain_lookups(data[largest])
    for name, rows in report["explain"].items():
        print(f"  EXPLAIN {largest:,} — {name} (requêtes sur les grandes tables)")
        for row in rows:
            if any(node.split(" on ")[-1] in BIG_TABLES for node in row["nodes"]):
                _print_plan(row)
    print(f"  EXPLAIN {largest:,} — lectures ponctuelles")
    for name, row in report["lookups"].items():
        _print_plan(row, name)
    path = ROOT / "bench" / "results" / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=1, default=str))
    print(f"  (plans complets et chiffres : {path})")
    return report


def _print_plan(row, name=""):
    flag = "  PARCOURS SÉQUENTIEL " + ", ".join(row["big_seq_scans"]) if row["big_seq_scans"] else ""
    label = f"{name} : " if name else ""
    print(f"    {row['ms']:8.2f} ms  {label}{'; '.join(row['nodes']) or '-'}{flag}")


def main():
    if connection.vendor != "postgresql":
        print("  (PostgreSQL seulement : voir bench/README.md, « Scale »)")
        return None
    return run()
