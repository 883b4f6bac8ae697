from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo school, its pupils and their answers (`manage.py load_demo`)."""

    name = "demo"
    verbose_name = "Démonstration"
