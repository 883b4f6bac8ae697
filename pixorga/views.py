
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache

from lib import health
from organizations.access import current_membership
from participations.selectors import student_dashboard


def home(request):
    """The site's entrance: Pix for pupils, and the door to Pix Orga for teachers; a signed-in
    pupil's dashboard."""
    dashboard = student_dashboard(request.user) if request.user.is_authenticated else None
    return render(request, "home.html", {"membership": current_membership(request), "dashboard": dashboard})


@never_cache
def healthz(request):
    """Each dependency's state, for load balancers and monitoring: 200 while pages work (Redis
    or the worker down is "degraded": jobs wait, nothing fails), 503 without the database."""
    overall, checks = health.report(now=timezone.now())
    return JsonResponse({"status": overall, **checks}, status=503 if overall == health.ERROR else 200)


def _side(request) -> dict:
    # An address under /orga/ that matched no page is still the teacher's side: his way back
    # is Pix Orga's home, not the pupils'.
    return {"orga_space": request.path.startswith("/orga/")}


def _bare_page(template_name, request) -> str:
    """Rendered without the request's context: the database or the session may be what failed."""
    return loader.get_template(template_name).render(_side(request))


def page_not_found(request, exception):
    return render(request, "404.html", _side(request), status=404)


def permission_denied(request, exception):
    return render(request, "403.html", _side(request), status=403)


def bad_request(request, exception):
    return HttpResponseBadRequest(_bare_page("400.html", request))


def server_error(request):
    return HttpResponseServerError(_bare_page("500.html", request))


def csrf_failure(request, reason=""):
    # Django's CSRF check has already logged the reason.
    return HttpResponseForbidden(_bare_page("403_csrf.html", request))
