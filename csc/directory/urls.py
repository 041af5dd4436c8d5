from django.urls import path

from . import correction_views, views

app_name = "directory"

urlpatterns = [
    path("annuaire/", views.structure_list, name="structure_list"),
    path("annuaire/nouvelle/", views.structure_create, name="structure_create"),
    path("annuaire/<int:structure_id>/", views.structure_detail, name="structure_detail"),
    path("annuaire/<int:structure_id>/modifier/", views.structure_edit, name="structure_edit"),
    path("annuaire/<int:structure_id>/retirer/", views.structure_withdraw, name="structure_withdraw"),
    path(
        "annuaire/<int:structure_id>/proposer/",
        correction_views.correction_propose,
        name="correction_propose",
    ),
    path("annuaire/corrections/", correction_views.correction_list, name="correction_list"),
    path(
        "annuaire/corrections/<int:correction_id>/",
        correction_views.correction_detail,
        name="correction_detail",
    ),
    path(
        "annuaire/corrections/<int:correction_id>/accepter/",
        correction_views.correction_accept,
        name="correction_accept",
    ),
    path(
        "annuaire/corrections/<int:correction_id>/refuser/",
        correction_views.correction_refuse,
        name="correction_refuse",
    ),
]
