from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from organizations.access import current_membership

from . import health


def home(request):
    """The site's entrance: Pix for pupils, and the door to Pix Orga for teachers."""
    return render(request, "home.html", {"membership": current_membership(request)})


@never_cache
def healthz(request):
    """Each dependency's state, for load balancers and monitoring: 200 while pages work (Redis
    or the worker down is "degraded": jobs wait, nothing fails), 503 without the database."""
    overall, checks = health.report(now=timezone.now())
    return JsonResponse({"status": overall, **checks}, status=503 if overall == health.ERROR else 200)
