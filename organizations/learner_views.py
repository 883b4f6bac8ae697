"""The admin's pages on the student base: the import ("Importer") and the logins handed out
to pupils without e-mail. The lists of pupils, which read their participations, are in
analysis."""

import logging

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pixorga.csv_format import BOM, csv_line

from .access import orga_admin_required
from .forms import LearnerImportForm, LearnerLoginsForm
from .learner_files import MAX_FILE_SIZE
from .learner_import import learner_import_latest, learner_import_request
from .learners import LearnerError, learners_generate_logins
from .models import OrganizationLearner

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
    context = {"form": form, "latest": learner_import_latest(request.organization)}
    if request.htmx and request.GET.get("fragment") == "etat":
        return render(request, "organizations/learner_import_status.html", context)
    return render(request, "organizations/learner_import.html", context)


def _divisions(organization):
    return list(
        OrganizationLearner.objects.active().filter(organization=organization).exclude(division="")
        .values_list("division", flat=True).distinct().order_by("division")
    )


@orga_admin_required
def learner_logins(request):
    """"Générer les identifiants et les mots de passe" of a class, downloaded as CSV once."""
    divisions = _divisions(request.organization)
    data = request.POST if request.method == "POST" else (request.GET if "division" in request.GET else None)
    form = LearnerLoginsForm(data, divisions=divisions)
    learners = OrganizationLearner.objects.none()
    if form.is_valid():
        learners = OrganizationLearner.objects.active().filter(
            organization=request.organization, division=form.cleaned_data["division"]
        ).select_related("user")
    if request.method == "POST" and form.is_valid():
        try:
            rows, skipped = learners_generate_logins(
                organization=request.organization, learner_ids=list(learners.values_list("pk", flat=True))
            )
        except LearnerError as error:
            messages.error(request, error.message)
            return redirect("learners:list")
        return _logins_csv(form.cleaned_data["division"], rows)
    summary = None
    if form.is_valid():
        summary = {"without_account": 0, "username": 0, "email": 0}
        for learner in learners:
            key = "without_account" if learner.user is None else ("email" if learner.user.email else "username")
            summary[key] += 1
    return render(request, "organizations/learner_logins.html", {"form": form, "summary": summary})


def _logins_csv(division, rows) -> HttpResponse:
    lines = [BOM, csv_line([_("Classe"), _("Nom"), _("Prénom"), _("Identifiant"), _("Mot de passe")])]
    lines += [csv_line([row.division, row.last_name, row.first_name, row.username, row.password]) for row in rows]
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    safe = "".join(c if c.isalnum() else "-" for c in division)
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="Identifiants-{safe}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response

