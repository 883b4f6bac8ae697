"""The stored "Analyse" of an assessment campaign: requested when results arrive, computed by a
worker from the frozen snapshots, read by the tab without waiting (domain rules §8.1, §8.3).

The CampaignAnalysis row is the status of the job: REQUESTED (a computation is due), RUNNING
(a worker claimed it), DONE or FAILED. Every transition is a conditional UPDATE, so two workers
never both compute and a request that lands during a computation is never lost.
"""

import logging
from collections import Counter
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign
from learning_content.repository import get_content
from lib import heartbeat
from lib.queue import send_on_commit
from participations.models import CampaignParticipation

from . import recommendation
from .models import CampaignAnalysis, JobStatus
from .selectors import SnapshotValidatedSkillIds

logger = logging.getLogger(__name__)

# A class often sends its results within the same minute: the computation starts this long
# after the first sending and covers every sending of the burst.
DEBOUNCE_SECONDS = 10
# Participations (with their snapshot) read per query: bounds what one query holds in memory.
CHUNK_SIZE = 500
# The worker kills a computation past this. A RUNNING row whose worker stopped beating
# (lib.heartbeat), or older than that, belongs to a dead worker and may be claimed again.
TIME_LIMIT = timedelta(minutes=10)


def _enqueue(campaign_id: int, delay: int) -> None:
    send_on_commit(compute_campaign_analysis, (campaign_id,), countdown=delay)


def campaign_analysis_request(campaign, *, now, delay: int = DEBOUNCE_SECONDS) -> CampaignAnalysis:
    """Ask for a fresh analysis. Enqueues at most one computation per burst of requests."""
    analysis, created = CampaignAnalysis.objects.get_or_create(
        campaign=campaign, defaults={"requested_at": now}
    )
    if created:
        _enqueue(campaign.pk, delay)
        return analysis
    rows = CampaignAnalysis.objects.filter(pk=analysis.pk)
    recent = now - TIME_LIMIT
    # The running worker may have read the participations before this sending was committed:
    # flagging its row makes it go again when done, rather than starting a second worker.
    running = rows.filter(status=JobStatus.RUNNING).exclude(heartbeat.orphaned(now=now, running_for=TIME_LIMIT))
    if running.update(status=JobStatus.REQUESTED, requested_at=now):
        analysis.status, analysis.requested_at = JobStatus.REQUESTED, now
        return analysis
    # Anything but a recent request gets a new task: a finished job, or a request or run left
    # behind by a dead worker or a message lost by the broker (a duplicate task is harmless:
    # only one claims the row).
    if rows.exclude(status=JobStatus.REQUESTED, requested_at__gte=recent).update(
        status=JobStatus.REQUESTED, requested_at=now
    ):
        analysis.status, analysis.requested_at = JobStatus.REQUESTED, now
        _enqueue(campaign.pk, delay)
    return analysis


def is_pending(analysis: CampaignAnalysis | None) -> bool:
    return analysis is not None and analysis.status in (JobStatus.REQUESTED, JobStatus.RUNNING)


def campaign_analysis_for_page(campaign) -> CampaignAnalysis | None:
    return CampaignAnalysis.objects.filter(campaign=campaign).first()


def campaign_analysis_refresh(campaign, analysis: CampaignAnalysis | None, *, shared_count: int, now):
    """Ask for a new analysis when the stored one is missing, covers another number of
    participants than the campaign counts now (a pupil retrying with "Envoi multiple", a deleted
    participation: no sending announces those), or belongs to a stuck job. Never computes."""
    if analysis is None:
        needed = shared_count > 0
    elif analysis.status == JobStatus.RUNNING:
        needed = analysis.started_at < now - TIME_LIMIT
    elif analysis.status == JobStatus.REQUESTED:
        needed = analysis.requested_at < now - TIME_LIMIT
    else:
        needed = analysis.status == JobStatus.DONE and analysis.participant_count != shared_count
    return campaign_analysis_request(campaign, now=now) if needed else analysis


def _shared_participations(campaign_id: int):
    """(pk, user_id, is_improved, validated skill ids of the snapshot) of every shared,
    non-deleted participation, by pk, one query per chunk (keyset pagination: no OFFSET scan).
    The database picks the validated ids out of the snapshot: the worker reads a few ids per
    participant rather than every knowledge element."""
    last_pk = 0
    while True:
        rows = list(
            CampaignParticipation.objects.filter(
                campaign_id=campaign_id, status=CampaignParticipation.Status.SHARED, deleted_at__isnull=True,
                pk__gt=last_pk,
            )
            .order_by("pk")
            .values_list("pk", "user_id", "is_improved",
                         SnapshotValidatedSkillIds("snapshot__knowledge_elements"))[:CHUNK_SIZE]
        )
        yield from rows
        if len(rows) < CHUNK_SIZE:
            return
        last_pk = rows[-1][0]


def campaign_analysis_compute(campaign_id: int) -> tuple[dict, int]:
    """The data stored for the tab and the number of participants it covers."""
    content = get_content()
    profile_id = Campaign.objects.filter(pk=campaign_id).values_list("target_profile_id", flat=True).first()
    profile = content.target_profiles.get(profile_id)
    masks = recommendation.SkillMasks(content, profile.skill_ids if profile else ())
    # Participants as integers (a bit per skill of the parcours), counted by value: memory
    # grows with the distinct results and the pupils, not with the knowledge elements.
    counted, latest_by_user = Counter(), {}
    for pk, user_id, is_improved, validated_ids in _shared_participations(campaign_id):
        validated = masks.of(validated_ids or ())
        if not is_improved:
            counted[validated] += 1
        # §8.3 keeps each pupil's latest sending (rows come by pk), even while his newer
        # participation, started with "Envoi multiple", is not sent yet.
        latest_by_user[user_id if user_id is not None else -pk] = validated
    data = {
        "content_version": content.version,
        "recommendations": recommendation.tube_recommendations_of(content, masks, counted),
        "competences": recommendation.competence_results_of(content, masks, Counter(latest_by_user.values())),
        "competence_participant_count": len(latest_by_user),
    }
    return data, sum(counted.values())


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=int(TIME_LIMIT.total_seconds()))
def compute_campaign_analysis(campaign_id: int) -> None:
    """Thin: the claim, the computation and its outcome live in the service."""
    campaign_analysis_run(campaign_id, started_at=timezone.now())


def campaign_analysis_run(campaign_id: int, *, started_at) -> None:
    """The worker's side: claims the campaign's analysis row with a conditional UPDATE (a dead
    worker's row too), computes, and stores the outcome on the rows it still owns."""
    worker = heartbeat.beat(now=started_at)
    claimed = CampaignAnalysis.objects.filter(
        Q(status=JobStatus.REQUESTED)
        | Q(heartbeat.orphaned(now=started_at, running_for=TIME_LIMIT), status=JobStatus.RUNNING),
        campaign_id=campaign_id,
    ).update(status=JobStatus.RUNNING, started_at=started_at, worker=worker)
    if not claimed:
        logger.info("analysis of campaign %s: nothing to compute or already running", campaign_id)
        return
    # Rows still carrying this start are ours: a worker that reclaimed a stale row has changed it.
    mine = CampaignAnalysis.objects.filter(campaign_id=campaign_id, started_at=started_at)
    try:
        data, participant_count = campaign_analysis_compute(campaign_id)
    except Exception as error:
        logger.exception("analysis of campaign %s failed", campaign_id)
        message = f"{type(error).__name__}: {error}"[:2000]
        # Results that arrived meanwhile deserve one more try; otherwise the next sending retries.
        if (not mine.filter(status=JobStatus.RUNNING).update(status=JobStatus.FAILED, error=message)
                and mine.filter(status=JobStatus.REQUESTED).update(error=message)):
            _enqueue(campaign_id, DEBOUNCE_SECONDS)
        return
    stored = {
        "data": data, "participant_count": participant_count, "computed_at": timezone.now(), "error": "",
    }
    if mine.filter(status=JobStatus.RUNNING).update(status=JobStatus.DONE, **stored):
        logger.info("analysis of campaign %s computed for %s participants", campaign_id, participant_count)
        return
    # Results arrived meanwhile: show what was computed (newer than what the tab shows) and go again.
    if mine.filter(status=JobStatus.REQUESTED).update(**stored):
        logger.info("analysis of campaign %s requested again during its computation", campaign_id)
        _enqueue(campaign_id, DEBOUNCE_SECONDS)
