"""Who a person is for a provider that signs him in: the GAR (SAML) or an OIDC provider."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GAR = "GAR"


class ExternalIdentity(models.Model):
    """A sign-in method of an account: the provider's identifier of the person (GAR's IDO, an
    OIDC `sub`) and the names it last sent (the complement), which may change."""

    # "GAR", or "oidc:<slug>" for an OidcProvider.
    provider = models.CharField(_("fournisseur"), max_length=80)
    external_id = models.CharField(_("identifiant externe"), max_length=255)
    complement = models.JSONField(_("complément"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identité externe")
        verbose_name_plural = _("identités externes")
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="external_identity_unique"),
            models.UniqueConstraint(fields=["user", "provider"], name="external_identity_one_per_provider"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.external_id}"


class UsedSamlAssertion(models.Model):
    """An assertion already consumed: the same signed response posted twice signs in once.
    Kept until its own expiry, after which pysaml2 refuses it anyway (pixorga.sweep)."""

    assertion_id = models.CharField(max_length=255, unique=True)
    not_on_or_after = models.DateTimeField(db_index=True)


class OidcProvider(models.Model):
    """An OpenID Connect provider (an ENT such as e-lyco, or any other) added by the site's
    administrator; shown on the sign-in page as « Se connecter avec … » when visible."""

    slug = models.SlugField(_("identifiant court"), max_length=50, unique=True)
    name = models.CharField(_("nom affiché"), max_length=100)
    discovery_url = models.URLField(_("URL de découverte (.well-known/openid-configuration)"))
    client_id = models.CharField(_("identifiant client"), max_length=255)
    # Fernet-sealed (lib.sealed): a database dump does not hold it in clear.
    client_secret_sealed = models.BinaryField(_("secret client (chiffré)"), blank=True, default=b"", editable=False)
    client_secret_env = models.CharField(
        _("variable d'environnement du secret"), max_length=100, blank=True,
        help_text=_("Si renseignée, le secret est lu dans cette variable d'environnement plutôt qu'en base."),
    )
    scopes = models.CharField(_("scopes"), max_length=255, default="openid profile")
    claim_mapping = models.JSONField(
        _("correspondance des claims"), default=dict, blank=True,
        help_text=_('Par défaut {"external_id": "sub", "first_name": "given_name", "last_name": "family_name"}.'),
    )
    enabled = models.BooleanField(_("activé"), default=True)
    visible = models.BooleanField(_("visible sur la page de connexion"), default=True)

    class Meta:
        verbose_name = _("fournisseur OpenID Connect")
        verbose_name_plural = _("fournisseurs OpenID Connect")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def provider_key(self) -> str:
        return f"oidc:{self.slug}"
