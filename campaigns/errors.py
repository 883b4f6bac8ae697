from django.utils.translation import gettext_lazy as _

from lib.errors import DomainError


class CampaignError(DomainError):
    """A refused campaign action. Its messages are also the creation form's (campaigns.forms)."""

    messages = {
        "OWNER_NOT_IN_ORGANIZATION": _("Le propriétaire ne fait pas partie de l'organisation."),
        "MISSING_CREATOR": _("Vous n'êtes pas membre de cette organisation."),
        "CAMPAIGN_PURPOSE_IS_REQUIRED": _(
            "Veuillez choisir l'objectif de votre campagne : Évaluation ou Collecte de profils."
        ),
        "TARGET_PROFILE_IS_REQUIRED": _("Veuillez sélectionner un parcours pour votre campagne."),
        "MISSING_ID_PIX_TYPE": _("Veuillez sélectionner un type d'identifiant externe."),
        "MISSING_ID_PIX_LABEL": _(
            "Veuillez préciser le libellé du champ qui sera demandé à vos participants au démarrage du parcours."
        ),
        "CODE_UNAVAILABLE": _("Une erreur est survenue. Veuillez réessayer ultérieurement."),
        "CAMPAIGN_NAME_IS_REQUIRED": _("Veuillez donner un nom à votre campagne."),
        "CAMPAIGN_TITLE_IS_TOO_LONG": _("Le titre de la campagne est trop long."),
        "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG": _(
            "Le texte de la page d'accueil ne doit pas dépasser 5000 caractères."
        ),
        "CAMPAIGN_ARCHIVED": _("Une campagne archivée ne peut pas être modifiée."),
        "CAMPAIGN_ALREADY_ARCHIVED": _("Cette campagne est déjà archivée."),
        "NO_CAMPAIGN_SELECTED": _("Veuillez sélectionner au moins une campagne."),
        "CAMPAIGN_NOT_FOUND": _("Une des campagnes sélectionnées n'existe pas ou plus."),
        "NOT_OWNER": _("Vous ne pouvez supprimer que les campagnes dont vous êtes propriétaire."),
    }
