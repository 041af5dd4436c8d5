from django.urls import include, path

from . import config_views, figures_views, help_log_views, public_views, sheet_views

app_name = "kiosk"

# Residents: the kiosk of a centre. One prefix, so that the resolver leaves them at once for any other
# address, and finds them first (csc/urls.py includes them before the other apps): the home page and
# the events are the platform's busiest addresses.
public_patterns = [
    path("", public_views.home, name="home"),
    path("recherche/", public_views.search, name="search"),
    path("besoin-d-aide/", public_views.help_nearby, name="help"),
    path("fiche/<slug:procedure>/", public_views.sheet, name="sheet"),
    path("fiche/<slug:procedure>/fiche.pdf", public_views.sheet_pdf, name="sheet_pdf"),
    path("fin/", public_views.end, name="end"),
    path("evenements/", public_views.events, name="events"),
]

urlpatterns = [
    path("borne/<slug:slug>/", include(public_patterns)),
    # Staff: the centre's kiosk.
    path("ma-borne/", config_views.settings_page, name="settings"),
    path("ma-borne/reglages/", config_views.save_settings, name="save_settings"),
    path("ma-borne/horaires/", config_views.save_hours, name="save_hours"),
    path("ma-borne/ajouter/", config_views.add_procedures, name="add_procedures"),
    path("ma-borne/liens/nouveau/", config_views.local_link_create, name="local_link_create"),
    path("ma-borne/tuiles/<int:tile_id>/modifier/", config_views.local_link_edit, name="local_link_edit"),
    path("ma-borne/tuiles/<int:tile_id>/<str:action>/", config_views.tile_action, name="tile_action"),
    path("ma-borne/statistiques/", figures_views.statistics, name="statistics"),
    path("ma-borne/statistiques/aujourdhui/", figures_views.today, name="today"),
    path("ma-borne/statistiques/mot-cle/", figures_views.add_synonym, name="add_synonym"),
    path("ma-borne/statistiques/statistiques.csv", figures_views.statistics_csv, name="statistics_csv"),
    path("ma-borne/statistiques/statistiques.xlsx", figures_views.statistics_xlsx, name="statistics_xlsx"),
    # Staff: help sheets.
    path("fiches-demarches/", sheet_views.sheet_list, name="sheet_list"),
    path("fiches-demarches/nouvelle/", sheet_views.sheet_create, name="sheet_create"),
    path("fiches-demarches/<int:help_sheet_id>/", sheet_views.sheet_detail, name="sheet_detail"),
    path("fiches-demarches/<int:help_sheet_id>/modifier/", sheet_views.sheet_edit, name="sheet_edit"),
    path("fiches-demarches/<int:help_sheet_id>/adapter/", sheet_views.sheet_copy, name="sheet_copy"),
    # Staff: the reception's help log and the CAF report.
    path("aides-numeriques/", help_log_views.help_log, name="help_log"),
    path("aides-numeriques/<int:record_id>/annuler/", help_log_views.cancel, name="help_cancel"),
    path("aides-numeriques/rapport-caf/", figures_views.caf_report, name="caf_report"),
    path("aides-numeriques/rapport-caf/rapport.pdf", figures_views.caf_report_pdf, name="caf_report_pdf"),
    path("aides-numeriques/rapport-caf/rapport.xlsx", figures_views.caf_report_xlsx, name="caf_report_xlsx"),
    path("aides-numeriques/rapport-caf/reseau/", figures_views.caf_network, name="caf_network"),
    path(
        "aides-numeriques/rapport-caf/reseau/rapport.pdf",
        figures_views.caf_network_pdf,
        name="caf_network_pdf",
    ),
    path(
        "aides-numeriques/rapport-caf/reseau/rapport.xlsx",
        figures_views.caf_network_xlsx,
        name="caf_network_xlsx",
    ),
]
