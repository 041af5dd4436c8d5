from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("annuaire/", views.structure_list, name="structure_list"),
    path("annuaire/nouvelle/", views.structure_create, name="structure_create"),
    path("annuaire/<int:structure_id>/", views.structure_detail, name="structure_detail"),
    path("annuaire/<int:structure_id>/modifier/", views.structure_edit, name="structure_edit"),
    path("annuaire/<int:structure_id>/retirer/", views.structure_withdraw, name="structure_withdraw"),
]
