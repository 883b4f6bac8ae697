from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(AllauthSignupForm):
    """Pix's sign-up: first name, last name, e-mail, password and the terms of use."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150, strip=True)
    last_name = forms.CharField(label=_("Nom"), max_length=150, strip=True)
    accept_terms = forms.BooleanField(
        label=_("J'accepte les conditions d'utilisation de Pix et la politique de confidentialité"),
        error_messages={"required": _("Vous devez accepter les conditions d'utilisation.")},
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2", "accept_terms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
        self.fields["password1"].label = _("Mot de passe")
        self.fields["password1"].help_text = _(
            "8 caractères minimum, dont une majuscule, une minuscule et un chiffre."
        )
        if "password2" in self.fields:
            self.fields["password2"].label = _("Confirmez le mot de passe")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("password1")
        # allauth checks the password against the e-mail only: the names are typed here too.
        if password and not self.has_error("password1"):
            user = User(
                email=cleaned_data.get("email"), first_name=cleaned_data.get("first_name", ""),
                last_name=cleaned_data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data


class FirstPasswordForm(SetPasswordForm):
    """The pupil's own password, in place of the one-time password his school printed: the
    printed class sheet must stop opening his account."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "same_as_one_time": _("Votre nouveau mot de passe doit être différent du mot de passe provisoire."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password1"].help_text = _(
            "8 caractères minimum, dont une majuscule, une minuscule et un chiffre. Ni votre identifiant, "
            "ni le mot de passe provisoire."
        )
        self.fields["new_password2"].label = _("Confirmez le mot de passe")
        self.fields["new_password2"].help_text = ""

    def clean(self):
        password = self.cleaned_data.get("new_password2")
        # hashers.check_password: User.check_password would re-save an outdated hash.
        if password and check_password(password, self.user.password):
            self.add_error("new_password2", ValidationError(
                self.error_messages["same_as_one_time"], code="same_as_one_time"
            ))
        return super().clean()

    def save(self) -> bool:
        """Replace the one-time password; False when it was replaced already (another tab, a
        double click), so that a replay cannot change a chosen password."""
        password = make_password(self.cleaned_data["new_password1"])
        replaced = User.objects.filter(pk=self.user.pk, must_change_password=True).update(
            password=password, must_change_password=False
        )
        if replaced:
            self.user.password, self.user.must_change_password = password, False
        return bool(replaced)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail ou identifiant")
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
