from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("evaluations/<int:assessment_id>/", views.challenge, name="challenge"),
    path("evaluations/<int:assessment_id>/demarrer-epreuve/", views.start_timer, name="start_timer"),
    path("evaluations/<int:assessment_id>/avancement/", views.checkpoint, name="checkpoint"),
    path("evaluations/<int:assessment_id>/fichiers/<str:filename>", views.attachment, name="attachment"),
    path("competences/", views.profile, name="profile"),
    path("competences/<str:competence_id>/evaluer/", views.competence_evaluate, name="competence_evaluate"),
    path("competences/<str:competence_id>/resultats/", views.competence_result, name="competence_result"),
]
