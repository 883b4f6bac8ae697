from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import FirstPasswordForm


@login_required
def first_password(request):
    """A pupil signed in with the one-time password his school handed him chooses his own.
    Only then: on a computer left signed in, anyone could otherwise replace a password he
    does not know (the password change page asks for the current one)."""
    if not request.user.must_change_password:
        messages.info(request, _(
            "Votre mot de passe est déjà personnel. "
            "Pour le modifier, saisissez d'abord votre mot de passe actuel."
        ))
        return redirect("account_change_password")
    form = FirstPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.save():
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Votre mot de passe a été enregistré."))
        target = request.POST.get("next", "")
        allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        if not target.startswith("/") or not allowed:
            target = reverse("home")
        return redirect(target)
    return render(request, "account/first_password.html", {"form": form, "next": request.GET.get("next", "")})
