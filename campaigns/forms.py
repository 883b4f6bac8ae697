from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from learning_content.models import TargetProfile

from .errors import CampaignError
from .models import Campaign
from .selectors import target_profile_groups

YES_NO = [("0", _("Non")), ("1", _("Oui"))]
NAME_REQUIRED = CampaignError.messages["CAMPAIGN_NAME_IS_REQUIRED"]
PURPOSE_REQUIRED = CampaignError.messages["CAMPAIGN_PURPOSE_IS_REQUIRED"]
TITLE_TOO_LONG = CampaignError.messages["CAMPAIGN_TITLE_IS_TOO_LONG"]
TEXT_TOO_LONG = CampaignError.messages["CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG"]
OWNER_HELP = _(
    "Le propriétaire de la campagne ainsi que les administrateurs de cette organisation, sont les seules "
    "personnes qui peuvent modifier ou archiver cette campagne."
)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.last_name.upper()} {user.first_name}".strip() or user.email


def _members_of(organization):
    return User.objects.filter(
        memberships__organization=organization, memberships__disabled_at__isnull=True
    ).order_by("last_name", "first_name", "pk")


class CampaignTextsMixin(forms.Form):
    name = forms.CharField(
        label=_("Nom de la campagne"), max_length=255,
        help_text=_("Le nom affiché dans la liste des campagnes de Pix Orga."),
        error_messages={"required": NAME_REQUIRED},
    )
    title = forms.CharField(
        label=_("Titre du parcours"), max_length=50, required=False,
        help_text=_("Le titre affiché aux participants (50 caractères maximum)."),
        error_messages={"max_length": TITLE_TOO_LONG},
    )
    custom_landing_page_text = forms.CharField(
        label=_("Texte de la page d'accueil"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Facultatif, visible par les participants avant de commencer (5000 caractères maximum). "
            "Mise en forme possible en Markdown : **gras**, *italique*, listes, liens."
        ),
        error_messages={"max_length": TEXT_TOO_LONG},
    )

    def owner_field(self, organization, initial):
        self.fields["owner"] = OwnerChoiceField(
            label=_("Propriétaire de la campagne"), queryset=_members_of(organization), help_text=OWNER_HELP,
            empty_label=None, initial=initial,
            error_messages={"invalid_choice": CampaignError.messages["OWNER_NOT_IN_ORGANIZATION"]},
        )


class CampaignCreateForm(CampaignTextsMixin):
    field_order = [
        "name", "owner", "type", "target_profile", "automatic_sharing", "multiple_sendings", "ask_external_id",
        "external_id_type", "external_id_label", "title", "custom_landing_page_text",
    ]
    type = forms.ChoiceField(
        label=_("Quel est l'objectif de votre campagne ?"), choices=Campaign.Type.choices,
        widget=forms.RadioSelect, error_messages={"required": PURPOSE_REQUIRED, "invalid_choice": PURPOSE_REQUIRED},
    )
    target_profile = forms.ChoiceField(
        label=_("Que souhaitez-vous tester ?"), required=False,
        help_text=_("Un parcours prédéfini (parcours de rentrée, thématique) ou une des 16 compétences."),
    )
    multiple_sendings = forms.ChoiceField(
        label=_("Envoi multiple"), choices=YES_NO, initial="0", widget=forms.RadioSelect,
        help_text=_(
            "Avec l'envoi multiple, le participant pourra repasser la campagne 4 jours après l'envoi de ses "
            "résultats, et les envoyer de nouveau en saisissant le code."
        ),
    )
    automatic_sharing = forms.ChoiceField(
        # Not required: a collection of profiles, or a form posted without it, sends nothing by itself.
        label=_("Envoi automatique des résultats"), choices=YES_NO, initial="0", widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Si oui, les résultats sont envoyés dès la fin du parcours, sans que le participant ait à cliquer "
            "sur « J'envoie mes résultats »."
        ),
    )
    ask_external_id = forms.ChoiceField(
        label=_("Souhaitez-vous demander un identifiant externe ?"), choices=YES_NO, initial="0",
        widget=forms.RadioSelect,
        help_text=_("En établissement scolaire, répondez « Non » : les élèves sont reconnus par leur compte."),
    )
    external_id_type = forms.ChoiceField(
        label=_("Quel est le type de l'identifiant externe ?"), required=False, widget=forms.RadioSelect,
        choices=[(Campaign.ExternalIdType.EMAIL, _("Adresse e-mail")), (Campaign.ExternalIdType.STRING, _("Autre"))],
    )
    external_id_label = forms.CharField(
        label=_("Libellé de l'identifiant"), max_length=255, required=False,
        help_text=_("Exemple : « Numéro de l'étudiant » ou « Code de l'établissement »."),
    )

    def __init__(self, *args, organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_field(organization, user.pk)
        self.profiles = {}
        choices = [("", _("Choisissez un parcours"))]
        for category, profiles in target_profile_groups():
            choices.append((category, [(profile.id, profile.name) for profile in profiles]))
            self.profiles.update({profile.id: profile for profile in profiles})
        self.fields["target_profile"].choices = choices
        self.fields["target_profile"].widget.attrs["data-parcours-select"] = ""
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        if data.get("type") == Campaign.Type.ASSESSMENT:
            if not data.get("target_profile"):
                self.add_error("target_profile", CampaignError.messages["TARGET_PROFILE_IS_REQUIRED"])
        else:
            data["target_profile"], data["title"] = "", ""
        if data.get("ask_external_id") == "1":
            if not data.get("external_id_label", "").strip():
                self.add_error("external_id_label", CampaignError.messages["MISSING_ID_PIX_LABEL"])
            if not data.get("external_id_type"):
                self.add_error("external_id_type", CampaignError.messages["MISSING_ID_PIX_TYPE"])
        else:
            data["external_id_label"], data["external_id_type"] = "", ""
        return data

    def campaign_fields(self) -> dict:
        """The valid form as the arguments of services.campaign_create."""
        data = self.cleaned_data
        return {
            "owner": data["owner"], "name": data["name"], "type": data["type"],
            "target_profile": TargetProfile.objects.filter(pk=data["target_profile"]).first()
            if data["target_profile"] else None,
            "title": data["title"], "custom_landing_page_text": data["custom_landing_page_text"],
            "external_id_label": data["external_id_label"], "external_id_type": data["external_id_type"],
            "multiple_sendings": data["multiple_sendings"] == "1",
            "automatic_sharing": data["automatic_sharing"] == "1",
        }


class CampaignUpdateForm(CampaignTextsMixin):
    def __init__(self, *args, campaign, **kwargs):
        kwargs.setdefault("initial", {
            "name": campaign.name, "title": campaign.title,
            "custom_landing_page_text": campaign.custom_landing_page_text,
        })
        super().__init__(*args, **kwargs)
        self.owner_field(campaign.organization, campaign.owner_id)
        if not campaign.is_assessment:
            del self.fields["title"]
        self.order_fields(["name", "owner", "title", "custom_landing_page_text"])


class CampaignDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        error_messages={"required": _("Veuillez confirmer avoir compris les impacts de la suppression.")}
    )


def selected_ids(values) -> list[int]:
    """The ticked campaign ids of a bulk action; anything else is ignored."""
    return sorted({int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 12})
