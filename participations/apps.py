from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationsConfig(AppConfig):
    name = "participations"
    verbose_name = _("Participations")

    def ready(self):
        from . import receivers  # noqa: F401
