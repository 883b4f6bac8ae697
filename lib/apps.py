from django.apps import AppConfig


class LibConfig(AppConfig):
    """Utilities shared by every app (CSV cells, job queue and heartbeats, pagination, Markdown,
    sealed files, the `pix` template tags). Imports no app of the project."""

    name = "lib"
    verbose_name = "Utilitaires"
