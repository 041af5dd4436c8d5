"""Attendance reports (« Bilans de fréquentation »), included in the `activities` namespace."""

from django.urls import path

from . import views as report_views

urlpatterns: list = [
    path("bilans/", report_views.report, name="report"),
    path("bilans/bilan.pdf", report_views.report_pdf, name="report_pdf"),
    path("bilans/bilan.xlsx", report_views.report_xlsx, name="report_xlsx"),
    path("bilans/reseau/", report_views.report_network, name="report_network"),
    path("bilans/reseau/bilan.pdf", report_views.report_network_pdf, name="report_network_pdf"),
    path("bilans/reseau/bilan.xlsx", report_views.report_network_xlsx, name="report_network_xlsx"),
]
