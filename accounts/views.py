from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


@login_required
def first_password(request):
    """A pupil signed in with the one-time password his school handed him chooses his own."""
    form = SetPasswordForm(request.user, request.POST or None)
    form.fields["new_password1"].label = _("Nouveau mot de passe")
    form.fields["new_password2"].label = _("Confirmez le mot de passe")
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Votre mot de passe a été enregistré."))
        target = request.POST.get("next", "")
        if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("home")
        return redirect(target)
    return render(request, "account/first_password.html", {"form": form, "next": request.GET.get("next", "")})
