from django.urls import path

from . import learner_views

app_name = "learners"

urlpatterns = [
    path("", learner_views.learner_list, name="list"),
    path("<int:learner_id>/", learner_views.learner_detail, name="detail"),
    path("<int:learner_id>/supprimer/", learner_views.learner_delete, name="delete"),
]
