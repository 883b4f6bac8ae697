"""The campaign tabs that read results: Activité, Résultats, the participant pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.access import can_manage, get_campaign_for_member
from campaigns.selectors import campaign_header
from learning_content.repository import get_content
from lib.pagination import paginate
from organizations.access import orga_member_required
from participations import selectors as participation_selectors
from participations import services as participation_services
from participations.models import CampaignParticipation

from . import selectors
from .analysis_views import participant_analysis
from .export_tasks import export_latest

# While pupils are answering, Activité refreshes its figures this often (one cheap query).
ACTIVITY_REFRESH_SECONDS = 20


@orga_member_required
def activity(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    summary = selectors.activity_summary(campaign)
    context = {"summary": summary, "refresh_seconds": ACTIVITY_REFRESH_SECONDS}
    if request.htmx and request.GET.get("fragment") == "resume":
        return render(request, "analysis/activity_summary.html", {"campaign": campaign, **context})
    status = request.GET.get("status", "")
    search = request.GET.get("search", "")[:100]
    divisions = chosen_divisions(request, campaign.organization)
    page = paginate(request, selectors.participants(campaign, status=status, search=search, divisions=divisions))
    for row in page.object_list:
        row.status_label = selectors.status_label(row, campaign)
    return render(request, "analysis/activity.html", {
        **campaign_header(campaign, membership=request.membership, tab="activity"), **context,
        "days": selectors.activity_by_day(campaign), "page": page, **_classes_context(campaign, divisions),
        "filters": {"status": status, "search": search}, "statuses": CampaignParticipation.Status,
    })


def chosen_divisions(request, organization) -> list[str]:
    """The "Classes" ticked. Classes exist only for a school that manages its students;
    elsewhere the filter is not shown, and a stray `classes` must not empty a list."""
    if not organization.is_managing_students:
        return []
    return [value[:255] for value in request.GET.getlist("classes")[:100] if value]


def _classes_context(campaign, divisions) -> dict:
    """The "Classes" filter and column, for a school that manages its students."""
    if not campaign.organization.is_managing_students:
        return {"show_classes": False}
    return {"show_classes": True, "divisions": selectors.campaign_divisions(campaign), "chosen_divisions": divisions}


@orga_member_required
def results(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    search = request.GET.get("search", "")[:100]
    divisions = chosen_divisions(request, campaign.organization)
    context = {**campaign_header(campaign, membership=request.membership, tab="results"),
               **_classes_context(campaign, divisions)}
    if campaign.is_assessment:
        return _evaluation_results(request, campaign, context, search=search, divisions=divisions)
    certifiable = request.GET.get("certifiable", "")
    page = paginate(request, selectors.profiles_results(
        campaign, search=search, certifiable=certifiable, divisions=divisions
    ))
    selectors.decorate_profile_rows(page.object_list)
    return render(request, "analysis/profiles.html", {
        **context, **export_latest(campaign), "page": page, "filters": {"search": search, "certifiable": certifiable},
    })


def _evaluation_results(request, campaign, context, *, search, divisions):
    """Résultats of an evaluation, with the « Paliers », « Thématiques » and « Lacunes » filters."""
    filters = {
        "search": search, "palier": request.GET.get("palier", ""),
        "badges": request.GET.getlist("thematiques")[:50], "unacquired": request.GET.getlist("lacunes")[:50],
    }
    data = selectors.assessment_results(
        campaign, search=search, stage=filters["palier"], divisions=divisions,
        badges=filters["badges"], unacquired=filters["unacquired"],
    )
    page = paginate(request, data["rows"])
    selectors.decorate_assessment_rows(campaign, page.object_list)
    return render(request, "analysis/results.html", {
        **context, **export_latest(campaign), "data": data, "page": page, "filters": filters,
    })


def _participation_in(campaign, participation_id):
    return get_object_or_404(
        CampaignParticipation.objects.select_related("user", "assessment", "organization_learner"),
        pk=participation_id, campaign=campaign, deleted_at__isnull=True, user__isnull=False,
    )


@orga_member_required
def participant(request, campaign_id, participation_id):
    campaign = get_campaign_for_member(request, campaign_id)
    participation = _participation_in(campaign, participation_id)
    participation.campaign = campaign
    header = campaign_header(campaign, membership=request.membership, tab="results")
    context = {**header, "participation": participation}
    if campaign.is_assessment:
        context["results"] = participation_selectors.evaluation_results(participation)
        context["analysis"] = _participant_analysis(campaign, participation)
        return render(request, "analysis/participant_evaluation.html", context)
    context["profile"] = participation_selectors.profile_of(participation) if participation.is_shared else None
    return render(request, "analysis/participant_profile.html", context)


def _participant_analysis(campaign, participation):
    return participant_analysis(get_content(), campaign, participation)


@orga_member_required
def participation_delete(request, campaign_id, participation_id):
    campaign = get_campaign_for_member(request, campaign_id)
    if not can_manage(request.membership, campaign):
        raise PermissionDenied
    participation = _participation_in(campaign, participation_id)
    if request.method == "POST":
        participation.campaign = campaign
        participation_services.participation_delete(
            participation=participation, membership=request.membership, now=timezone.now()
        )
        messages.success(request, _("La participation a été supprimée avec succès."))
        return redirect("analysis:activity", campaign.pk)
    return render(request, "analysis/participation_delete.html", {
        "campaign": campaign, "participation": participation,
    })

