from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class CampaignQuerySet(models.QuerySet):
    def not_deleted(self):
        return self.filter(deleted_at__isnull=True)

    def active(self):
        return self.filter(deleted_at__isnull=True, archived_at__isnull=True)


class Campaign(models.Model):
    class Type(models.TextChoices):
        ASSESSMENT = "ASSESSMENT", _("Évaluer les participants")
        PROFILES_COLLECTION = "PROFILES_COLLECTION", _("Collecter les profils Pix des participants")

    class ExternalIdType(models.TextChoices):
        STRING = "STRING", _("Autre")
        EMAIL = "EMAIL", _("Adresse e-mail")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("nom de la campagne"), max_length=255)
    code = models.CharField(_("code"), max_length=9, unique=True)
    type = models.CharField(_("objectif"), max_length=20, choices=Type.choices)
    target_profile = models.ForeignKey(
        "learning_content.TargetProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("titre du parcours"), max_length=50, blank=True)
    custom_landing_page_text = models.TextField(_("texte de la page d'accueil"), max_length=5000, blank=True)
    external_id_label = models.CharField(_("libellé de l'identifiant"), max_length=255, blank=True)
    external_id_type = models.CharField(max_length=6, choices=ExternalIdType.choices, blank=True)
    multiple_sendings = models.BooleanField(_("envoi multiple"), default=False)
    # The classes allowed to join (a school managing its pupils); empty: every pupil of the school.
    divisions = models.JSONField(_("classes autorisées"), default=list, blank=True)
    # Pupils forget « J'envoie mes résultats » (Pix PR #12668): the results may be sent as
    # soon as the test is over. Off by default, as in Pix.
    automatic_sharing = models.BooleanField(_("envoi automatique des résultats"), default=False)
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_campaigns")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="campaign_org_created")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(type="ASSESSMENT") & Q(target_profile__isnull=False))
                | (Q(type="PROFILES_COLLECTION") & Q(target_profile__isnull=True) & Q(title="")),
                name="campaign_target_profile_matches_type",
            ),
            models.CheckConstraint(
                condition=Q(external_id_label="") | ~Q(external_id_type=""),
                name="campaign_external_id_has_type",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_assessment(self):
        return self.type == self.Type.ASSESSMENT

    @property
    def is_accessible(self):
        return self.archived_at is None and self.deleted_at is None
