"""The campaign tabs that read results: Activité, Résultats, Analyse."""

from django.http import Http404
from django.shortcuts import render

from campaigns.access import get_campaign_for_member
from campaigns.views import campaign_page_context
from organizations.access import orga_member_required


@orga_member_required
def activity(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    return render(request, "analysis/activity.html", campaign_page_context(request, campaign, tab="activity"))


@orga_member_required
def results(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    return render(request, "analysis/results.html", campaign_page_context(request, campaign, tab="results"))


@orga_member_required
def analysis(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    if not campaign.is_assessment:
        raise Http404
    return render(request, "analysis/analysis.html", campaign_page_context(request, campaign, tab="analysis"))
