from django.urls import path

from . import file_views, period_views, settings_views, views
from .stats_urls import urlpatterns as stats_urlpatterns

app_name = "casework"

urlpatterns = [
    path("accompagnement/", views.home, name="home"),
    path("accompagnement/personnes/<int:person_id>/", views.person_file, name="person"),
    path(
        "accompagnement/personnes/<int:person_id>/donnees.json",
        views.person_export,
        {"extension": "json"},
        name="person_export_json",
    ),
    path(
        "accompagnement/personnes/<int:person_id>/donnees.pdf",
        views.person_export,
        {"extension": "pdf"},
        name="person_export_pdf",
    ),
    path("accompagnement/personnes/<int:person_id>/situation/", file_views.situation, name="situation"),
    path("accompagnement/personnes/<int:person_id>/budget/", file_views.budget, name="budget"),
    path(
        "accompagnement/personnes/<int:person_id>/budget/<int:budget_line_id>/",
        file_views.budget_line,
        name="budget_line",
    ),
    path("accompagnement/personnes/<int:person_id>/contacts/", file_views.contacts, name="contacts"),
    path(
        "accompagnement/personnes/<int:person_id>/contacts/<int:person_contact_id>/retirer/",
        file_views.contact_remove,
        name="contact_remove",
    ),
    path(
        "accompagnement/personnes/<int:person_id>/nouveau-parcours/",
        views.period_create,
        name="period_create",
    ),
    path("accompagnement/parcours/<int:case_period_id>/", views.period_detail, name="period"),
    path(
        "accompagnement/parcours/<int:case_period_id>/echanges/",
        views.exchange_create,
        name="exchange_create",
    ),
    path("accompagnement/parcours/<int:case_period_id>/taches/", views.task_create, name="task_create"),
    path("accompagnement/parcours/<int:case_period_id>/cloturer/", views.period_close, name="period_close"),
    path("accompagnement/parcours/<int:case_period_id>/rouvrir/", views.period_reopen, name="period_reopen"),
    path(
        "accompagnement/parcours/<int:case_period_id>/confirmer/", views.period_confirm, name="period_confirm"
    ),
    path("accompagnement/parcours/<int:case_period_id>/actions/", period_views.actions, name="actions"),
    path("accompagnement/actions/<int:action_id>/", period_views.action_detail, name="action"),
    path("accompagnement/parcours/<int:case_period_id>/documents/", period_views.documents, name="documents"),
    path(
        "accompagnement/parcours/<int:case_period_id>/documents/deposer/",
        period_views.document_upload,
        name="document_upload",
    ),
    path(
        "accompagnement/parcours/<int:case_period_id>/documents/generer/",
        period_views.document_generate,
        name="document_generate",
    ),
    path(
        "accompagnement/documents/<int:document_id>/",
        period_views.document_download,
        name="document_download",
    ),
    path(
        "accompagnement/documents/<int:document_id>/retirer/",
        period_views.document_delete,
        name="document_delete",
    ),
    path("accompagnement/reglages/", settings_views.overview, name="settings"),
    path("accompagnement/reglages/problematiques/", settings_views.issue_add, name="issue_add"),
    path(
        "accompagnement/reglages/problematiques/<int:social_issue_id>/",
        settings_views.issue_toggle,
        name="issue_toggle",
    ),
    path("accompagnement/reglages/cercles/nouveau/", settings_views.scope_edit, name="scope_create"),
    path("accompagnement/reglages/cercles/<int:scope_id>/", settings_views.scope_edit, name="scope_edit"),
    path(
        "accompagnement/reglages/rubriques/nouvelle/",
        settings_views.situation_field_edit,
        name="situation_field_create",
    ),
    path(
        "accompagnement/reglages/rubriques/<int:situation_field_id>/",
        settings_views.situation_field_edit,
        name="situation_field_edit",
    ),
    path("accompagnement/reglages/modeles/nouveau/", settings_views.template_edit, name="template_create"),
    path(
        "accompagnement/reglages/modeles/<int:letter_template_id>/",
        settings_views.template_edit,
        name="template_edit",
    ),
    path("accompagnement/mes-taches/", views.my_tasks, name="my_tasks"),
    path("accompagnement/taches/<int:task_id>/faite/", views.task_done, name="task_done"),
]

urlpatterns += stats_urlpatterns
