"""« Mon compte », « Supprimer mon compte » and « Supprimer » on a pupil. They live with the
erasure (privacy.erasure), which reaches every app, rather than in `accounts` or `analysis`,
which the erasure builds on."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lib import throttle
from organizations.access import orga_admin_required
from organizations.models import Membership, OrganizationLearner

from .erasure import (
    ErasureRefused,
    account_delete,
    account_erasure_refusal,
    learner_erase,
    learner_erasure_preview,
)

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


@orga_admin_required
def learner_delete(request, learner_id):
    """"Supprimer" a pupil, SIECLE-managed ones included: after a confirmation that says what
    goes, his data is erased (privacy.erasure). A second click finds him gone."""
    learner = get_object_or_404(
        OrganizationLearner.objects.select_related("user"), pk=learner_id, organization=request.organization
    )
    if learner.deleted_at is not None:
        messages.info(request, _("Les données de cet élève ont déjà été effacées."))
        return redirect("learners:list")
    if request.method == "POST":
        learner_erase(learner_id=learner.pk, by=request.user, now=timezone.now())
        # The message names nobody: it is kept in the session until shown.
        messages.success(request, _("Les données de l'élève ont été effacées."))
        return redirect("learners:list")
    return render(request, "privacy/learner_delete.html", {
        "learner": learner, "show_classes": request.organization.is_managing_students,
        **learner_erasure_preview(learner),
    })
