"""Anim'connect: activity sheets (`sheet_urls`), plannings and their public page (`planning_urls`), the
pedagogical project (`project_urls`)."""

from django.urls import include, path

from . import planning_urls, project_urls, sheet_urls

app_name = "animation"

urlpatterns = [
    path("", include(sheet_urls)),
    path("", include(planning_urls)),
    path("", include(project_urls)),
]
