from django.urls import path

from . import views
from .attendance import urls as attendance_urls
from .desk import urls as desk_urls
from .imports import urls as import_urls
from .lists import urls as list_urls
from .reports import urls as report_urls

app_name = "activities"

urlpatterns = [
    path("saisons/", views.season_list, name="season_list"),
    path("saisons/nouvelle/", views.season_create, name="season_create"),
    path("saisons/<int:season_id>/modifier/", views.season_edit, name="season_edit"),
    path("saisons/<int:season_id>/adhesion/", views.season_fees, name="season_fees"),
    path("activites/", views.activity_list, name="activity_list"),
    path("activites/nouvelle/", views.activity_create, name="activity_create"),
    path("activites/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path("activites/<int:activity_id>/modifier/", views.activity_edit, name="activity_edit"),
    path("activites/<int:activity_id>/groupes/nouveau/", views.group_create, name="group_create"),
    path("activites/groupes/<int:group_id>/modifier/", views.group_edit, name="group_edit"),
    path("activites/groupes/<int:group_id>/supprimer/", views.group_delete, name="group_delete"),
    path("activites/<int:activity_id>/unites/nouvelle/", views.unit_create, name="unit_create"),
    path("activites/unites/<int:unit_id>/modifier/", views.unit_edit, name="unit_edit"),
    path("activites/unites/<int:unit_id>/supprimer/", views.unit_delete, name="unit_delete"),
    path("activites/<int:activity_id>/periodes/nouvelle/", views.period_create, name="period_create"),
    path("activites/periodes/<int:period_id>/", views.period_detail, name="period_detail"),
    path("activites/periodes/<int:period_id>/modifier/", views.period_edit, name="period_edit"),
    path("activites/periodes/<int:period_id>/jours/", views.period_days, name="period_days"),
    path("activites/<int:activity_id>/tarifs/", views.tariffs, name="tariffs"),
    path("activites/<int:activity_id>/tarifs/modifier/", views.tariff_edit, name="tariff_edit"),
    path("activites/groupes/<int:group_id>/tarifs/", views.tariff_group_edit, name="tariff_group_edit"),
    path(
        "activites/groupes/<int:group_id>/tarifs/supprimer/",
        views.tariff_group_delete,
        name="tariff_group_delete",
    ),
    path("activites/<int:activity_id>/aides/nouvelle/", views.tariff_aid_create, name="tariff_aid_create"),
    path("activites/aides/<int:aid_id>/modifier/", views.tariff_aid_edit, name="tariff_aid_edit"),
    path("activites/aides/<int:aid_id>/supprimer/", views.tariff_aid_delete, name="tariff_aid_delete"),
    path("activites/<int:activity_id>/frais/", views.tariff_fees, name="tariff_fees"),
    path("activites/communes/", views.commune_lists, name="commune_lists"),
    path("activites/communes/nouvelle/", views.commune_list_create, name="commune_list_create"),
    path("activites/communes/<int:list_id>/modifier/", views.commune_list_edit, name="commune_list_edit"),
    path(
        "activites/communes/<int:list_id>/supprimer/", views.commune_list_delete, name="commune_list_delete"
    ),
    *attendance_urls.urlpatterns,
    *report_urls.urlpatterns,
    *import_urls.urlpatterns,
    *list_urls.urlpatterns,
    *desk_urls.urlpatterns,
]
