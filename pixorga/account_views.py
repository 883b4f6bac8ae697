"""« Mon compte » and « Supprimer mon compte ». They live with the erasure (pixorga.erasure),
which reaches every app, rather than in `accounts`, which the other apps build on."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from organizations.models import Membership
from participations import throttle

from .erasure import ErasureRefused, account_delete, account_erasure_refusal

WRONG_PASSWORDS = "wrong-password-account-delete"


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Mot de passe actuel"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Saisissez votre mot de passe pour confirmer.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("J'ai compris que mon compte, mes réponses et mes résultats personnels seront effacés "
                           "définitivement"),
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer la suppression.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."), code="wrong_password")
        return password


@login_required
def account_home(request):
    return render(request, "account/home.html")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_page(request):
    refusal = account_erasure_refusal(request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and refusal is None:
        if throttle.is_blocked(request, WRONG_PASSWORDS):
            form.add_error(None, _("Trop de tentatives : réessayez dans une minute."))
        elif form.is_valid():
            try:
                account_delete(user=request.user, now=timezone.now())
            except ErasureRefused as error:
                refusal = error
            else:
                logout(request)
                messages.success(request, _("Votre compte a été supprimé."))
                return redirect("home")
        elif form.has_error("password", "wrong_password"):
            throttle.record_wrong_code(request, WRONG_PASSWORDS)
    memberships = Membership.objects.active().filter(user=request.user).select_related("organization")
    return render(request, "account/delete.html", {"form": form, "refusal": refusal, "memberships": memberships})
