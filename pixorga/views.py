import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from organizations.access import current_membership
from participations.selectors import student_dashboard

logger = logging.getLogger(__name__)


def home(request):
    """The site's entrance: Pix for pupils, and the door to Pix Orga for teachers; a signed-in
    pupil's dashboard."""
    dashboard = student_dashboard(request.user) if request.user.is_authenticated else None
    return render(request, "home.html", {"membership": current_membership(request), "dashboard": dashboard})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
