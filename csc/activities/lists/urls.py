"""The list of an activity's registrations, included in the `activities` namespace."""

from django.urls import path

from . import views as list_views

urlpatterns: list = [
    path("activites/inscriptions/", list_views.registration_index, name="registration_index"),
    path("activites/<int:activity_id>/inscriptions/", list_views.registrations, name="registrations"),
]
