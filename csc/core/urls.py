from django.contrib.auth import views as auth_views
from django.urls import path

from . import job_views, message_views, views

app_name = "core"

urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("compte/connexion/", views.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("compte/mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "compte/mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "compte/mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/change/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "compte/invitation/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"
    ),
    path("compte/double-authentification/", views.otp_setup, name="otp_setup"),
    path("compte/double-authentification/code/", views.otp_verify, name="otp_verify"),
    path("compte/double-authentification/secours/", views.otp_recovery, name="otp_recovery"),
    path("profil/", views.profile, name="profile"),
    path("profil/double-authentification/retirer/", views.otp_disable, name="otp_disable"),
    path("profil/double-authentification/codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path("profil/jetons/<int:token_id>/revoquer/", views.revoke_token, name="revoke_token"),
    path("espace/", views.staff_home, name="staff_home"),
    path("espace/centre/", views.switch_centre, name="switch_centre"),
    path("equipe/", views.staff_list, name="staff_list"),
    path("equipe/inviter/", views.staff_invite, name="staff_invite"),
    path("equipe/<int:staff_role_id>/role/", views.staff_change_role, name="staff_change_role"),
    path("equipe/<int:staff_role_id>/retirer/", views.staff_deactivate, name="staff_deactivate"),
    path("journal/", views.journal, name="journal"),
    path("centre/reglages/", views.centre_settings, name="centre_settings"),
    path("centre/messages/", message_views.messages_list, name="messages"),
    path("centre/messages/<int:message_id>/renvoyer/", message_views.message_resend, name="message_resend"),
    path("travaux/", job_views.job_list, name="job_list"),
    path("travaux/<uuid:job_id>/", job_views.job_detail, name="job_detail"),
    path("travaux/<uuid:job_id>/fichier/", job_views.job_file, name="job_file"),
    path("travaux/<uuid:job_id>/relancer/", job_views.job_restart, name="job_restart"),
]
