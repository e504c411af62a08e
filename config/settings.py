"""Settings, read from the environment.

With nothing set the platform runs on embedded defaults (a SQLite file, the
in-memory channel layer, eager Celery tasks, the database search backend), so a
newcomer needs no service to try it. Each real service is switched on by its
URL: DATABASE_URL, REDIS_URL, SEARCH_URL with SEARCH_ENGINE.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(there is no production default)."
        )
    # A development key is made once per checkout so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "core.signin_app.SignInProtectionConfig",  # django-axes
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_celery_beat",
    "django_htmx",
    "core",
    "complaints",
    "arbitration",
    "supervisors",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    # Before anything reads the body (the CSRF check reads a form's).
    "config.limits.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a sign-in refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            # Concurrent writers (ASGI server and eager tasks) wait instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce "nulls not distinct"; PostgreSQL, the production
# database, does, and the routing service never writes duplicates.
SILENCED_SYSTEM_CHECKS = (
    ["models.W047"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
)

# --- Redis: cache, channel layer, Celery broker --------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
# Without a broker every task runs in the caller, after the commit that scheduled it.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat entries; the DatabaseScheduler copies them into django-celery-beat's tables.
CELERY_BEAT_SCHEDULE = {
    "clock-sweep": {"task": "core.tasks.clock_sweep", "schedule": 15 * 60},
    "search-drain-outbox": {"task": "search.tasks.drain_search_outbox", "schedule": 60},
    "search-hotspot-alerts": {
        "task": "search.tasks.hotspot_alerts",
        "schedule": crontab(hour=6, minute=0),
    },
    "supervisor-terms": {
        "task": "supervisors.tasks.supervisor_terms",
        "schedule": crontab(hour=0, minute=30),
    },
}

# --- Search ------------------------------------------------------------------
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "database")
if SEARCH_ENGINE not in {"database", "elasticsearch", "opensearch"}:
    raise ImproperlyConfigured("SEARCH_ENGINE must be one of: database, elasticsearch, opensearch")
SEARCH_URL = os.environ.get("SEARCH_URL", "")
if SEARCH_ENGINE != "database" and not SEARCH_URL:
    raise ImproperlyConfigured(f"SEARCH_ENGINE={SEARCH_ENGINE} needs SEARCH_URL")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "complaints")
# The CSV export streams at most this many rows (masked).
SEARCH_EXPORT_MAX_ROWS = env_int("SEARCH_EXPORT_MAX_ROWS", 10000)

# --- Auth, i18n, time --------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in lockout (core/auth.py): after LOGIN_FAILURE_LIMIT failures for one
# account or from one address, both are locked for LOGIN_LOCKOUT_MINUTES after
# the last failure, on the console's sign-in and the admin's alike. The
# address is the connection's (daphne's --proxy-headers puts a proxy's
# X-Forwarded-For there): a header a client sets itself is never trusted.
AUTHENTICATION_BACKENDS = [
    "core.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The project's own catalogue, then Chinese for dependencies that ship none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "translations" / "axes" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Evidence is never served from a public URL: views stream it as a download.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)

# --- Request limits (config/limits/) ------------------------------------------
# A body larger than its route's limit is refused from its declared length,
# before it is read, by the web server (config/server.py), the ASGI
# application and Django: a 413 with the limit in words.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 2_621_440)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
# All evidence files of one intake together: a whole body past this (plus the
# form's fields) is refused from its declared length, before it is read.
EVIDENCE_TOTAL_MAX_BYTES = env_int("EVIDENCE_TOTAL_MAX_BYTES", 60 * 1024 * 1024)
# Only these routes take files, and a new one that does must be listed: the
# intake, with at most 20 evidence files (complaints.services.evidence.MAX_FILES)
# of EVIDENCE_MAX_BYTES each and EVIDENCE_TOTAL_MAX_BYTES in all.
UPLOAD_PATHS = [
    "/console/intake/",
    "/api/v1/intakes/",
    # A supervisor's report and the answer to a question carry photos.
    "/api/v1/supervisor-reports/",
    "/supervisors/reports/",
]
#: Largest photo of a supervisor's report (supervisors/photos.py).
SUPERVISOR_PHOTO_MAX_BYTES = env_int("SUPERVISOR_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", EVIDENCE_TOTAL_MAX_BYTES + REQUEST_MAX_BYTES)
# Files are written to disk as they arrive, never held in memory past this.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "config.limits.uploads.CappedUploadHandler",
]
# No form or API body nests deeper; far below Python's recursion limit.
JSON_MAX_DEPTH = env_int("JSON_MAX_DEPTH", 32)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Mail (reminders, escalations, notices) ----------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Without a mail server, mails are printed to the console rather than lost in
# failed SMTP connections. Either way they are masked first (core/mail.py).
EMAIL_BACKEND = "core.mail.MaskingEmailBackend"
EMAIL_DELIVERY_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "config.limits.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.AnonThrottle", "core.throttles.UserThrottle"],
    # Anonymous requests count per connection address, never per a header
    # the client sets; behind N trusted proxies set API_NUM_PROXIES=N.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
# Requests per user and per anonymous address (core/throttles.py); an empty
# value turns a throttle off. Over the rate: 429 with Retry-After.
API_THROTTLE_RATES = {
    "anon": os.environ.get("API_THROTTLE_ANON", "60/min") or None,
    "user": os.environ.get("API_THROTTLE_USER", "600/min") or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Quality complaint and mediation platform API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.document_error_responses",
    ],
    # One schema name per choice set that several apps' fields share.
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "complaints.lifecycle.CaseKind",
        "CaseStatusEnum": "complaints.lifecycle.Status",
        "InspectionKindEnum": "arbitration.lifecycle.InspectionKind",
        "InspectionStatusEnum": "arbitration.lifecycle.Status",
        "InspectionPartyEnum": "arbitration.models.inspections.Party",
        "InspectionFeePayerEnum": "arbitration.models.inspections.FeePayer",
    },
}

# --- Domain settings (docs/legal-basis.md §2, §8, §10) ------------------------
HOTSPOT_WINDOW_DAYS = env_int("HOTSPOT_WINDOW_DAYS", 30)
HOTSPOT_MIN_DISTINCT_COMPLAINANTS = env_int("HOTSPOT_MIN_DISTINCT_COMPLAINANTS", 3)
HOTSPOT_BASELINE_WEEKS = env_int("HOTSPOT_BASELINE_WEEKS", 12)
HOTSPOT_GROWTH_FACTOR = env_int("HOTSPOT_GROWTH_FACTOR", 3)
HOTSPOT_MIN_SIGNALS = env_int("HOTSPOT_MIN_SIGNALS", 5)
HOTSPOT_BRAND_MIN_SELLERS = env_int("HOTSPOT_BRAND_MIN_SELLERS", 3)
HOTSPOT_BRAND_MIN_COUNTIES = env_int("HOTSPOT_BRAND_MIN_COUNTIES", 2)
# A known hotspot raises a new lead when its count grew by this factor since
# the last daily run.
HOTSPOT_ALERT_GROWTH_FACTOR = float(os.environ.get("HOTSPOT_ALERT_GROWTH_FACTOR", "1.5"))
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 3 * 365)
# Share of a legal clock's length after which it is due soon and the handler
# is reminded (issue 4, item 3).
CLOCK_REMINDER_FRACTION = float(os.environ.get("CLOCK_REMINDER_FRACTION", "0.8"))
# Same caller, or same business and product, within this many days is a
# possible duplicate at intake.
DUPLICATE_WINDOW_DAYS = int(os.environ.get("DUPLICATE_WINDOW_DAYS", "30"))
# Calendar days ahead that the queue highlights as due soon.
CASE_DUE_SOON_DAYS = int(os.environ.get("CASE_DUE_SOON_DAYS", "2"))
# Salt for the complainant hash kept in the search index instead of identity.
COMPLAINANT_HASH_SALT = os.environ.get("COMPLAINANT_HASH_SALT", SECRET_KEY)

# --- Security (production) ---------------------------------------------------
# /healthz tells everyone only "ok" or "degraded"; the checks' details (service
# versions, worker names) go to staff, or to a monitor sending this token in
# the X-Healthz-Token header.
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "core.masking.MaskPersonalDataFilter"}},
    # Every line is masked whole (message, arguments, traceback), percent-encoded
    # query strings of the access log included; core.apps also masks each
    # record when it is made, for handlers configured elsewhere.
    "formatters": {
        "plain": {
            "()": "core.masking.MaskingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's defaults give these loggers handlers of their own (the
        # development console, the runserver access log) that would bypass
        # the masking formatter; configured here without, they write through
        # the root's.
        "django": {"level": "INFO"},
        "django.server": {"level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # One line at every start.
        "axes.apps": {"level": "WARNING"},
        # One line per eager task drowns the demo's console.
        "celery.app.trace": {"level": "WARNING"},
        # The search clients log every request at INFO.
        "opensearch": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
    },
}
