from django import forms
from django.utils.translation import gettext_lazy as _


def birthdate_field() -> forms.DateField:
    """The birth date a pupil types to be recognised in his school's base (here and at his
    first visit from the ENT), in the formats French pupils write it."""
    return forms.DateField(
        label=_("Date de naissance"), help_text=_("Format : jj/mm/aaaa"),
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"],
        error_messages={
            "required": _("Veuillez remplir le champ Date de naissance."),
            "invalid": _("Votre date de naissance n'est pas valide (jj/mm/aaaa)."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "numeric", "placeholder": _("jj/mm/aaaa")}),
    )

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


class IdentityForm(forms.Form):
    """"Rejoignez l'organisation": who the pupil is in his school's base."""

    first_name = forms.CharField(
        label=_("Prénom"), max_length=255, error_messages={"required": _("Veuillez remplir le champ Prénom.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=255, error_messages={"required": _("Veuillez remplir le champ Nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    birthdate = birthdate_field()
