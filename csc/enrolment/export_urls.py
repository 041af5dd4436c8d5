"""Export downloads, included by the lead in the `enrolment` namespace (no app_name here)."""

from django.urls import path

from . import export_views

urlpatterns = [
    path(
        "demandes/exports/periodes/<int:period_id>/inscrits.<str:fmt>",
        export_views.export_period,
        name="export_period",
    ),
    path(
        "demandes/exports/periodes/<int:period_id>/montants.<str:fmt>",
        export_views.export_amounts_due,
        name="export_amounts_due",
    ),
    path(
        "demandes/exports/saisons/<int:season_id>/adhesions.<str:fmt>",
        export_views.export_memberships,
        name="export_memberships",
    ),
]
