from django.urls import path

from . import views

app_name = "participations"

urlpatterns = [
    path("campagnes/", views.code_entry, name="code"),
    path("campagnes/<str:code>", views.campaign_entry, name="entry"),
    path("campagnes/<str:code>/", views.campaign_entry_with_slash),
    path("campagnes/<str:code>/commencer/", views.campaign_start, name="start"),
    path("campagnes/<str:code>/eleve/", views.identify, name="identify"),
    path("campagnes/<str:code>/eleve/associer/", views.associate, name="associate"),
    path("campagnes/<str:code>/identifiant/", views.external_id, name="external_id"),
    path("campagnes/<str:code>/evaluation/resultats/", views.results, name="results"),
    path("campagnes/<str:code>/evaluation/retenter/", views.improve, name="improve"),
    path("campagnes/<str:code>/repasser/", views.retry, name="retry"),
    path("campagnes/<str:code>/remise-a-zero/", views.reset, name="reset"),
    path("campagnes/<str:code>/envoi-profil/", views.send_profile, name="send_profile"),
    path("mes-parcours/", views.my_participations, name="mine"),
]
