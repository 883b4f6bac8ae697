from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

ALLOWED_PREFIXES = ("/static/", "/healthz", "/langue/")


class PasswordChangeRequiredMiddleware:
    """A one-time password (handed out by the school) opens nothing but the page that
    replaces it, and signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            target = reverse("first_password")
            allowed = (target, reverse("account_logout"))
            if request.path not in allowed and not request.path.startswith(ALLOWED_PREFIXES):
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
