""""Exporter les résultats": start an export, follow it (htmx polling), download the file.
Every member of the school may export; another school's campaign or job is a 404."""

import logging

from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.access import get_campaign_for_member
from organizations.access import orga_member_required

from .export_tasks import export_request, export_waits
from .exports import CONTENT_TYPES
from .models import ExportJob, JobStatus

logger = logging.getLogger(__name__)


def _panel_url(campaign):
    return reverse("analysis:results", args=[campaign.pk]) + "#exports"


@orga_member_required
@require_http_methods(["GET", "POST"])
def export_start(request, campaign_id):
    campaign = get_campaign_for_member(request, campaign_id)
    if request.method == "GET":
        # A plain link to the exports (the campaign header's button): the panel is on Résultats.
        return redirect(_panel_url(campaign))
    format = request.POST.get("format", ExportJob.Format.CSV)
    if format not in ExportJob.Format.values:
        return HttpResponseBadRequest()
    divisions = ([value[:255] for value in request.POST.getlist("classes")[:100] if value]
                 if campaign.organization.is_managing_students else [])
    job = export_request(campaign=campaign, user=request.user, format=format, now=timezone.now(), divisions=divisions)
    if request.htmx:
        return render(request, "analysis/export_status.html", {"job": job, "export_waits": export_waits(job)})
    return redirect(_panel_url(campaign))


@orga_member_required
@require_GET
def export_status(request, campaign_id, job_id):
    campaign = get_campaign_for_member(request, campaign_id)
    job = get_object_or_404(ExportJob, pk=job_id, campaign=campaign)
    return render(request, "analysis/export_status.html", {"job": job, "export_waits": export_waits(job)})


@orga_member_required
@require_GET
def export_download(request, campaign_id, job_id):
    campaign = get_campaign_for_member(request, campaign_id)
    job = get_object_or_404(ExportJob, pk=job_id, campaign=campaign, status=JobStatus.DONE)
    try:
        handle = job.file.open("rb") if job.file else None
    except FileNotFoundError:
        logger.warning("export %s: file %s missing on disk", job.pk, job.file.name)
        handle = None
    if handle is None:
        return render(request, "analysis/export_gone.html", {"campaign": campaign, "job": job}, status=410)
    response = FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=CONTENT_TYPES[job.format]
    )
    # Pupils' names and results: neither the browser nor a proxy keeps a copy.
    response["Cache-Control"] = "no-store, private"
    return response
