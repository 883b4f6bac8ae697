from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = _("Connexion par l'ENT")

    def ready(self):
        from . import receivers  # noqa: F401
