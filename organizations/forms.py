from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Role
from .services import parse_email_list


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("Adresse(s) e-mail"),
        help_text=_("Séparez les adresses par des virgules."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def clean_emails(self):
        return parse_email_list(self.cleaned_data["emails"])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class InvitationSignupForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("8 caractères minimum, dont une majuscule, une minuscule et un chiffre."),
    )
    accept_terms = forms.BooleanField(
        label=_("J'accepte les conditions d'utilisation de Pix et la politique de confidentialité"),
        error_messages={"required": _("Vous devez accepter les conditions d'utilisation.")},
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        password = self.cleaned_data["password"]
        # The account does not exist yet: its e-mail and names, typed above, stand for it.
        validate_password(password, get_user_model()(
            email=self.email, first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        ))
        return password


class LearnerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier de la base élèves"),
        help_text=_("Export SIECLE au format .xml ou .zip, ou fichier .csv pour les établissements agricoles. "
                    "20 Mo maximum."),
        error_messages={"required": _("Veuillez choisir un fichier à importer.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.zip,.csv"}),
    )


class LearnerLoginsForm(forms.Form):
    division = forms.ChoiceField(label=_("Classe"), error_messages={"required": _("Veuillez choisir une classe.")})

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [("", _("Choisir une classe"))] + [(d, d) for d in divisions]
