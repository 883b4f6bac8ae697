"""The cost of one answer (issue #23, item 3): its POST and the GET of the next challenge, and
the POST alone when htmx sends it (the next question comes back in its response),
measured in the bench process for a pupil with 10, 100 and 1,000 previous answers, in a
campaign with about as many answers of other pupils.

The school comes from bench/generate.py (every pupil half-way through the "Parcours de
rentrée 3e"); the pupil's earlier tests are completed competence evaluations written as
rows, one direct knowledge element per answer, a month old, on the competences the campaign
does not test. The pupil then answers through Django's test client (`DEBUG` off): statements
counted per request, CPU time of the bench process per request (PostgreSQL's own work is not
in it). Reproduce: `bench/run.py answers`; `BENCH_ANSWER_SIZES` (10,100,1000) chooses the sizes.
"""

import os
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import Answer, Assessment, KnowledgeElement
from bench.generate import PROFILE_ID, generate
from demo.pupils import as_form, right_answer, wrong_answer
from learning_content.repository import get_content
from participations.models import CampaignParticipation

SIZES = [int(size) for size in os.environ.get("BENCH_ANSWER_SIZES", "10,100,1000").split(",")]
ANSWERS_MEASURED = 8
ANSWERS_PER_TEST = 30


def _history(user_id, count):
    """`count` answers of the pupil in earlier competence evaluations, outside the campaign's tubes."""
    content = get_content()
    target = set(content.target_profiles[PROFILE_ID].skill_ids)
    challenges = [c for c in content.challenges.values() if c.skill_id not in target and c.status == "validé"]
    month_ago = timezone.now() - timedelta(days=30)
    for start in range(0, count, ANSWERS_PER_TEST):
        chunk = challenges[start % len(challenges):][:min(ANSWERS_PER_TEST, count - start)]
        competence_id = content.skills[chunk[0].skill_id].competence_id
        assessment = Assessment.objects.create(
            user_id=user_id, type=Assessment.Type.COMPETENCE_EVALUATION, competence_id=competence_id,
            state=Assessment.State.COMPLETED, completed_at=month_ago, end_path="/competences/",
        )
        answers = Answer.objects.bulk_create([
            Answer(assessment=assessment, challenge_id=c.id, value=None, result="ok" if i % 2 else "ko")
            for i, c in enumerate(chunk)
        ])
        KnowledgeElement.objects.bulk_create([
            KnowledgeElement(
                user_id=user_id, assessment=assessment, answer=answer, skill_id=c.skill_id,
                competence_id=content.skills[c.skill_id].competence_id,
                status="validated" if i % 2 else "invalidated", source="direct",
                earned_pix=content.skills[c.skill_id].pix_value if i % 2 else 0,
                created_at=month_ago + timedelta(seconds=start + i),
            )
            for i, (c, answer) in enumerate(zip(chunk, answers))
        ])


@contextmanager
def _counted():
    calls = []

    def count(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield calls


def _answer_loop(client, assessment_id, count, *, htmx=False) -> list[dict]:
    """Without htmx: the POST (a redirect) and the GET of the next challenge. With htmx: the
    POST alone, which answers with the next question (a checkpoint is a client redirect: such
    answers are kept apart, `swapped` False)."""
    content = get_content()
    url = reverse("assessments:challenge", args=[assessment_id])
    headers = {"HX-Request": "true"} if htmx else {}
    costs = []
    for number in range(count):
        current = Assessment.objects.values_list("current_challenge_id", "state").get(pk=assessment_id)
        if current[1] == Assessment.State.COMPLETED or not current[0]:
            break
        challenge = content.challenges[current[0]]
        if challenge.is_timed:
            client.post(reverse("assessments:start_timer", args=[assessment_id]), {"challenge_id": challenge.id})
        form = as_form(challenge, right_answer(challenge) if number % 2 else wrong_answer(challenge))
        with _counted() as post_statements:
            started = time.process_time()
            response = client.post(url, {"challenge_id": challenge.id, "action": "validate", **form}, headers=headers)
            post_cpu = time.process_time() - started
        cost = {"post_ms": 1000 * post_cpu, "post_statements": len(post_statements)}
        if htmx:
            assert response.status_code == 200, response.status_code
            cost["swapped"] = "HX-Redirect" not in response
        else:
            assert response.status_code == 302, response.status_code
            with _counted() as get_statements:
                started = time.process_time()
                page = client.get(url)
                cost["get_ms"] = 1000 * (time.process_time() - started)
            assert page.status_code in (200, 302), page.status_code
            cost["get_statements"] = len(get_statements)
        costs.append(cost)
    return costs


def _pupil(built, rank):
    participation = (
        CampaignParticipation.objects.filter(campaign_id=built["evaluation_id"], status="STARTED")
        .order_by("pk")[rank]
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=participation.user_id))
    return participation, client


def measure(size: int) -> dict:
    # Half-way pupils: about 15 answers each; two of them measured, the same history each.
    built = generate(max(2, round(size / 15)), seed=23, rates=(0.0, 0.0))
    (participation, client), (other, htmx_client) = _pupil(built, 0), _pupil(built, 1)
    _history(participation.user_id, size)
    _history(other.user_id, size)
    campaign_answers = Answer.objects.filter(assessment_id__in=CampaignParticipation.objects.filter(
        campaign_id=built["evaluation_id"]
    ).values("assessment_id")).count()
    with override_settings(DEBUG=False):
        client.get(reverse("assessments:challenge", args=[participation.assessment_id]))
        costs = _answer_loop(client, participation.assessment_id, ANSWERS_MEASURED + 1)
        htmx_client.get(reverse("assessments:challenge", args=[other.assessment_id]))
        htmx_costs = _answer_loop(htmx_client, other.assessment_id, ANSWERS_MEASURED + 1, htmx=True)
    # The first answer may rebuild what the row keeps; the steady loop is the rest.
    first, steady = costs[0], costs[1:]
    swapped = [c for c in htmx_costs[1:] if c["swapped"]]
    return {
        "pupil_answers": Answer.objects.filter(assessment__user_id=participation.user_id).count(),
        "pupil_knowledge_elements": KnowledgeElement.objects.filter(user_id=participation.user_id).count(),
        "campaign_answers": campaign_answers, "first": first, "answers": len(steady),
        "post_ms": statistics.median(c["post_ms"] for c in steady),
        "get_ms": statistics.median(c["get_ms"] for c in steady),
        "post_statements": max(c["post_statements"] for c in steady),
        "get_statements": max(c["get_statements"] for c in steady),
        "htmx_answers": len(swapped),
        "htmx_ms": statistics.median(c["post_ms"] for c in swapped),
        "htmx_statements": max(c["post_statements"] for c in swapped),
    }


def main():
    print("| réponses de l'élève (acquis) | réponses de la campagne | POST : requêtes, CPU médian "
          "| GET suivant : requêtes, CPU médian | htmx, POST seul : requêtes, CPU médian "
          "| 1re réponse : requêtes, CPU |")
    print("|---|---|---|---|---|---|")
    report = {"sizes": {}}
    for size in SIZES:
        report["sizes"][size] = row = measure(size)
        print(f"| {row['pupil_answers']:,} ({row['pupil_knowledge_elements']:,}) | {row['campaign_answers']:,} "
              f"| {row['post_statements']}, {row['post_ms']:.1f} ms | {row['get_statements']}, {row['get_ms']:.1f} ms "
              f"| {row['htmx_statements']}, {row['htmx_ms']:.1f} ms "
              f"| {row['first']['post_statements']}, {row['first']['post_ms']:.1f} ms |")
    largest = report["sizes"][SIZES[-1]]
    report["headlines"] = [(
        f"une réponse après {largest['pupil_answers']:,} réponses de l'élève".replace(",", " "),
        f"POST {largest['post_statements']} requêtes, {largest['post_ms']:.1f} ms de CPU ; "
        f"GET {largest['get_statements']} requêtes, {largest['get_ms']:.1f} ms ; "
        f"htmx (une requête) {largest['htmx_statements']} requêtes, {largest['htmx_ms']:.1f} ms",
    )]
    return report
