"""Settings, read from the environment (django-environ).

With no environment at all a checkout runs on the *embedded default*: SQLite
and a file-system Celery broker under ``var/``, and a secret generated once
into ``var/``. Production sets DATABASE_URL, CELERY_BROKER_URL and SECRET_KEY.
"""

import os
import warnings
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from core.locations import PROBE_QUEUES
from monitors.networks import DEFAULT_ALLOWED, DEFAULT_BLOCKED, parse_networks
from statuspage.embedded import VAR_DIR, embedded_broker_options, embedded_secret_key

# Lets the admin classes be written ModelAdmin[Monitor] etc. for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# Prometheus metrics (core/metrics.py) in multiprocess mode: every process
# writes its counts under this folder and /metrics adds them up. Chosen here,
# before any metric is made; `make run` (bin/run-all) empties it at start.
# A folder that cannot be written leaves each process its own counts (and a
# warning) rather than stopping the product for want of metrics.
_metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or VAR_DIR / "prometheus")
try:
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    if not os.access(_metrics_dir, os.W_OK):
        raise PermissionError(f"{_metrics_dir} is not writable")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)
except OSError as error:
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    warnings.warn(f"metrics are per process: {error}", RuntimeWarning, stacklevel=1)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
EMBEDDED = "DATABASE_URL" not in os.environ

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (EMBEDDED or DEBUG):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off and DATABASE_URL points at a "
            "production database."
        )
    SECRET_KEY = embedded_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env.str("SITE_NAME", default="Status")

INSTALLED_APPS = [
    "statuspage.cockpit.apps.CockpitAdminConfig",  # Django's admin, with the cockpit's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "health_check",  # manage.py health_check (a container's HEALTHCHECK)
    "statuspage",
    "monitors",
    "incidents",
    "maintenance",
    "pages",
    "alerts",
    "statuspage.cockpit",  # last: extends the admins registered above
]

MIDDLEWARE = [
    # First, so it counts every answer, the redirects and refusals included.
    "statuspage.metrics.middleware.CountRequestsMiddleware",
    # Then: load balancers poll /health by address, over plain HTTP.
    "statuspage.health.middleware.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "statuspage.api.bodylimit.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The status page's day bars are ~7 KB of repetitive HTML a monitor; gzip
    # makes 3.5 MB for 500 monitors ~90 KB (with Django's BREACH mitigation).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): logged in with a second factor this session.
    "django_otp.middleware.OTPMiddleware",
    "statuspage.twofactor.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "statuspage.api.guard.ApiGuardMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "statuspage.urls"
WSGI_APPLICATION = "statuspage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "statuspage.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write at once: WAL lets readers
    # run beside a writer, IMMEDIATE takes the write lock at BEGIN (so a
    # transaction never fails half-way on a lock upgrade) and the timeout
    # makes a second writer wait instead of raising "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # An unreachable server (not one refusing) must fail a request, /health
    # included, in seconds, not after the system's two-minute TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process (web, worker): the page cache is dropped by the
# worker when a status changes, so a per-process memory cache would not do.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "statuspage.resilient_cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    )

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Failed admin logins: locked per address and user name for a cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# The APIs' client-address rule (TRUSTED_PROXY_COUNT): behind a proxy, REMOTE_ADDR
# is the proxy's, and a lockout of it would lock every client out.
AXES_CLIENT_IP_CALLABLE = "statuspage.api.clientaddr.client_ip"
AXES_VERBOSE = False
# Two-factor staff logins (statuspage/twofactor): a staff member who has set
# up an authenticator app always needs its code; with this on, every staff
# member must set one up before the admin opens. API keys are unaffected.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = SITE_NAME  # the account's name in the app

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Absolute: Django prefixes a relative STATIC_URL with the script prefix of
# the first request that reads it, and a status page at /p/<slug>/ sets its
# own (statuspage/public/onpage.py), which would stick for every later page.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["statuspage.api.keyauth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["statuspage.api.keyauth.HasApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

# The OpenAPI schema at /v1/schema, Swagger UI at /v1/docs.
SPECTACULAR_SETTINGS = {
    "TITLE": "Status page management API v1",
    "DESCRIPTION": "The management API v1 (LegitUptime contract): send the key in the "
    'X-API-Key header. Errors: 400 with {"Field": ["reason"]}, otherwise {"detail": "..."}.',
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Ids in v1 paths: up to 18 digits (statuspage.api.legituptime.fields.ID_DIGITS).
    "PATH_CONVERTER_OVERRIDES": {"v1id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
}

# Alert emails: EMAIL_URL such as smtp+tls://user:pass@mail.example.com:587;
# the embedded default prints them on the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="status@localhost")

# Celery: the embedded default needs no broker server; production uses Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "statuspage.embedded_broker:Transport"  # no torn messages
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = embedded_broker_options()
else:
    # Redis redelivers unacknowledged messages after visibility_timeout; keep
    # it above the longest task so a slow batch is not run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 300,
        # A Redis that vanishes without closing the connection (a failover, a
        # network cut) must not hang a publish or an ack for good.
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers never give up on the broker (Celery's default is 100 attempts, then
# the worker exits), and retry every second (statuspage/worker.py), so they
# come back by themselves within a tick of Redis (tests/test_faults_redis.py).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CONSUMER = "statuspage.worker:Consumer"
# Celery's Django fixup closes the database connection before and after every
# task unless this is set, so each probe batch opened a new PostgreSQL
# connection (a backend forked and its caches warmed: most of the database's
# CPU in bench/probes.py). Set this high, it never closes them; the worker
# recycles them instead as Django does around a request (statuspage/worker.py):
# CONN_MAX_AGE and CONN_HEALTH_CHECKS hold in workers as in the web server.
CELERY_DB_REUSE_MAX = 2**62
# Threads, also for a worker started without --pool: a killed prefork child
# deadlocks the others on billiard's queue lock (a thread pool has no child).
CELERY_WORKER_POOL = "threads"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TIMEZONE = "UTC"
# A worker started without -Q consumes every queue listed here; each app adds its own.
CELERY_TASK_QUEUES = [
    Queue("celery"),
    Queue("alerts"),  # alerts/tasks.py sends here, so a slow channel never delays probes
    Queue("subscribers"),  # the subscribers' fan-out and batches (alerts/subscribers/)
]
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Each app adds its periodic tasks here (monitors: dispatch; alerts: ...).
    "alerts-read-status-changes": {
        "task": "alerts.tasks.process_events",
        "schedule": 5.0,
        "options": {"expires": 5},
    },
    "alerts-scan": {"task": "alerts.tasks.scan", "schedule": 15.0, "options": {"expires": 15}},
    "alerts-scan-subscribers": {
        "task": "alerts.tasks.scan_subscribers",
        "schedule": 15.0,
        "options": {"expires": 15},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The probe engine (monitors/tasks.py): beat fires the dispatch task every
# PROBE_DISPATCH_INTERVAL seconds; it queues due checks on one queue per probe
# location. A worker started with -Q probes.UK probes from there; a worker
# without -Q consumes every queue, so serves every location.
PROBE_DISPATCH_INTERVAL = env.float("PROBE_DISPATCH_INTERVAL", default=2.0)
PROBE_BATCH_SIZE = env.int("PROBE_BATCH_SIZE", default=250)  # checks per message
PROBES_IN_FLIGHT = env.int("PROBES_IN_FLIGHT", default=500)  # per worker process
RESULT_RETENTION_DAYS = env.int("RESULT_RETENTION_DAYS", default=7)  # raw check results
# Where probes may connect (monitors/networks.py): an address must be in an
# allowed network and in no blocked one, checked when a monitor is saved and
# again on every connection. CIDR lists, comma-separated; a bad one stops the start.
PROBE_ALLOWED_NETWORKS = env.list("PROBE_ALLOWED_NETWORKS", default=DEFAULT_ALLOWED)
PROBE_BLOCKED_NETWORKS = env.list("PROBE_BLOCKED_NETWORKS", default=DEFAULT_BLOCKED)
parse_networks(PROBE_ALLOWED_NETWORKS, "PROBE_ALLOWED_NETWORKS")
parse_networks(PROBE_BLOCKED_NETWORKS, "PROBE_BLOCKED_NETWORKS")
CELERY_TASK_QUEUES += [Queue(name) for name in PROBE_QUEUES]
CELERY_BEAT_SCHEDULE |= {
    "monitors.dispatch": {
        "task": "monitors.tasks.dispatch",
        "schedule": PROBE_DISPATCH_INTERVAL,
        "options": {"expires": PROBE_DISPATCH_INTERVAL},
    },
    "monitors.apply-maintenance": {
        "task": "monitors.tasks.apply_maintenance",
        "schedule": 10.0,
        "options": {"expires": 10.0},
    },
    "monitors.prune": {"task": "monitors.tasks.prune", "schedule": 3600.0},
    # Made within the last five minutes before their hour begins at the latest.
    "monitors.make-rollups-ahead": {
        "task": "monitors.tasks.make_rollups_ahead",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    # A new day's bars are built by this task, not by the first visitor's render.
    "statuspage.warm-page": {
        "task": "statuspage.tasks.warm_page",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
}

# /health (statuspage/health/): not ready when beat's dispatch has not run for
# this many seconds, or the 99th percentile of how late the checks of one
# location started over the last five minutes exceeds this many seconds.
HEALTH_BEAT_SILENT_AFTER = env.float("HEALTH_BEAT_SILENT_AFTER", default=60.0)
HEALTH_LATENESS_P99 = env.float("HEALTH_LATENESS_P99", default=30.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No API key is printed whole (api.php's ?key= is in URLs Django may log).
    "filters": {"redact_keys": {"()": "statuspage.logredact.RedactKeysFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_keys"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Rate limits of both APIs ("requests/seconds"), shared through the cache.
RATE_LIMIT_PER_KEY = env.str("RATE_LIMIT_PER_KEY", default="600/60")
RATE_LIMIT_PER_ADDRESS = env.str("RATE_LIMIT_PER_ADDRESS", default="1200/60")
RATE_LIMIT_FAILED_KEYS = env.str("RATE_LIMIT_FAILED_KEYS", default="30/60")
# Last-good copies of the public page, its JSON, feeds and badges, served when
# the database cannot be reached (statuspage/lastgood.py).
PAGE_SNAPSHOT_DIR = env.str("PAGE_SNAPSHOT_DIR", default=str(VAR_DIR / "snapshots"))

# /metrics (Prometheus): allowed with "Authorization: Bearer <METRICS_TOKEN>" or
# from an address in METRICS_ALLOWED_NETWORKS ("10.0.0.0/8,127.0.0.1");
# with neither set it answers 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
# The subscribe form on the page: per client address and per email/URL.
SUBSCRIBE_RATE_PER_ADDRESS = env.str("SUBSCRIBE_RATE_PER_ADDRESS", default="20/3600")
SUBSCRIBE_RATE_PER_TARGET = env.str("SUBSCRIBE_RATE_PER_TARGET", default="3/3600")
# A page showing more monitors than this lists each category as one bar row
# (with its monitors that are not operational), each opening a page of its own.
PAGE_COLLAPSE_OVER = env.int("PAGE_COLLAPSE_OVER", default=100)
# Password guesses at a private page: per client address on one page, and
# on one page from every address together.
PAGE_UNLOCK_RATE_PER_ADDRESS = env.str("PAGE_UNLOCK_RATE_PER_ADDRESS", default="10/60")
PAGE_UNLOCK_RATE_PER_PAGE = env.str("PAGE_UNLOCK_RATE_PER_PAGE", default="100/60")
# How long an email's confirmation link works; a webhook subscription is
# disabled after this many failed deliveries in a row.
SUBSCRIBER_CONFIRM_HOURS = env.int("SUBSCRIBER_CONFIRM_HOURS", default=48)
SUBSCRIBER_WEBHOOK_MAX_FAILURES = env.int("SUBSCRIBER_WEBHOOK_MAX_FAILURES", default=10)
# The page's public address, for the links in what subscribers receive.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Where they count: "cache" needs an atomic increment (Redis); "database"
# counts in one upsert a request (the embedded default: its file cache is not atomic).
_REDIS_CACHE = CACHES["default"]["BACKEND"].endswith("ResilientRedisCache")
RATE_LIMIT_STORE = env.str("RATE_LIMIT_STORE", default="cache" if _REDIS_CACHE else "database")
if RATE_LIMIT_STORE not in ("cache", "database"):
    raise ImproperlyConfigured('RATE_LIMIT_STORE must be "cache" or "database".')
if RATE_LIMIT_STORE == "cache" and not _REDIS_CACHE:
    # The file and memory caches increment by read-then-write: concurrent
    # hits would be lost and limits not hold.
    raise ImproperlyConfigured('RATE_LIMIT_STORE="cache" needs CACHE_URL to be Redis.')
# How many reverse proxies in front of the web server append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Production (DEBUG off, a real database) is HTTPS-only, behind a proxy that
# terminates TLS and says so in X-Forwarded-Proto. The embedded default serves
# plain HTTP on 127.0.0.1, so it keeps these off unless asked.
_HTTPS = env.bool("HTTPS_ONLY", default=not (DEBUG or EMBEDDED))
if env.bool("USE_X_FORWARDED_PROTO", default=_HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _HTTPS
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every answer (django-csp): scripts and styles
# from our own static files only, no inline script anywhere, never framed.
# One inline style, the status page's accent colour, carries the answer's
# nonce (a nonce is in the header only on answers that used it).
# The Swagger UI pages widen it for what Swagger needs (statuspage/api/docs_csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
