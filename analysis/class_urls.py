from django.urls import path

from . import class_views

app_name = "classes"

urlpatterns = [
    path("classes/", class_views.class_list, name="list"),
    path("classes/mes-classes/", class_views.class_mark, name="mark"),
    path("classes/competences/", class_views.competences, name="competences"),
    path("classes/competences/eleves/", class_views.competence_pupils, name="competence_pupils"),
    path("campagnes/<int:campaign_id>/manquants/", class_views.missing, name="missing"),
    path("campagnes/<int:campaign_id>/rapport/", class_views.campaign_report, name="report"),
    path("campagnes/<int:campaign_id>/rapport/csv/", class_views.campaign_report_csv, name="report_csv"),
    path("campagnes/<int:campaign_id>/questions/", class_views.campaign_questions, name="questions"),
    path("campagnes/<int:campaign_id>/manquants/fiche/", class_views.missing_sheet, name="missing_sheet"),
    # Last: a class name may hold any character, a slash too.
    path("classes/<path:division>/", class_views.class_detail, name="detail"),
]
