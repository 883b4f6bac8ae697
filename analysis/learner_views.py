"""The teacher's pages on the school's pupils: "Élèves (n)" and a pupil's participations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.access import orga_admin_required, orga_member_required
from organizations.learner_import import learner_import_latest
from organizations.models import OrganizationLearner
from pixorga.erasure import learner_erase, learner_erasure_preview
from pixorga.pagination import paginate

from . import evolution
from . import learner_selectors as selectors
from .class_filter import chosen_divisions


@orga_member_required
def learner_list(request):
    organization = request.organization
    filters = {
        "search": request.GET.get("search", "")[:100],
        "divisions": chosen_divisions(request, organization),
        "certificability": request.GET.get("certificabilite", ""),
        "sort": request.GET.get("tri", "nom"),
    }
    page = paginate(request, selectors.learner_list(organization, **filters))
    selectors.decorate_last_participations(page.object_list)
    return render(request, "analysis/learners/list.html", {
        "page": page, "filters": filters, "divisions": selectors.learner_divisions(organization),
        "chosen_divisions": filters["divisions"], "show_classes": organization.is_managing_students,
        "latest_import": learner_import_latest(organization) if request.membership.is_admin else None,
        "active_filters": bool(filters["search"] or filters["divisions"] or filters["certificability"]),
        "sort_query": _query_without(request, "tri", "pageNumber"),
    })


def _query_without(request, *names) -> str:
    """The current filters for a sort link: without the current sort, or the links pile up
    `tri=` parameters at every click."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode() + "&" if query else ""


@orga_member_required
def learner_detail(request, learner_id):
    learner = get_object_or_404(
        OrganizationLearner.objects.active().select_related("user"), pk=learner_id, organization=request.organization
    )
    participations = selectors.learner_participations(learner)
    return render(request, "analysis/learners/detail.html", {
        "learner": learner, "participations": participations,
        "activity": selectors.learner_activity(participations),
        "shared_results": evolution.learner_shared_results(learner),
        "show_classes": request.organization.is_managing_students,
    })


@orga_admin_required
def learner_delete(request, learner_id):
    """"Supprimer" a pupil, SIECLE-managed ones included: after a confirmation that says what
    goes, his data is erased (pixorga.erasure). A second click finds him gone."""
    learner = get_object_or_404(
        OrganizationLearner.objects.select_related("user"), pk=learner_id, organization=request.organization
    )
    if learner.deleted_at is not None:
        messages.info(request, _("Les données de cet élève ont déjà été effacées."))
        return redirect("learners:list")
    if request.method == "POST":
        learner_erase(learner_id=learner.pk, by=request.user, now=timezone.now())
        # The message names nobody: it is kept in the session until shown.
        messages.success(request, _("Les données de l'élève ont été effacées."))
        return redirect("learners:list")
    return render(request, "analysis/learners/delete.html", {
        "learner": learner, "show_classes": request.organization.is_managing_students,
        **learner_erasure_preview(learner),
    })
