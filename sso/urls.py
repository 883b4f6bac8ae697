from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("gar/metadata/", views.gar_metadata, name="gar_metadata"),
    path("gar/login/", views.gar_login, name="gar_login"),
    path("gar/acs/", views.gar_acs, name="gar_acs"),
    path("oidc/<slug:slug>/login/", views.oidc_login, name="oidc_login"),
    path("oidc/<slug:slug>/callback/", views.oidc_callback, name="oidc_callback"),
    path("premiere-visite/", views.first_visit, name="first_visit"),
    path("associer/", views.attach, name="attach"),
]
