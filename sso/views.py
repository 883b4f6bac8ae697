"""Sign-in through the school's ENT: the GAR (SAML, `saml`) and OIDC providers (`oidc`).
A known identity signs in at once; an unknown one is carried by a signed token to the first
visit (campaign code and birth date) or to an existing account that attaches it."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from lib import throttle
from organizations.learners import LearnerError

from . import oidc, saml, selectors, services
from .forms import FirstVisitForm
from .models import GAR, OidcProvider

logger = logging.getLogger(__name__)

BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING_COOKIE = "sso_external_user"
PENDING_PATH = "/sso/"
# The GAR posts back cross-site: with SameSite=Lax the session cookie does not come with it,
# so what the ACS needs from the login request waits in the cache, by request id.
PENDING_PREFIX = "sso:gar:pending:"
PENDING_SECONDS = 600
NO_TOKEN = gettext_lazy("Votre connexion par l'ENT a expiré. Relancez Pix depuis votre ENT.")


def _refused(request, message, status=403):
    return render(request, "sso/refused.html", {"message": message}, status=status)


def _with_pending(response, person):
    """The unknown person rides in a cookie of /sso/, signed and short-lived, not in an
    address: a link cannot hand someone else's ENT identity to a pupil, and the cookie set by
    the ACS's response survives the cross-site POST that a session change would not."""
    response.set_cookie(
        PENDING_COOKIE, services.external_user_token(person), max_age=settings.SSO_EXTERNAL_USER_TOKEN_SECONDS,
        path=PENDING_PATH, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )
    return response


def _done(response):
    response.delete_cookie(PENDING_COOKIE, path=PENDING_PATH, samesite="Lax")
    return response


def _safe_next(url):
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


def _arrive(request, person, next_url=""):
    """The provider vouched for this person: sign him in, or start his first visit."""
    identity = selectors.identity_of(provider=person.provider, external_id=person.external_id)
    if identity is None:
        return _with_pending(redirect("sso:attach" if request.user.is_authenticated else "sso:first_visit"), person)
    services.identity_sign_in(identity=identity, person=person, now=timezone.now())
    login(request, identity.user, backend=BACKEND)
    logger.info("user %s signed in through %s", identity.user_id, person.provider)
    return redirect(_safe_next(next_url) or settings.LOGIN_REDIRECT_URL)


def gar_metadata(request):
    if not saml.is_configured():
        raise Http404
    return HttpResponse(saml.metadata_xml(), content_type="application/samlmetadata+xml")


def gar_login(request):
    """SP-initiated: most GAR sign-ins start in the ENT and post straight to the ACS."""
    if not saml.is_configured():
        raise Http404
    request_id, location = saml.login_redirect()
    cache.set(PENDING_PREFIX + request_id, _safe_next(request.GET.get("next")), PENDING_SECONDS)
    return redirect(location)


@csrf_exempt
@require_POST
def gar_acs(request):
    """The GAR's signed response, posted by the pupil's browser."""
    if not saml.is_configured():
        raise Http404
    try:
        assertion = saml.read_response(request.POST.get("SAMLResponse", ""))
        services.assertion_consume(assertion_id=assertion.assertion_id, not_on_or_after=assertion.not_on_or_after)
    except saml.SamlRefused as refusal:
        logger.warning("GAR response refused (%s): %s", refusal.code, refusal.detail)
        return _refused(request, refusal.message)
    except services.Replayed as replay:
        logger.warning("GAR response refused (REPLAYED): assertion %s already used", replay)
        return _refused(request, saml.REPLAYED)
    next_url = ""
    if assertion.in_response_to:
        next_url = cache.get(PENDING_PREFIX + assertion.in_response_to, "")
        cache.delete(PENDING_PREFIX + assertion.in_response_to)
    return _arrive(request, assertion.person, next_url)


def _oidc_provider(slug):
    return get_object_or_404(OidcProvider, slug=slug, enabled=True)


def _callback_uri(provider):
    return settings.PUBLIC_URL + reverse("sso:oidc_callback", args=[provider.slug])


def oidc_login(request, slug):
    """« Se connecter avec … »."""
    provider = _oidc_provider(slug)
    try:
        url, pending = oidc.authorization_url(provider, redirect_uri=_callback_uri(provider))
    except oidc.OidcRefused as refusal:
        logger.warning("OIDC %s unavailable (%s): %s", slug, refusal.code, refusal.detail)
        return _refused(request, oidc.REFUSED % {"name": provider.name}, status=502)
    request.session[f"sso_oidc_{slug}"] = {**pending.as_dict(), "next": _safe_next(request.GET.get("next"))}
    return redirect(url)


def oidc_callback(request, slug):
    provider = _oidc_provider(slug)
    stored = request.session.pop(f"sso_oidc_{slug}", None) or {}
    next_url = stored.pop("next", "")
    try:
        if request.GET.get("error"):
            raise oidc.OidcRefused("PROVIDER", request.GET["error"][:100])
        person = oidc.person_from_callback(
            provider, redirect_uri=_callback_uri(provider), state=request.GET.get("state", ""),
            code=request.GET.get("code", ""), pending=oidc.Pending(**stored) if stored else None, now=int(time.time()),
        )
    except oidc.OidcRefused as refusal:
        logger.warning("OIDC %s sign-in refused (%s): %s", slug, refusal.code, refusal.detail)
        return _refused(request, oidc.REFUSED % {"name": provider.name})
    return _arrive(request, person, next_url)


def _pending_person(request):
    return services.external_user_from_token(request.COOKIES.get(PENDING_COOKIE, ""))


def provider_name(provider: str) -> str:
    if provider == GAR:
        return _("l'ENT (GAR)")
    found = OidcProvider.objects.filter(slug=provider.removeprefix("oidc:")).values_list("name", flat=True).first()
    return found or provider


def _find_campaign(form):
    campaign = (
        Campaign.objects.filter(code=form.cleaned_data["code"], deleted_at__isnull=True)
        .select_related("organization").first()
    )
    if campaign is None or not campaign.organization.is_managing_students or not campaign.is_accessible:
        form.add_error("code", _("Votre code est erroné, veuillez vérifier ou contacter l'organisateur."))
        return None
    return campaign


def first_visit(request):
    """"Première connexion par l'ENT": the code of a campaign of his school and his birth date."""
    person = _pending_person(request)
    if person is None:
        return _refused(request, NO_TOKEN, status=400)
    form = FirstVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (campaign := _find_campaign(form)):
        if not request.session.session_key:
            # The throttle counts per session: without one, every anonymous pupil would share it.
            request.session.save()
        if throttle.is_blocked(request, throttle.IDENTITIES):
            form.add_error(None, _("Trop de tentatives. Patientez une minute avant de réessayer."))
            return _first_visit_page(request, form, person, status=429)
        try:
            user = services.account_create_for_external_user(
                person=person, organization=campaign.organization, birthdate=form.cleaned_data["birthdate"],
                now=timezone.now(),
            )
        except LearnerError as error:
            throttle.record_wrong_code(request, throttle.IDENTITIES)
            logger.info("first %s visit refused (%s) in campaign %s", person.provider, error.code, campaign.pk)
            form.add_error(None, error.message)
        else:
            login(request, user, backend=BACKEND)
            return _done(redirect("participations:entry", campaign.code))
    return _first_visit_page(request, form, person)


def _first_visit_page(request, form, person, status=200):
    context = {"form": form, "person": person, "provider_name": provider_name(person.provider)}
    return render(request, "sso/first_visit.html", context, status=status)


@login_required
def attach(request):
    """An existing Pix account, once signed in, adds the ENT as a way in."""
    person = _pending_person(request)
    if person is None:
        return _refused(request, NO_TOKEN, status=400)
    if request.method == "POST":
        try:
            services.identity_attach(user=request.user, person=person, now=timezone.now())
        except LearnerError as error:
            logger.warning("%s sign-in not attached to user %s: %s", person.provider, request.user.pk, error.code)
            return _refused(request, error.message)
        messages.success(request, _("Vous pourrez désormais vous connecter avec %(name)s.")
                         % {"name": provider_name(person.provider)})
        return _done(redirect(settings.LOGIN_REDIRECT_URL))
    return render(request, "sso/attach.html", {"person": person, "provider_name": provider_name(person.provider)})
