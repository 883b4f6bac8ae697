from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.codes import CODE_PATTERN, normalize_code
from participations.forms import birthdate_field

from .models import OidcProvider
from .oidc import secret_seal


class FirstVisitForm(forms.Form):
    """An ENT user not known yet: the campaign his teacher gave and his birth date find him in
    his school's base (his names come from the ENT)."""

    code = forms.CharField(
        label=_("Code du parcours"), max_length=40,
        help_text=_("Le code vous est donné par votre enseignant : 6 lettres et 3 chiffres, par exemple ABCDEF123."),
        error_messages={"required": _("Veuillez saisir un code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    birthdate = birthdate_field()

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(_("Votre code est erroné, veuillez vérifier ou contacter l'organisateur."))
        return code


class OidcProviderForm(forms.ModelForm):
    """The secret is typed once and stored sealed; it is never shown again."""

    discovery_url = forms.URLField(
        label=_("URL de découverte (.well-known/openid-configuration)"), assume_scheme="https", max_length=200,
    )
    client_secret = forms.CharField(
        label=_("Secret client"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Laissez vide pour garder le secret enregistré, ou renseignez la variable d'environnement."),
    )

    class Meta:
        model = OidcProvider
        fields = ["slug", "name", "discovery_url", "client_id", "client_secret", "client_secret_env", "scopes",
                  "claim_mapping", "enabled", "visible"]

    def save(self, commit=True):
        if self.cleaned_data.get("client_secret"):
            self.instance.client_secret_sealed = secret_seal(self.cleaned_data["client_secret"])
        return super().save(commit=commit)
