from django.urls import path

from . import views

urlpatterns = [
    path("foyers/<int:household_id>/inscrire/", views.register, name="desk_register"),
    path("accueil/inscriptions/<int:registration_id>/annuler/", views.cancel, name="desk_cancel"),
]
