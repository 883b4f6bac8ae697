from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("<int:campaign_id>/", views.activity, name="activity"),
    path("<int:campaign_id>/resultats/", views.results, name="results"),
    path("<int:campaign_id>/analyse/", views.analysis, name="analysis"),
]
