from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Vous avez effectué trop de tentatives de connexion. Réessayez plus tard ou "
            "cliquez sur « Mot de passe oublié ? » pour le réinitialiser."
        ),
    }

    def get_login_redirect_url(self, request):
        # An explicit ?next= is honoured by allauth before this is called. A teacher lands in
        # his Pix Orga space, a pupil on Pix's home.
        from organizations.models import Membership

        if Membership.objects.active().filter(user=request.user).exists():
            return reverse("orga:home")
        return reverse("home")

    def populate_username(self, request, user):
        # Sign-up is by e-mail: only the school gives a username (to pupils without e-mail).
        pass

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.strip().lower()
        if commit:
            user.save()
        return user
