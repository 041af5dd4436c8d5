"""Attendance reports (« Bilans de fréquentation »), included in the `activities` namespace."""

urlpatterns: list = []
