from django.urls import path

from . import export_urls, public_views, reception_views

app_name = "enrolment"

urlpatterns = [
    path("inscriptions/<slug:centre_slug>/", public_views.centre_home, name="centre_home"),
    path("inscriptions/<slug:centre_slug>/adhesion/", public_views.membership_form, name="membership_form"),
    path(
        "inscriptions/<slug:centre_slug>/periodes/<int:period_id>/",
        public_views.registration_form,
        name="registration_form",
    ),
    path(
        "inscriptions/<slug:centre_slug>/periodes/<int:period_id>/tarif/",
        public_views.fee_estimate,
        name="fee_estimate",
    ),
    path("demandes/", reception_views.inbox, name="inbox"),
    path("demandes/textes-des-e-mails/", reception_views.status_messages, name="status_messages"),
    path("demandes/<int:request_id>/", reception_views.request_detail, name="request_detail"),
    path("demandes/<int:request_id>/valider/", reception_views.request_validate, name="request_validate"),
    path("demandes/<int:request_id>/refuser/", reception_views.request_refuse, name="request_refuse"),
    path("demandes/<int:request_id>/annuler/", reception_views.request_cancel, name="request_cancel"),
    path("demandes/reglages/", reception_views.enrolment_settings, name="settings"),
    path("demandes/<int:request_id>/document/", reception_views.request_documents, name="request_documents"),
    path(
        "demandes/<int:request_id>/attente/",
        reception_views.request_waiting_list,
        name="request_waiting_list",
    ),
    path("demandes/<int:request_id>/fiche.pdf", reception_views.request_pdf, name="request_pdf"),
    path(
        "demandes/<int:request_id>/attestation/",
        reception_views.request_attestation,
        name="request_attestation",
    ),
    path(
        "demandes/<int:request_id>/e-mails/<int:message_id>/renvoyer/",
        reception_views.message_resend,
        name="message_resend",
    ),
    path("suivi/<str:token>/", public_views.follow, name="follow"),
    path("suivi/<str:token>/annuler/", public_views.follow_cancel, name="follow_cancel"),
    path("suivi/<str:token>/recapitulatif.pdf", public_views.follow_summary_pdf, name="follow_summary_pdf"),
    *export_urls.urlpatterns,
]
