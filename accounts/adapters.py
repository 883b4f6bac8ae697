import math

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .selectors import login_blocked_until


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

    # allauth's per-IP limits run first (ACCOUNT_RATE_LIMITS); then the counter of this login
    # at this address (accounts/lockout.py), which a right password elsewhere never meets.
    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        now = self.now()
        blocked_until = login_blocked_until(login=_login_of(credentials), address=self.get_client_ip(request),
                                            now=now)
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
        if user is not None:
            services.login_failures_clear(login=_login_of(credentials), address=self.get_client_ip(request))
        return user

    def authentication_failed(self, request, **credentials):
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
