from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_index, name="index"),
    path("les-miennes/", views.campaign_list, {"scope": "mine"}, name="mine"),
    path("toutes/", views.campaign_list, {"scope": "all"}, name="all"),
    path("creation/", views.campaign_create, name="create"),
    path("suppression/", views.campaigns_delete, name="delete"),
    path("<int:campaign_id>/parametres/", views.campaign_settings, name="settings"),
    path("<int:campaign_id>/modification/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/classes/", views.campaign_divisions, name="divisions"),
    path("<int:campaign_id>/archiver/", views.campaign_archive, name="archive"),
    path("<int:campaign_id>/desarchiver/", views.campaign_unarchive, name="unarchive"),
]
