from django.urls import path

from . import learner_views

urlpatterns = [
    path("", learner_views.learner_list, name="list"),
    path("<int:learner_id>/", learner_views.learner_detail, name="detail"),
]
