"""The admin's pages on the student base: the import ("Importer") and the logins handed out
to pupils without e-mail. The lists of pupils, which read their participations, are in
analysis."""

import logging

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import orga_admin_required
from .forms import LearnerImportForm, LearnerLoginsForm
from .learner_files import MAX_FILE_SIZE
from .learner_import import (
    learner_import_cancel,
    learner_import_confirm,
    learner_import_latest,
    learner_import_request,
)
from .learner_logins import class_learners, learner_logins_request, learner_logins_take, login_generations
from .learners import LearnerError
from .models import LearnerImport, OrganizationLearner
from .selectors import learner_import_preview

logger = logging.getLogger(__name__)


@orga_admin_required
def learner_import(request):
    """"Importer des élèves": upload, then follow the validation and the import."""
    form = LearnerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            form.add_error("file", _("Le fichier dépasse la taille maximale autorisée (20 Mo)."))
        else:
            try:
                learner_import_request(
                    organization=request.organization, user=request.user, filename=upload.name,
                    data=upload.read(), now=timezone.now(),
                )
            except LearnerError as error:
                form.add_error("file", error.message)
            else:
                return redirect("orga:learner_import")
    latest = learner_import_latest(request.organization)
    context = {"form": form, "latest": latest, "preview": learner_import_preview(latest)}
    if request.htmx and request.GET.get("fragment") == "etat":
        return render(request, "organizations/learner_import_status.html", context)
    return render(request, "organizations/learner_import.html", context)


@require_POST
@orga_admin_required
def learner_import_decide(request, job_id, confirm):
    """« Confirmer l'import » applies the preview the administrator read, « Annuler » drops the
    file. A second click, or a preview replaced meanwhile, changes nothing."""
    get_object_or_404(LearnerImport.objects.only("pk"), pk=job_id, organization=request.organization)
    action = learner_import_confirm if confirm else learner_import_cancel
    if not action(organization=request.organization, job_id=job_id, user=request.user, now=timezone.now()):
        messages.info(request, _("Cet aperçu n'attend plus de confirmation : voici l'état de l'import."))
    return redirect("orga:learner_import")


def _divisions(organization):
    return list(
        OrganizationLearner.objects.active().filter(organization=organization).exclude(division="")
        .values_list("division", flat=True).distinct().order_by("division")
    )


@orga_admin_required
def learner_logins(request):
    """"Générer les identifiants et les mots de passe" of a class: the summary, then the job."""
    data = request.POST if request.method == "POST" else (request.GET if "division" in request.GET else None)
    form = LearnerLoginsForm(data, divisions=_divisions(request.organization))
    if request.method == "POST" and form.is_valid():
        job = learner_logins_request(organization=request.organization, division=form.cleaned_data["division"],
                                     user=request.user, now=timezone.now())
        return redirect("orga:learner_logins_job", job.pk)
    summary = None
    if form.is_valid():
        summary = {"without_account": 0, "username": 0, "email": 0}
        for learner in class_learners(request.organization, form.cleaned_data["division"]):
            key = "without_account" if learner.user is None else ("email" if learner.user.email else "username")
            summary[key] += 1
    return render(request, "organizations/learner_logins.html", {"form": form, "summary": summary})


@orga_admin_required
def learner_logins_job(request, job_id):
    """The job's progress (polled by htmx), then the file to download once."""
    job = get_object_or_404(login_generations(request.organization), pk=job_id)
    template = "organizations/learner_logins_status.html" if request.htmx else "organizations/learner_logins_job.html"
    return render(request, template, {"job": job})


@orga_admin_required
def learner_logins_download(request, job_id):
    job = get_object_or_404(login_generations(request.organization), pk=job_id)
    content = learner_logins_take(job=job, now=timezone.now())
    if content is None:
        return render(request, "organizations/learner_logins_gone.html", {"job": job}, status=410)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    # One-time passwords: neither the browser nor a proxy keeps a copy.
    response["Cache-Control"] = "no-store, private"
    return response
