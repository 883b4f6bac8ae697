"""The "Analyse" tab of an assessment campaign (features §A.10) and the same analysis for one
participant (§A.12). The tab shows the analysis stored by the worker and never waits for it."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from campaigns.access import get_campaign_for_member
from campaigns.selectors import campaign_header
from lib import health
from lib.durations import duration_label
from organizations.access import orga_member_required
from participations.models import KnowledgeElementSnapshot

from . import analysis_tasks, recommendation, selectors
from .models import JobStatus

# While a computation is pending, the page asks for its status this often.
POLL_SECONDS = 5
# htmx stops polling when a response has this status.
HTMX_STOP_POLLING = 286


def displayed_recommendations(rows: list[dict], *, descending: bool = False) -> list[dict]:
    """Stored rows with what depends on the reader's language (labels, durations) and the order
    he asked for."""
    displayed = []
    for row in recommendation.sort_recommendations(rows, descending=descending):
        level = row["relevance"] or 0
        displayed.append({
            **row,
            "relevance_label": recommendation.relevance_label(level) if level else "",
            "bubbles_on": "●" * level,
            "bubbles_off": "○" * (recommendation.RELEVANCE_MAX - level) if level else "",
            "tutorials": [
                {**tutorial, "duration_label": duration_label(tutorial["duration_seconds"])}
                for tutorial in row["tutorials"]
            ],
        })
    return displayed


def participant_analysis(content, campaign, participation) -> dict | None:
    """The analysis of one shared participation, computed on the fly from its frozen snapshot
    (one query): §8.1 with a single participant."""
    if not participation.is_shared:
        return None
    try:
        elements = participation.snapshot.knowledge_elements
    except KnowledgeElementSnapshot.DoesNotExist:
        return None
    profile = content.target_profiles.get(campaign.target_profile_id)
    target = profile.skill_ids if profile else ()
    participants = [recommendation.validated_skill_ids(elements)]
    rows = recommendation.tube_recommendations(content, target, participants)
    return {
        "recommendations": displayed_recommendations(rows),
        "competences": recommendation.competence_results(content, target, participants),
    }


def _status_context(analysis) -> dict:
    return {
        "analysis": analysis,
        "pending": analysis_tasks.is_pending(analysis),
        "waits_for_workers": analysis is not None and analysis.status == JobStatus.REQUESTED
        and health.jobs_wait_for_workers(),
        "failed": analysis is not None and analysis.status == JobStatus.FAILED,
        "poll_seconds": POLL_SECONDS,
    }


@orga_member_required
def analysis_tab(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    if not campaign.is_assessment:
        raise Http404
    analysis = analysis_tasks.campaign_analysis_for_page(campaign)
    if request.htmx and request.GET.get("fragment") == "statut":
        return _status_fragment(request, campaign, analysis)
    context = campaign_header(campaign, membership=request.membership, tab="analysis")
    analysis = analysis_tasks.campaign_analysis_refresh(
        campaign, analysis, shared_count=context["counts"]["shared"], now=timezone.now()
    )
    descending = request.GET.get("tri") == "desc"
    data = analysis.data if analysis is not None and analysis.computed_at else {}
    shown = bool(context["counts"]["shared"] and data and analysis.participant_count)
    return render(request, "analysis/analysis.html", {
        **context, **_status_context(analysis),
        "shown": shown,
        "descending": descending,
        "recommendations": displayed_recommendations(data.get("recommendations", []), descending=descending),
        "competences": data.get("competences", []),
        "badge_shares": selectors.badge_shares(campaign) if shown else [],
    })


def _status_fragment(request, campaign, analysis):
    """While pending: 204, so that htmx swaps nothing and the live region stays quiet. Once
    done: the new status, with the status that stops the polling."""
    context = _status_context(analysis)
    if context["pending"]:
        return HttpResponse(status=204)
    context.update(campaign=campaign, updated=True)
    return render(request, "analysis/analysis_status.html", context, status=HTMX_STOP_POLLING)
