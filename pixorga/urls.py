from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.i18n import set_language

from accounts import views as accounts_views
from analysis import learner_urls
from privacy import urls as privacy_urls

from . import views

handler400 = "pixorga.views.bad_request"
handler403 = "pixorga.views.permission_denied"
handler404 = "pixorga.views.page_not_found"
handler500 = "pixorga.views.server_error"

admin.site.site_header = "Pix Orga – administration"
admin.site.site_title = "Pix Orga"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("langue/", set_language, name="set_language"),
    path("compte/premier-mot-de-passe/", accounts_views.first_password, name="first_password"),
    path("compte/", include(privacy_urls.account_patterns)),
    path("compte/", include("allauth.urls")),
    path("", include("participations.urls")),
    path("", include("assessments.urls")),
    path("orga/", include("organizations.urls")),
    # The pupils' pages read results (analysis); deleting one is an erasure (privacy).
    path("orga/eleves/", include((learner_urls.urlpatterns + privacy_urls.learner_patterns, "learners"))),
    path("orga/campagnes/", include("campaigns.urls")),
    path("orga/campagnes/", include("analysis.urls")),
    path("orga/campagnes/", include("analysis.export_urls")),
    path("mentions-legales/", TemplateView.as_view(template_name="pages/legal.html"), name="legal"),
    path("accessibilite/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("donnees-personnelles/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("admin/", admin.site.urls),
]
