"""Settings for the test suite: production settings, with what tests need instead of a real deployment."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ["CSC_TESTING"] = "1"
# A fixed Fernet key for the tests (never a production key).
os.environ.setdefault("CSC_CASEWORK_KEYS", "dGVzdC1vbmx5LWNhc2V3b3JrLWtleS0wMTIzNDU2Nzg=")

# Where the links of e-mails sent outside a request lead (a test request leads to http://testserver).
os.environ.setdefault("CSC_PUBLIC_URL", "https://csc.test.example")

from .settings import *  # noqa: E402, F403

ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
CSC_MAP_TILE_URL = ""  # no tile server in tests: the page must stay useful without one
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns when it is missing)

# A second alias reading the same test database, as a streaming replica would (Django's test MIRROR),
# for the tests of csc.core.replica: they install the router; the rest of the suite reads the primary.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = []
