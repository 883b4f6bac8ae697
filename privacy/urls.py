from django.urls import path

from . import views

# Mounted by pixorga.urls: the first two under compte/, the third in the pupils' namespace.
account_patterns = [
    path("", views.account_home, name="account_home"),
    path("supprimer/", views.account_delete_page, name="account_delete"),
]
learner_patterns = [
    path("<int:learner_id>/supprimer/", views.learner_delete, name="delete"),
]
