from django.urls import path

from . import export_views

app_name = "exports"

urlpatterns = [
    path("<int:campaign_id>/exports/", export_views.export_start, name="start"),
    path("<int:campaign_id>/exports/<int:job_id>/", export_views.export_status, name="status"),
    path("<int:campaign_id>/exports/<int:job_id>/fichier/", export_views.export_download, name="download"),
]
