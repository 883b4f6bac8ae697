from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _


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


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail ou identifiant")
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
