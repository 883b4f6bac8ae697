from django.urls import path

from . import learner_views, views

app_name = "orga"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.OrgaLoginView.as_view(), name="login"),
    path("rejoindre/<str:token>/", views.invitation_join, name="invitation"),
    path("rejoindre/<str:token>/inscription/", views.invitation_signup, name="invitation_signup"),
    path("rejoindre/<str:token>/accepter/", views.invitation_accept, name="invitation_accept"),
    path("eleves/importer/", learner_views.learner_import, name="learner_import"),
    path("eleves/identifiants/", learner_views.learner_logins, name="learner_logins"),
    path("eleves/identifiants/<int:job_id>/", learner_views.learner_logins_job, name="learner_logins_job"),
    path("eleves/identifiants/<int:job_id>/fichier/", learner_views.learner_logins_download,
         name="learner_logins_download"),
    path("changer-organisation/", views.switch_organization, name="switch"),
    path("equipe/membres/", views.members, name="team_members"),
    path("equipe/invitations/", views.invitations, name="team_invitations"),
    path("equipe/creation/", views.invite, name="team_invite"),
    path("equipe/quitter/", views.leave, name="team_leave"),
    path("equipe/membres/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("equipe/membres/<int:membership_id>/supprimer/", views.member_remove, name="member_remove"),
    path("equipe/invitations/<int:invitation_id>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("equipe/invitations/<int:invitation_id>/supprimer/", views.invitation_cancel, name="invitation_cancel"),
]
