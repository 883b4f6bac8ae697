from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40,
        help_text=_("Le code vous est donné par votre enseignant : 6 lettres et 3 chiffres, par exemple ABCDEF123."),
        error_messages={"required": _("Veuillez saisir un code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class ExternalIdForm(forms.Form):
    external_id = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["external_id"].label = campaign.external_id_label
        if campaign.external_id_type == "EMAIL":
            self.fields["external_id"].widget.input_type = "email"
            self.fields["external_id"].widget.attrs["autocomplete"] = "email"
