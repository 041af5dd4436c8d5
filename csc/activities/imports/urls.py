"""Import of past attendance, included in the `activities` namespace."""

from django.urls import path

from . import views as import_views

urlpatterns: list = [
    path("presences/import/", import_views.import_start, name="import_start"),
    path("presences/import/modele.csv", import_views.import_template, name="import_template"),
    path("presences/import/<int:import_id>/", import_views.import_preview, name="import_preview"),
    path("presences/import/<int:import_id>/erreurs.csv", import_views.import_errors, name="import_errors"),
]
