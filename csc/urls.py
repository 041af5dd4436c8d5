"""The site's URLs: each installed module's URLconf (csc.core.registry), then the API and the admin."""

from django.contrib import admin
from django.urls import include, path

from csc.core import registry
from csc.core import views as core_views
from csc.core.metrics import metrics_view

admin.site.site_header = "CSC — administration technique"


def build_urlpatterns(api=None) -> list:
    """The patterns of the installed modules, by their url_priority (the kiosk's public pages, the
    busiest, first). A test that installs another module builds them again with its own API."""
    if api is None:
        from csc.api import api
    return [
        *(path("", include(urls)) for _, urls in registry.url_includes()),
        path("healthz", core_views.healthz, name="healthz"),
        path("metrics", metrics_view, name="metrics"),  # Prometheus, from allowed addresses only
        path("api/v1/", api.urls),
        path("admin-technique/", admin.site.urls),
    ]


urlpatterns = build_urlpatterns()

handler400 = "csc.core.errors.error_400"
handler403 = "csc.core.views.error_403"
handler404 = "csc.core.views.error_404"
handler500 = "csc.core.views.error_500"
