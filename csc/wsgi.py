import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from csc.core.proxy import RealClientAddress

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csc.settings")
application = get_wsgi_application()
# Behind nginx, the visitor's address comes from the proxy's X-Real-IP (csc/core/proxy.py).
if settings.CSC_TRUSTED_PROXIES:
    application = RealClientAddress(application, settings.CSC_TRUSTED_PROXIES)
