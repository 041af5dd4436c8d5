from django.urls import path

from . import public_views

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
    path("suivi/<str:token>/", public_views.follow, name="follow"),
    path("suivi/<str:token>/annuler/", public_views.follow_cancel, name="follow_cancel"),
    path("suivi/<str:token>/recapitulatif.pdf", public_views.follow_summary_pdf, name="follow_summary_pdf"),
]
