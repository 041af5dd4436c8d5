"""Pedagogical project pages of Anim'connect, included in the `animation` namespace."""

from django.urls import path

from . import project_views as views

urlpatterns = [
    path("projet-pedagogique/", views.project_page, name="project"),
    path("projet-pedagogique/accueils/<int:activity_id>/", views.project_page, name="project_activity"),
    path(
        "projet-pedagogique/objectifs/<int:objective_id>/modifier/",
        views.objective_edit,
        name="objective_edit",
    ),
    path(
        "projet-pedagogique/objectifs/<int:objective_id>/supprimer/",
        views.objective_delete,
        name="objective_delete",
    ),
    path(
        "projet-pedagogique/objectifs/<int:objective_id>/deplacer/",
        views.objective_move,
        name="objective_move",
    ),
]
