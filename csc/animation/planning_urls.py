"""planning pages of Anim'connect, included in the `animation` namespace."""

from django.urls import path

from . import planning_views as views

urlpatterns = [
    path("plannings/", views.planning_list, name="planning_list"),
    path("plannings/nouveau/", views.planning_create, name="planning_create"),
    path("plannings/<int:planning_id>/", views.planning_detail, name="planning_detail"),
    path("plannings/<int:planning_id>/reglages/", views.planning_settings, name="planning_settings"),
    path("plannings/<int:planning_id>/supprimer/", views.planning_delete, name="planning_delete"),
    path("plannings/<int:planning_id>/placer/", views.planning_place, name="planning_place"),
    path(
        "plannings/<int:planning_id>/activites/<int:entry_id>/deplacer/",
        views.planning_entry_move,
        name="planning_entry_move",
    ),
    path(
        "plannings/<int:planning_id>/activites/<int:entry_id>/modifier/",
        views.planning_entry_edit,
        name="planning_entry_edit",
    ),
    path(
        "plannings/<int:planning_id>/activites/<int:entry_id>/retirer/",
        views.planning_entry_remove,
        name="planning_entry_remove",
    ),
    path("plannings/<int:planning_id>/copier-semaine/", views.planning_copy_week, name="planning_copy_week"),
    path("plannings/<int:planning_id>/publier/", views.planning_publish, name="planning_publish"),
    path("plannings/<int:planning_id>/depublier/", views.planning_unpublish, name="planning_unpublish"),
    path("plannings/<int:planning_id>/planning.pdf", views.planning_pdf, name="planning_pdf"),
    path("programme/<str:token>/", views.planning_public, name="planning_public"),
    path("programme/<str:token>/programme.pdf", views.planning_public_pdf, name="planning_public_pdf"),
]
