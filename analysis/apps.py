from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Analyse des résultats")

    def ready(self):
        from . import receivers  # noqa: F401
