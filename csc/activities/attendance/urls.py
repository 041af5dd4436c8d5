"""Sessions and attendance (« Check »), included in the `activities` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("presences/", views.today, name="attendance_today"),
    path("presences/seances/<int:session_id>/", views.session_sheet, name="session_sheet"),
    path("presences/seances/<int:session_id>/personnes/<int:person_id>/", views.mark, name="attendance_mark"),
    path("presences/seances/<int:session_id>/ajouter/", views.walk_in, name="walk_in"),
    path("presences/seances/<int:session_id>/comptage/", views.head_count, name="head_count"),
    path("presences/seances/<int:session_id>/feuille.pdf", views.paper_sheet, name="paper_sheet"),
    path("presences/seances/<int:session_id>/modifier/", views.session_edit, name="session_edit"),
    path("presences/seances/<int:session_id>/annuler/", views.session_cancel, name="session_cancel"),
    path("presences/seances/<int:session_id>/retablir/", views.session_reinstate, name="session_reinstate"),
    path("presences/activites/", views.programme, name="programme"),
    path("presences/activites/<int:activity_id>/seances/", views.session_list, name="session_list"),
    path("presences/activites/<int:activity_id>/rythme/", views.schedule_create, name="schedule_create"),
    path(
        "presences/activites/<int:activity_id>/seances/nouvelle/", views.session_create, name="session_create"
    ),
    path("presences/activites/<int:activity_id>/participants/", views.participants, name="participants"),
    path("presences/activites/<int:activity_id>/saisie/", views.grid, name="attendance_grid"),
    path("presences/rythmes/<int:schedule_id>/supprimer/", views.schedule_delete, name="schedule_delete"),
    path(
        "presences/participants/<int:participant_id>/retirer/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("presences/periodes/<int:period_id>/seances/", views.period_sessions, name="period_sessions"),
    path("presences/fermetures/", views.closures, name="closures"),
    path("presences/fermetures/<int:closure_id>/supprimer/", views.closure_delete, name="closure_delete"),
]
