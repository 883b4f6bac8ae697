from django.conf import settings
from django.utils import translation

# Scripts and styles come from our own origin only (DSFR and htmx are served as static
# files); inline scripts are not allowed, so an injected <script> in a name or a landing
# text cannot run even if escaping were ever missed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if settings.HTTPS:
            response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class LocaleMiddleware:
    """French unless the visitor chose another language with the language button.

    The browser's Accept-Language is ignored on purpose: Pix is a French public service and
    a pupil's English-language browser must not switch the interface under him.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class QueryStringNulMiddleware:
    """A NUL character in a filter (`?search=…`) means nothing to a person and PostgreSQL
    refuses it in a query: the query string is read without it. Posted forms reject it with
    a message (Django's CharField), answers drop it (assessments)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = request.GET.copy()
            for key in list(cleaned):
                cleaned.setlist(key, [value.replace("\x00", "") for value in cleaned.getlist(key)])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
