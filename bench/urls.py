"""The application's URLs plus the bare view the answer loop is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """A Django view that reads nothing: the ceiling of this gunicorn on this machine."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("pixorga.urls")),
]
