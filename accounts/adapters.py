import math

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .selectors import login_failure_state

ALLAUTH = "allauth.account"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Vous avez effectué trop de tentatives de connexion. Réessayez plus tard ou "
            "cliquez sur « Mot de passe oublié ? » pour le réinitialiser."
        ),
    }

    # The clock of the sign-in blocking; tests move it.
    now = staticmethod(timezone.now)

    # allauth's limits run first (ACCOUNT_RATE_LIMITS: "login" on every POST of the page, then
    # "login_failed" here); then the counter of this login at this address (accounts/lockout.py),
    # which a right password elsewhere never meets.
    def pre_authenticate(self, request, **credentials):
        # allauth consumes "login_failed" before each attempt and gives it back after a success:
        # 8 Redis round trips per sign-in, under a lock. Its history is read here (one round
        # trip) and a failure added once the password is known wrong (authentication_failed):
        # the same limit, which attempts in flight at the same instant may pass by as many.
        # Nothing consumed here: allauth's success path, which gives back what pre_authenticate
        # consumed (_rollback_login_failed_rl_usage), finds nothing to give back.
        self._login_failed_rl_usage = None
        if not _login_failures_allowed(request, self._get_login_attempts_cache_key(request, **credentials)):
            raise self.validation_error("too_many_login_attempts")
        now = self.now()
        self._login_failure_counted, blocked_until = login_failure_state(
            login=_login_of(credentials), address=self.get_client_ip(request), now=now
        )
        if blocked_until is not None:
            minutes = math.ceil((blocked_until - now).total_seconds() / 60)
            raise ValidationError(ngettext(
                "Vous avez effectué trop de tentatives de connexion. Réessayez plus tard (dans %(minutes)s "
                "minute) ou cliquez sur « Mot de passe oublié ? » pour le réinitialiser.",
                "Vous avez effectué trop de tentatives de connexion. Réessayez plus tard (dans %(minutes)s "
                "minutes) ou cliquez sur « Mot de passe oublié ? » pour le réinitialiser.",
                minutes,
            ) % {"minutes": minutes}, code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        # A sign-in without failures before it has no counter to clear (a DELETE saved).
        if user is not None and getattr(self, "_login_failure_counted", True):
            services.login_failures_clear(login=_login_of(credentials), address=self.get_client_ip(request))
        return user

    def authentication_failed(self, request, **credentials):
        ratelimit.consume(request, app=ALLAUTH, action="login_failed",
                          key=self._get_login_attempts_cache_key(request, **credentials))
        services.login_failure_record(
            login=_login_of(credentials), address=self.get_client_ip(request), now=self.now()
        )

    def populate_username(self, request, user):
        # Sign-up is by e-mail: only the school gives a username (to pupils without e-mail).
        pass

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.strip().lower()
        if commit:
            user.save()
        return user


def _login_of(credentials) -> str:
    return credentials.get("email") or credentials.get("username") or ""


def _login_failures_allowed(request, key: str) -> bool:
    """Whether allauth's "login_failed" limits let one more attempt in, by their histories
    (allauth's keys, format and clock), read in one round trip and left unchanged."""
    rates = {
        ratelimit.get_cache_key(request, app=ALLAUTH, action="login_failed", rate=rate, key=key): rate
        for rate in ratelimit.get_rates(app=ALLAUTH, action="login_failed")
    }
    histories = cache.get_many(list(rates)) if rates else {}
    now = ratelimit.time.time()
    return all(
        ratelimit.apply_rate(list(histories.get(cache_key) or []), now, rate, dry_run=True)[0]
        for cache_key, rate in rates.items()
    )
