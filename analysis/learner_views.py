"""The teacher's pages on the school's pupils: "Élèves (n)" and a pupil's participations."""

from django.shortcuts import get_object_or_404, render

from lib.pagination import paginate
from organizations.access import orga_member_required
from organizations.learner_import import learner_import_latest
from organizations.models import OrganizationLearner

from . import learner_selectors as selectors
from .views import chosen_divisions


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
        "show_classes": request.organization.is_managing_students,
    })
