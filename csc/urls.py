from django.contrib import admin
from django.urls import include, path

from csc.api import api
from csc.core import views as core_views

admin.site.site_header = "CSC — administration technique"

urlpatterns = [
    # First: the kiosk's public pages are the busiest (see csc/kiosk/urls.py).
    path("", include("csc.kiosk.urls")),
    path("", include("csc.core.urls")),
    path("", include("csc.people.urls")),
    path("", include("csc.activities.urls")),
    path("", include("csc.directory.urls")),
    path("", include("csc.enrolment.urls")),
    path("", include("csc.animation.urls")),
    path("", include("csc.casework.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin-technique/", admin.site.urls),
]

handler403 = "csc.core.views.error_403"
handler404 = "csc.core.views.error_404"
handler500 = "csc.core.views.error_500"
