from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("personnes/", views.search, name="search"),
    path("personnes/<int:person_id>/", views.person_detail, name="person_detail"),
    path("personnes/<int:person_id>/modifier/", views.person_edit, name="person_edit"),
    path("personnes/<int:person_id>/consentement/", views.consent_add, name="consent_add"),
    path("personnes/<int:person_id>/fusionner/", views.person_merge, name="person_merge"),
    path("personnes/<int:person_id>/donnees.json", views.person_export_json, name="person_export_json"),
    path("personnes/<int:person_id>/donnees.pdf", views.person_export_pdf, name="person_export_pdf"),
    path("personnes/<int:person_id>/anonymiser/", views.person_anonymise, name="person_anonymise"),
    path("personnes/<int:person_id>/supprimer/", views.person_erase, name="person_erase"),
    path("foyers/", views.household_list, name="household_list"),
    path("foyers/recherche/", views.household_search, name="household_search"),
    path("foyers/nouveau/", views.household_create, name="household_create"),
    path("foyers/<int:household_id>/", views.household_detail, name="household_detail"),
    path("foyers/<int:household_id>/modifier/", views.household_edit, name="household_edit"),
    path(
        "foyers/<int:household_id>/membres/ajouter/", views.household_add_member, name="household_add_member"
    ),
    path("foyers/<int:household_id>/partager/", views.household_share, name="household_share"),
    path(
        "foyers/<int:household_id>/partages/<int:share_id>/retirer/",
        views.household_unshare,
        name="household_unshare",
    ),
    path("foyers/<int:household_id>/fusionner/", views.household_merge, name="household_merge"),
    path("foyers/<int:household_id>/adhesion/", views.membership_take, name="membership_take"),
    path(
        "foyers/<int:household_id>/adhesions/<int:membership_id>/annuler/",
        views.membership_cancel,
        name="membership_cancel",
    ),
]
