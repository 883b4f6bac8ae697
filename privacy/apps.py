from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data: erasure (a pupil, an account), retention, « Mon compte »."""

    name = "privacy"
    verbose_name = "Données personnelles"
