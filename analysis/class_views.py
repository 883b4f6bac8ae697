"""Following the classes through the year (a school that manages its pupils): « Classes » with
the campaigns given to them and « mes classes », who is missing in a campaign and its reminder
sheet, class × competence, the printable class report; and, for every school, the « Questions »
of an evaluation."""

from datetime import datetime, time

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.access import get_campaign_for_member
from campaigns.models import Campaign
from campaigns.selectors import campaign_header
from learning_content.repository import get_content
from organizations import teacher_classes
from organizations.access import orga_member_required

from . import class_report, heatmap, item_analysis
from . import classes as selectors
from .class_filter import chosen_divisions, classes_context


def _managing(request):
    if not request.organization.is_managing_students:
        raise Http404


def _campaign_of_managing_school(request, campaign_id):
    """The campaign, once its school (which it may switch the teacher to) manages its pupils."""
    campaign = get_campaign_for_member(request, campaign_id)
    if not campaign.organization.is_managing_students:
        raise Http404
    return campaign


@orga_member_required
def class_list(request):
    _managing(request)
    mine = teacher_classes.marked_divisions(request.membership)
    rows = selectors.school_classes(request.organization, mine=mine)
    if request.GET.get("mes-classes"):
        rows = [row for row in rows if row.is_mine]
    return render(request, "analysis/classes/list.html", {
        "rows": rows, "only_mine": bool(request.GET.get("mes-classes")), "mine": mine,
    })


@orga_member_required
def class_detail(request, division):
    _managing(request)
    pupils, campaigns = selectors.class_campaigns(request.organization, division)
    if not pupils:
        raise Http404
    return render(request, "analysis/classes/detail.html", {
        "division": division, "pupils": pupils, "campaigns": campaigns,
        "is_mine": division in teacher_classes.marked_divisions(request.membership),
    })


@orga_member_required
@require_POST
def class_mark(request):
    _managing(request)
    division = request.POST.get("classe", "")[:255]
    try:
        teacher_classes.membership_division_mark(
            membership=request.membership, division=division, marked=request.POST.get("suivre") == "1",
        )
    except teacher_classes.ClassError as error:
        messages.error(request, error.message)
    if request.POST.get("retour") == "classe" and division:
        return redirect("classes:detail", division=division)
    return redirect("classes:list")


def _missing_context(request, campaign_id) -> dict:
    campaign = _campaign_of_managing_school(request, campaign_id)
    divisions = (chosen_divisions(request, campaign.organization) or campaign.divisions
                 or teacher_classes.marked_divisions(request.membership))
    school = teacher_classes.school_divisions(campaign.organization)
    divisions = [division for division in divisions if division in school]
    return {"campaign": campaign, "divisions": school, "chosen_divisions": divisions, "show_classes": True,
            "missing": selectors.missing_pupils(campaign, divisions)}


@orga_member_required
def missing(request, campaign_id):
    context = _missing_context(request, campaign_id)
    return render(request, "analysis/classes/missing.html", {
        **campaign_header(context["campaign"], membership=request.membership, tab="activity"), **context,
    })


@orga_member_required
def missing_sheet(request, campaign_id):
    return render(request, "analysis/classes/missing_sheet.html", _missing_context(request, campaign_id))


def _heatmap_source(request):
    """The chosen evaluation (`campagne`), or the school year when none: its entries and label."""
    content = get_content()
    campaign_id = request.GET.get("campagne", "")
    if campaign_id.isascii() and campaign_id.isdigit():
        campaign = _campaign_of_managing_school(request, campaign_id)
        if not campaign.is_assessment:
            raise Http404
        return campaign, heatmap.campaign_entries(content, campaign)
    since = timezone.make_aware(datetime.combine(heatmap.school_year_start(timezone.localdate()), time()))
    return None, heatmap.year_entries(content, request.organization, since=since)


@orga_member_required
def competences(request):
    _managing(request)
    campaign, entries = _heatmap_source(request)
    return render(request, "analysis/classes/heatmap.html", {
        "campaign": campaign, "table": heatmap.heatmap(get_content(), entries), "legend": heatmap.band_legend(),
        "campaigns": Campaign.objects.not_deleted().filter(
            organization=request.organization, type=Campaign.Type.ASSESSMENT).order_by("-created_at", "-pk"),
    })


@orga_member_required
def competence_pupils(request):
    _managing(request)
    campaign, entries = _heatmap_source(request)
    competence = get_content().competences.get(request.GET.get("competence", ""))
    division = request.GET.get("classe", "")[:255]
    if competence is None:
        raise Http404
    return render(request, "analysis/classes/heatmap_pupils.html", {
        "campaign": campaign, "competence": competence, "division": division, "legend": heatmap.band_legend(),
        "pupils": heatmap.pupils_of_cell(get_content(), entries, division=division, competence_id=competence.id),
    })


@orga_member_required
def campaign_questions(request, campaign_id):
    """« Questions »: the item analysis of an evaluation, with each answer key, for its teachers."""
    campaign = get_campaign_for_member(request, campaign_id)
    if not campaign.is_assessment:
        raise Http404
    divisions = chosen_divisions(request, campaign.organization)
    rows = item_analysis.campaign_items(get_content(), campaign, divisions)
    for row in rows:
        row["median_text"] = item_analysis.duration_text(row["figures"].median_seconds)
    return render(request, "analysis/classes/questions.html", {
        **campaign_header(campaign, membership=request.membership, tab="questions"),
        **classes_context(campaign, divisions), "rows": rows,
    })


def _report(request, campaign_id):
    campaign = _campaign_of_managing_school(request, campaign_id)
    profile = get_content().target_profiles.get(campaign.target_profile_id or "")
    if not campaign.is_assessment or profile is None:
        raise Http404
    divisions = chosen_divisions(request, campaign.organization)
    rows = class_report.campaign_report_rows(campaign, divisions)
    return campaign, profile, class_report.build_reports(get_content(), profile, rows)


@orga_member_required
def campaign_report(request, campaign_id):
    """The class report to print, one page per class."""
    campaign, profile, reports = _report(request, campaign_id)
    return render(request, "analysis/classes/report.html", {
        "campaign": campaign, "profile": profile, "reports": reports, "query": request.GET.urlencode(),
    })


@orga_member_required
def campaign_report_csv(request, campaign_id):
    campaign, profile, reports = _report(request, campaign_id)
    response = HttpResponse(class_report.report_csv(profile, reports), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="Rapport-classes-{campaign.pk}.csv"'
    response["Cache-Control"] = "no-store, private"
    return response
