"""Settings of CSC, 12-factor: everything comes from the environment, with defaults safe for a laptop.

Production sets at least DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL
(see docs/installation.md).
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CSC_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Several machines: the addresses of the nginx in front of gunicorn (e.g. 127.0.0.1), whose X-Real-IP
# header becomes the visitor's address (csc/core/proxy.py). Empty: REMOTE_ADDR as gunicorn sees it.
CSC_TRUSTED_PROXIES = env_list("CSC_TRUSTED_PROXIES")
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY doit être défini quand DJANGO_DEBUG=0.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A form refused by the CSRF check gets a French page that says what to do (Django's is for developers).
CSRF_FAILURE_VIEW = "csc.core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # the recovery codes (csc/core/recovery.py)
    "axes",
    "csc.core",
    "csc.people",
    "csc.activities",
    "csc.directory",
    "csc.enrolment",
    "csc.animation",
    "csc.kiosk",
    "csc.casework",
    "django_tasks",
    "django_tasks_db",
    # Only for its static files and templates: /api/v1/docs serves Swagger UI from them (csc/api.py).
    "ninja",
]

MIDDLEWARE = [
    # First: the request's identifier for the logs (csc/core/requestlog.py), then its count and duration
    # for Prometheus (csc/core/metrics.py); neither reads the database.
    "csc.core.requestlog.RequestIdMiddleware",
    "csc.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The kiosk's events skip everything below (csc/kiosk/middleware.py).
    "csc.kiosk.middleware.KioskEventsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long cache: CSP, no-store, Permissions-Policy.
    "csc.core.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before any view reads a query string; turns the text guard's refusals into a French 400 page.
    "csc.core.cleaning.TextCleaningMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csc.core.middleware.CurrentActorMiddleware",
    # Marks a person who just wrote, so that the reports read the primary and not a lagging replica.
    "csc.core.replica.WroteRecentlyMiddleware",
    "csc.core.middleware.RequestSiteMiddleware",
    "csc.core.middleware.TwoFactorEnforcementMiddleware",
    # Last: axes must see the response of the authentication views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csc.urls"
WSGI_APPLICATION = "csc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "csc" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csc.core.context_processors.shell",
            ],
        },
    },
]

# The embedded SQLite database is the quick-start default; production and CI give DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'csc.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout keep the dev server and the task worker from tripping over each other.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs 300 ms on a name search whose plan looks expensive and runs in 20 ms
    # (benchmarks/README.md); short interactive queries never win from it.
    # random_page_cost: PostgreSQL's default (4) prices a page read for a spinning disk. On SSD, with the
    # working set in memory, it keeps the planner away from index plans that win: a sheet search on a
    # broad word (« jeu », a third of 50,000 sheets) scans the whole table in 90 ms instead of using its
    # full-text index in 20 ms. DATABASE_RANDOM_PAGE_COST restores another value for other disks.
    # PGOPTIONS comes last so that a setting can be tried (benchmarks/README.md) before it lands here:
    # the connection's own options would otherwise hide it.
    random_page_cost = float(os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1"))
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c random_page_cost={random_page_cost} {os.environ.get('PGOPTIONS', '')}".strip()
    )
    # psycopg prepares a statement run this many times on a connection, but only from a cursor that
    # binds its values on the server: the kiosk's events (kiosk.services.store_events). Django's own
    # cursors quote values into the text and never prepare; Django turns preparing off unless asked.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5

    # --- Several machines: PgBouncer, a read replica (docs/installation.md « Passer à plusieurs machines »)
    # DATABASE_PGBOUNCER=1: DATABASE_URL is a PgBouncer in transaction mode, where a server connection
    # goes to another client after each transaction, so nothing may outlive one on it:
    # - psycopg's prepared statements (above): a statement prepared on one server connection is missing
    #   on the next. Off, unless DATABASE_PGBOUNCER_PREPARED=1 says the pooler keeps them (PgBouncer
    #   1.21 or later with max_prepared_statements set; Debian 12 ships 1.18, which does not).
    # - server-side cursors (`.iterator()` keeps a named cursor open across statements): off.
    # - the startup `options` (PgBouncer refuses the parameter): jit and random_page_cost move to the
    #   pooler's connect_query (deploy/pgbouncer/pgbouncer.ini) or to ALTER DATABASE … SET.
    if env_bool("DATABASE_PGBOUNCER", False):
        DATABASES["default"]["OPTIONS"].pop("options")
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        if not env_bool("DATABASE_PGBOUNCER_PREPARED", False):
            DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
    # DATABASE_REPLICA_URL: a streaming replica of the same database. Only what a view asks for
    # explicitly reads there (the reports and figures, through csc.core.replica.from_replica), never
    # inside a transaction, never for a person who has just written (the replica lags a little).
    if os.environ.get("DATABASE_REPLICA_URL"):
        replica = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
        DATABASES["replica"] = {
            **DATABASES["default"],  # the same options, PgBouncer's included: only where it is changes
            **{key: replica[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
            "OPTIONS": {**DATABASES["default"]["OPTIONS"], **replica.get("OPTIONS", {})},
        }
        DATABASE_ROUTERS = ["csc.core.replica.ReplicaRouter"]
        # How long after a write a person reads only the primary: longer than the replica ever lags.
        CSC_REPLICA_LAG_SECONDS = int(os.environ.get("CSC_REPLICA_LAG_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the rate limits of the public forms and password resets (csc/core/ratelimit.py) and
# the kiosk's pages. With more than one process (gunicorn's workers, several machines) it must be
# shared, or each worker counts on its own and a limit is multiplied by the number of workers:
# CSC_CACHE_URL=redis://127.0.0.1:6379/0 (`check --deploy` asks for it when DEBUG is off,
# csc/core/checks.py). Without it, the process's own memory: right for `make run`'s single process.
CSC_CACHE_URL = os.environ.get("CSC_CACHE_URL", "").strip()
if CSC_CACHE_URL:
    if not CSC_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "CSC_CACHE_URL doit être l'adresse d'un serveur Redis, par exemple redis://127.0.0.1:6379/0."
        )
    # django-redis rather than Django's own RedisCache for IGNORE_EXCEPTIONS: everything this cache
    # holds can be lost or recomputed, so a Redis that fails or restarts must cost a cache miss, never
    # a 500 (Django's backend raises, and the kiosk's page and cached_db sessions would fail with it).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CSC_CACHE_URL,
            "KEY_PREFIX": os.environ.get("CSC_CACHE_PREFIX", "csc"),
            "OPTIONS": {
                # A cache that hangs must not hold a worker: the limits let requests through when it fails.
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    # Sessions read from Redis, on every node, and are written through to the database: a Redis
    # restarted or flushed logs nobody out (the session is read again from the database), and nothing
    # a session holds lives only in the cache. Without Redis, sessions stay in the database alone.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "csc"}}
# What Redis failed to do is logged, so that a Redis down is seen (and csc.core.ratelimit says when a
# limit was not counted).
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:public_home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # an invitation stays valid three days

# Login throttling: five failures lock the pair (account, IP) for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("CSC_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "csc.core.auth.axes_client_ip"  # an IPv6 client counts as its /64
AXES_USERNAME_FORM_FIELD = "username"
# Failures count per account: every way of writing its address (case, fullwidth letters, « ſ »…) is
# brought to one normal form, the one accounts are found by (csc.core.identifiers, csc.core.auth).
AXES_USERNAME_CALLABLE = "csc.core.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("CSC_AXES_ENABLED", True)

OTP_TOTP_ISSUER = "CSC Centres Sociaux Connectés"
# Roles whose holders must use a second factor: those who read social case files, export or erase
# personal data, or manage access.
CSC_OTP_REQUIRED_ROLES = env_list(
    "CSC_OTP_REQUIRED_ROLES", "social_worker,director,coordinator,territory_coordinator,federation"
)

LANGUAGE_CODE = "fr"
# French only, whatever the browser's Accept-Language or a django_language cookie say: English and
# Arabic have no translations yet, and declaring them switched Django's own texts (day names, form
# errors) inside French pages. The centre-sites issue adds them back with their translations.
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "csc" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("CSC_TESTING", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files (CAF attestations…) are personal data: they are never served as static files, only
# through views that check the reader's role. Keep this directory out of the web server's reach.
MEDIA_ROOT = Path(os.environ.get("CSC_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# --- Uploaded files on S3-compatible object storage (csc/core/s3.py, docs/installation.md) ------------
# CSC_S3_BUCKET set: the files go to that private bucket instead of MEDIA_ROOT (several application
# nodes then share them). CSC_S3_ENDPOINT_URL, CSC_S3_REGION, CSC_S3_ENCRYPTION, CSC_S3_PREFIX; the
# credentials are boto3's usual variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
from csc.core.s3 import storage_from_env  # noqa: E402

if _s3_storage := storage_from_env(os.environ):
    STORAGES["default"] = _s3_storage
CSC_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# Background work (e-mails with their PDF, large exports) goes through django.tasks' database backend;
# `manage.py db_worker` runs it. A deployment that outgrows one database swaps the backend here.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CSC_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# CSC_TASKS_BACKEND=django_tasks_rq.RQBackend puts the tasks on Redis (CSC_RQ_URL, by default the
# cache's server) for `manage.py rqworker --with-scheduler default` to run (the scheduler runs the retries
# planned for later); the database backend above stays the default, with nothing more to run.
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    CSC_RQ_URL = os.environ.get("CSC_RQ_URL", CSC_CACHE_URL).strip()
    if not CSC_RQ_URL:
        raise ImproperlyConfigured(
            "CSC_TASKS_BACKEND=django_tasks_rq.RQBackend demande CSC_RQ_URL (ou CSC_CACHE_URL), "
            "l'adresse d'un serveur Redis, par exemple redis://127.0.0.1:6379/1."
        )
    INSTALLED_APPS.append("django_rq")
    # A task longer than this is stopped by its worker: a network PDF takes seconds, not minutes.
    RQ_QUEUES = {"default": {"URL": CSC_RQ_URL, "DEFAULT_TIMEOUT": 600}}
    # The worker runs django.tasks' tasks through django-tasks-rq's job class (RQ's own cannot call them).
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
# The task worker (csc.core.worker) writes a heartbeat this often; what a worker claimed is taken back
# by the others once its heartbeat is older than the lease. Shorter leases recover sooner and risk
# taking a task from a worker only slowed down (its own thread beats, even during a long PDF).
CSC_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("CSC_WORKER_HEARTBEAT_SECONDS", "5"))
CSC_WORKER_LEASE_SECONDS = float(os.environ.get("CSC_WORKER_LEASE_SECONDS", "30"))
# Base of the links e-mails send when no request is being served (the task worker, the cron commands),
# e.g. https://csc.example.org; while serving a request, links follow the site it came in on.
# `check --deploy` refuses it unset or local when DEBUG is off (csc/core/checks.py).
CSC_PUBLIC_URL = os.environ.get("CSC_PUBLIC_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "CSC <ne-pas-repondre@csc.localhost>")

# Map tiles: any XYZ server. The public home page keeps its list of centres when tiles do not load.
CSC_MAP_TILE_URL = os.environ.get("CSC_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
CSC_MAP_ATTRIBUTION = os.environ.get(
    "CSC_MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
# Leaflet comes from the django-leaflet package's static files. Its Django app is not installed: it
# imports GeoDjango, which needs the GDAL system library that a quick start must not require.
STATICFILES_DIRS = [
    Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static",
]

CSC_DEFAULT_RETENTION_MONTHS = int(os.environ.get("CSC_DEFAULT_RETENTION_MONTHS", "36"))
# Reference data ships with the project (csc/core/data/README.md says where it comes from); the
# variables point at another copy.
REFERENCE_DATA_DIR = BASE_DIR / "csc" / "core" / "data"
CSC_NETWORK_FILE = Path(os.environ.get("CSC_NETWORK_FILE", REFERENCE_DATA_DIR / "network.json"))

# The kiosk's catalogue of national online services (`manage.py load_procedures`).
CSC_PROCEDURES_FILE = Path(os.environ.get("CSC_PROCEDURES_FILE", REFERENCE_DATA_DIR / "procedures.json"))
# The kiosk's anonymous counts: how many events one client may send a minute before a 429. A centre's
# kiosks share one public address, so this counts for all of them (a busy kiosk sends a few a minute).
CSC_KIOSK_EVENTS_PER_MINUTE = int(os.environ.get("CSC_KIOSK_EVENTS_PER_MINUTE", "240"))
# Pré-adhésions and pré-inscriptions one client address may send in 10 minutes (csc/core/ratelimit.py).
# Generous: on the day registrations open, the families on a centre's Wi-Fi, or behind one mobile
# operator's address, share it. Each e-mail address has its own, tighter limit.
CSC_PUBLIC_REQUESTS_PER_CLIENT = int(os.environ.get("CSC_PUBLIC_REQUESTS_PER_CLIENT", "30"))
# The largest JSON body a request may send (the API, the kiosk's events: csc/core/jsonbody.py).
CSC_JSON_MAX_BYTES = int(os.environ.get("CSC_JSON_MAX_BYTES", str(1024 * 1024)))

# Social follow-up: notes, exchange contents and documents are encrypted with these Fernet keys
# (comma-separated; the first encrypts, all decrypt: csc/casework/crypto.py, docs/installation.md).
# A laptop (DEBUG) without them uses a key derived from the development secret.
CSC_CASEWORK_KEYS = env_list("CSC_CASEWORK_KEYS")
if not CSC_CASEWORK_KEYS and DEBUG:
    import base64
    import hashlib

    CSC_CASEWORK_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"csc-casework|{SECRET_KEY}".encode()).digest()).decode()
    ]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Django's default, written out because docs/installation.md lists it: a page opened from CSC in a
# new window (an official site from the kiosk) cannot reach back into it.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logs, metrics and error reports (docs/installation.md, parts « Mesures pour Prometheus »,
# « Journaux au format JSON », « Remontée d'erreurs (Sentry) ») -----------------------------------------
# CSC_LOG_FORMAT=json: one JSON object per line on stderr, with the request's id, route, status, duration
# and user id, never personal data (csc/core/requestlog.py); text, the default, for `make run`.
# CSC_ACCESS_LOG: one line per request (default: on with json).
from csc.core.requestlog import logging_config  # noqa: E402

CSC_LOG_FORMAT = os.environ.get("CSC_LOG_FORMAT", "text").strip().lower() or "text"
LOGGING = logging_config(
    CSC_LOG_FORMAT,
    level=os.environ.get("CSC_LOG_LEVEL", "WARNING"),
    access_log=env_bool("CSC_ACCESS_LOG", CSC_LOG_FORMAT == "json"),
)
# /metrics answers to these addresses (or networks) reached directly, or to the bearer token; 404 to
# anyone else (csc/core/metrics.py). Prometheus on the machine scrapes http://127.0.0.1:8000/metrics,
# which is exempt from the HTTPS redirection.
CSC_METRICS_ALLOWED_IPS = env_list("CSC_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
CSC_METRICS_TOKEN = os.environ.get("CSC_METRICS_TOKEN", "")
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
# CSC_SENTRY_DSN set: errors go to that Sentry-compatible server, without personal data
# (csc/core/errortracking.py). CSC_ENVIRONMENT and CSC_RELEASE name the installation and the version.
CSC_SENTRY_DSN = os.environ.get("CSC_SENTRY_DSN", "").strip()
CSC_ENVIRONMENT = os.environ.get("CSC_ENVIRONMENT", "developpement" if DEBUG else "production")
CSC_RELEASE = os.environ.get("CSC_RELEASE", "")
if CSC_SENTRY_DSN:
    from csc.core.errortracking import init as init_error_reports  # noqa: E402

    init_error_reports(
        CSC_SENTRY_DSN,
        environment=CSC_ENVIRONMENT,
        release=CSC_RELEASE,
        traces_sample_rate=float(os.environ.get("CSC_SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# API pages: 50 items by default, never more than 200 in one request.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200
