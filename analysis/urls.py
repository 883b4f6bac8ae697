from django.urls import path

from . import analysis_views, views

app_name = "analysis"

urlpatterns = [
    path("<int:campaign_id>/", views.activity, name="activity"),
    path("<int:campaign_id>/resultats/", views.results, name="results"),
    path("<int:campaign_id>/analyse/", analysis_views.analysis_tab, name="analysis"),
    path("<int:campaign_id>/participants/<int:participation_id>/", views.participant, name="participant"),
    path("<int:campaign_id>/participants/<int:participation_id>/supprimer/", views.participation_delete,
         name="participation_delete"),
]
