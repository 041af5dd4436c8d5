"""The addresses of the casework figures (statistics, exports, activity report), kept apart from the
follow-up pages' urls.py; included there under the same `casework` namespace."""

from django.urls import path

from . import stats_views

urlpatterns: list = [
    path("accompagnement/chiffres/", stats_views.figures, name="stats"),
    path("accompagnement/chiffres/tableau.csv", stats_views.figures_csv, name="stats_csv"),
    path("accompagnement/chiffres/tableau.xlsx", stats_views.figures_xlsx, name="stats_xlsx"),
    path("accompagnement/chiffres/rapport/", stats_views.report, name="stats_report"),
    path("accompagnement/chiffres/rapport.pdf", stats_views.report_pdf, name="stats_report_pdf"),
    path("accompagnement/chiffres/rapport.xlsx", stats_views.report_xlsx, name="stats_report_xlsx"),
]
