from django.apps import AppConfig


class LearningContentConfig(AppConfig):
    name = "learning_content"
    verbose_name = "Référentiel"
