"""Settings for the Efficiency Portal, driven by environment variables.

With no DATABASE_URL and no REDIS_URL the portal runs on an embedded default: SQLite in ``var/`` and Celery on
kombu's filesystem transport, so one command brings up the web server and the periodic work without any service.
Every domain number (time limits, thresholds) is a setting here or a field in the database, never a code literal.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # manage.py marks the commands that read only the code (makemigrations, makemessages, compilemessages).
    if not DEBUG and os.environ.get("PORTAL_CODE_ONLY_COMMAND") != "1":
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG is on.")
    # Only for local development and code-only commands: a fixed, visibly insecure key.
    SECRET_KEY = "django-insecure-development-only-key-change-me-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "efficiency_portal.common",
    "efficiency_portal.accounts",
    "efficiency_portal.audit",
    "efficiency_portal.org",
    "efficiency_portal.workdays",
    "efficiency_portal.notifications",
    "efficiency_portal.supervision",
    "efficiency_portal.search",
    "approvals",
    "complaints",
    "credit",
    "assessment",
    "efficiency_portal.supervised_tasks",
    "efficiency_portal.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A 503 page that keeps what was typed when PostgreSQL cannot be reached (also handler500 in urls.py).
    "efficiency_portal.common.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "efficiency_portal.common.display.DisplayModeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "efficiency_portal.audit.middleware.RequestContextMiddleware",
    "efficiency_portal.common.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "efficiency_portal.urls"
WSGI_APPLICATION = "efficiency_portal.wsgi.application"
ASGI_APPLICATION = "efficiency_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "efficiency_portal.common.context_processors.navigation",
                "efficiency_portal.common.display.display",
                "efficiency_portal.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections, checked before reuse, so that a PostgreSQL restart costs one failed request at most.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            # The web server and the Celery worker share this file; wait for the other's write lock.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
    # The covering indexes of the statistics tables (INCLUDE columns) are a PostgreSQL feature; SQLite builds them
    # without the extra columns, which only costs speed on the embedded demo database.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds to wait for Redis before treating it as down (the cache then fails soft: efficiency_portal/common/cache.py).
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "efficiency_portal.common.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and security
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "efficiency_portal.accounts.backends.UsernamePhoneOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email", "display_name", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
# Where sign-in and registration send a person when no ``?next=`` says otherwise: by role, where their work is
# (efficiency_portal/common/landing.py); LOGIN_REDIRECT_URL when no rule fits.
LOGIN_LANDING = "efficiency_portal.common.landing.landing_url"
LOGOUT_REDIRECT_URL = "home"

# Lock an account+address pair after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts the cool-off from the failure that caused it; refused attempts meanwhile neither count nor extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "efficiency_portal.accounts.views.locked_out"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Sessions end after inactivity: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Only scripts/run.sh with DEBUG=0 (plain http on a local machine) turns these off.
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# A filing's receipt keeps its secret this long, for the done page and for a retry of a lost answer; the receipt
# itself (the number, to refuse a reused key with other content) is dropped RECEIPT_KEEP_DAYS later.
RECEIPT_SECRET_MINUTES = env_int("RECEIPT_SECRET_MINUTES", 60)
RECEIPT_KEEP_DAYS = env_int("RECEIPT_KEEP_DAYS", 7)

# --- Audit log
AUDIT_PAGE_SIZE = env_int("AUDIT_PAGE_SIZE", 50)
# An export is one workbook built in memory; beyond this many rows, narrow the filter.
AUDIT_EXPORT_MAX_ROWS = env_int("AUDIT_EXPORT_MAX_ROWS", 100_000)

# --- Internationalisation: Chinese first, English second
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Applicants' and complainants' files: outside the web root, served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024
# Types are recognised from the file's content, never from its name.
UPLOAD_ALLOWED_TYPES = env_list("UPLOAD_ALLOWED_TYPES", "application/pdf,image/jpeg,image/png")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private-files-are-not-served/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail and SMS
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Absolute links in e-mail and SMS (the portal's public address, no trailing slash).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "效能监督平台 <noreply@efficiency.example.gov.cn>")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "efficiency_portal.notifications.sms.LogSmsBackend")
# Non-urgent SMS go out only from SMS_SEND_FROM until SMS_SEND_UNTIL (local time); outside, they are held.
SMS_SEND_FROM = os.environ.get("SMS_SEND_FROM", "08:00")
SMS_SEND_UNTIL = os.environ.get("SMS_SEND_UNTIL", "21:00")
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 200)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# A sender that has not recorded an outcome within this time is presumed dead; its rows are claimed again.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 120)
# Retries wait OUTBOX_RETRY_BASE_SECONDS * 2^(attempt-1), at most OUTBOX_RETRY_MAX_SECONDS.
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)

# --- Working days and deadlines
# The deadline moment of a working day (local time); a due date means "before this moment on that day".
WORKDAY_ENDS_AT = os.environ.get("WORKDAY_ENDS_AT", "17:30")
# A deadline turns yellow this many working days before it is due.
DEADLINE_YELLOW_WORKING_DAYS = env_int("DEADLINE_YELLOW_WORKING_DAYS", 1)
# Approvals (行政许可法 §32, §42–45): pre-review window, supplement rule, longest extension.
APPROVALS_PRE_REVIEW_DAYS = env_int("APPROVALS_PRE_REVIEW_DAYS", 5)
APPROVALS_SUPPLEMENT_MODE = os.environ.get("APPROVALS_SUPPLEMENT_MODE", "restart")  # or "pause"
APPROVALS_MAX_EXTENSION_DAYS = env_int("APPROVALS_MAX_EXTENSION_DAYS", 10)
# The n-th red card of a department within a month flags a talk (约谈).
APPROVALS_TALK_AFTER_RED_CARDS = env_int("APPROVALS_TALK_AFTER_RED_CARDS", 2)
# Catalogue and 权责清单 search (docs/approvals.md): a synonym's words count this much of a typed word; a
# suggestion (您是不是要找) needs at least this similarity; popularity (cases received in the last
# SEARCH_POPULARITY_DAYS) multiplies relevance by 1 + weight × ln(1 + cases).
SEARCH_SYNONYM_WEIGHT = float(os.environ.get("SEARCH_SYNONYM_WEIGHT", "0.8"))
SEARCH_SUGGEST_CUTOFF = float(os.environ.get("SEARCH_SUGGEST_CUTOFF", "0.6"))
SEARCH_POPULARITY_WEIGHT = float(os.environ.get("SEARCH_POPULARITY_WEIGHT", "0.1"))
SEARCH_POPULARITY_DAYS = env_int("SEARCH_POPULARITY_DAYS", 365)
# An absence longer than this must be registered as an away notice (去向告知).
AWAY_NOTICE_MIN_MINUTES = env_int("AWAY_NOTICE_MIN_MINUTES", 30)
# Complaints (效能投诉) and service ratings (好差评); see docs/complaints.md.
COMPLAINTS_ACCEPT_DAYS = env_int("COMPLAINTS_ACCEPT_DAYS", 3)
COMPLAINTS_CONCLUDE_DAYS = env_int("COMPLAINTS_CONCLUDE_DAYS", 15)
COMPLAINTS_MAX_EXTENSION_DAYS = env_int("COMPLAINTS_MAX_EXTENSION_DAYS", 15)
COMPLAINTS_REOPEN_WINDOW_DAYS = env_int("COMPLAINTS_REOPEN_WINDOW_DAYS", 15)  # calendar days after the reply
COMPLAINTS_ENCRYPTION_KEY = os.environ.get("COMPLAINTS_ENCRYPTION_KEY", "")  # empty: derived from SECRET_KEY
# Keys used before COMPLAINTS_ENCRYPTION_KEY, still read (never written) during a rotation; see docs/operations.md.
COMPLAINTS_ENCRYPTION_OLD_KEYS = env_list("COMPLAINTS_ENCRYPTION_OLD_KEYS")
# HMAC keys of the tracking secrets, the current one first (empty: derived from SECRET_KEY); see
# efficiency_portal/common/tracking_secrets.py for the rotation.
TRACKING_SECRET_KEYS = env_list("TRACKING_SECRET_KEYS")
COMPLAINTS_FILING_LIMIT = env_int("COMPLAINTS_FILING_LIMIT", 10)  # filings per address per window
COMPLAINTS_FILING_WINDOW_SECONDS = env_int("COMPLAINTS_FILING_WINDOW_SECONDS", 3600)
COMPLAINTS_CAPTCHA_AFTER = env_int("COMPLAINTS_CAPTCHA_AFTER", 3)  # a captcha from this many filings on
COMPLAINTS_UPLOAD_MAX_BYTES = env_int("COMPLAINTS_UPLOAD_MAX_MB", 10) * 1024 * 1024
COMPLAINTS_MAX_ATTACHMENTS = env_int("COMPLAINTS_MAX_ATTACHMENTS", 5)
# Files on one complaint in all, with the evidence added after filing.
COMPLAINTS_MAX_ATTACHMENTS_IN_ALL = env_int("COMPLAINTS_MAX_ATTACHMENTS_IN_ALL", 10)
COMPLAINTS_CAUTION_FLAG_COUNT = env_int("COMPLAINTS_CAUTION_FLAG_COUNT", 2)  # 效能告诫 in 12 months flagged
# Failed look-ups of a complaint (page, API, Open311) per address before it is refused for the window.
COMPLAINTS_TRACK_FAILURE_LIMIT = env_int("COMPLAINTS_TRACK_FAILURE_LIMIT", 10)
COMPLAINTS_TRACK_FAILURE_WINDOW_SECONDS = env_int("COMPLAINTS_TRACK_FAILURE_WINDOW_SECONDS", 600)
RATINGS_DEFAULT_AFTER_DAYS = env_int("RATINGS_DEFAULT_AFTER_DAYS", 7)
RATINGS_DEFAULT_ENABLED = env_bool("RATINGS_DEFAULT_ENABLED", True)  # unrated → 基本满意
RATINGS_CONTACT_DAYS = env_int("RATINGS_CONTACT_DAYS", 1)
RATINGS_RECTIFY_DAYS = env_int("RATINGS_RECTIFY_DAYS", 5)
RATINGS_WINDOW_LIMIT = env_int("RATINGS_WINDOW_LIMIT", 10)  # window ratings per address per filing window
RATINGS_SCORES = {5: 100, 4: 80, 3: 60, 2: 40, 1: 0}  # level → satisfaction score on 0–100
# The elder mode (长辈版) is remembered per browser in this cookie for this many days (common/display.py).
DISPLAY_MODE_COOKIE_NAME = "portal_display"
DISPLAY_MODE_COOKIE_DAYS = env_int("DISPLAY_MODE_COOKIE_DAYS", 365)
# Dashboards: how long the case figures summed from the pre-aggregated rows are kept (0: read them every time).
DASHBOARD_CASE_FIGURES_SECONDS = env_int("DASHBOARD_CASE_FIGURES_SECONDS", 300)

# --- Celery
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": max(REDIS_TIMEOUT_SECONDS, 5.0),
    }
else:
    # Embedded broker: kombu's filesystem transport keeps messages as files under var/, so the worker and
    # beat run with nothing else installed. Good for one machine; production uses Redis.
    _broker_dir = VAR_DIR / "celery-broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    # The host name only keeps kombu from warning that none was given. The transport is kombu's filesystem one with
    # atomic message files (efficiency_portal/common/broker.py).
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT = "efficiency_portal.common.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # The exchange tables, which kombu otherwise writes to a "control" folder in the working directory.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A web request queues work on commit; with the broker down it tries once more and goes on (common.tasks.enqueue):
# the periodic runs of beat pick the work up when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Past one box (docs/scale-out.md): CELERY_SEPARATE_QUEUES=1 sends sweeps, notifications and reports to queues of
# their own, so that a slow assessment run never holds up the outbox; each worker then names its queues with -Q.
# Off by default: the embedded worker and a single production worker consume the default queue only.
CELERY_SEPARATE_QUEUES = env_bool("CELERY_SEPARATE_QUEUES", False)
if CELERY_SEPARATE_QUEUES:
    CELERY_TASK_ROUTES = {
        "supervision.sweep_deadlines": {"queue": "sweeps"},
        "approvals.sync_cards": {"queue": "sweeps"},
        "approvals.auto_accept_overdue": {"queue": "sweeps"},
        "approvals.propose_credit_for_red_cards": {"queue": "sweeps"},
        "complaints.default_ratings": {"queue": "sweeps"},
        "credit.expire_entries": {"queue": "sweeps"},
        "common.purge_receipts": {"queue": "sweeps"},
        "notifications.send_outbox": {"queue": "notifications"},
        "approvals.refresh_daily_stats": {"queue": "reports"},
        "assessment.run_period": {"queue": "reports"},
        "assessment.requeue_waiting_runs": {"queue": "reports"},
    }
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "supervision.sweep_deadlines",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # After each sweep has raised its warnings, turn those on case clocks into cards.
    "sync-cards": {
        "task": "approvals.sync_cards",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # The statistics pages read daily figures; today's and yesterday's are recomputed set-based.
    "refresh-daily-stats": {
        "task": "approvals.refresh_daily_stats",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    "auto-accept-overdue": {
        "task": "approvals.auto_accept_overdue",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    # Finished cases not rated within RATINGS_DEFAULT_AFTER_DAYS count as 基本满意.
    "default-ratings": {
        "task": "complaints.default_ratings",
        "schedule": crontab(minute=15),
        "options": {"expires": 3000},
    },
    # Red cards propose credit deductions for a supervisor to confirm; credit entries past their validity expire.
    "propose-credit-for-red-cards": {
        "task": "approvals.propose_credit_for_red_cards",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    "expire-credit-entries": {
        "task": "credit.expire_entries",
        "schedule": crontab(minute=5, hour=0),
        "options": {"expires": 3000},
    },
    # Runs of assessment periods queued while the broker was away are sent again.
    "requeue-assessment-runs": {
        "task": "assessment.requeue_waiting_runs",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Filing receipts forget their secrets after RECEIPT_SECRET_MINUTES.
    "purge-receipts": {
        "task": "common.purge_receipts",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    "send-outbox": {
        "task": "notifications.send_outbox",
        "schedule": env_int("OUTBOX_INTERVAL_SECONDS", 5),
        "options": {"expires": 30},
    },
}

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Integrations send "Authorization: Token <key>"; keys are issued in the admin or with drf_create_token.
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Efficiency Portal API",
    "DESCRIPTION": _("API of the administrative efficiency supervision portal"),
    "VERSION": "1.0.0",
    # Swagger UI served by the portal itself, so the API docs work without reaching a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a choice field named "kind"; give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "efficiency_portal.org.models.Department.Kind",
        "SpecialDayKindEnum": "efficiency_portal.workdays.models.SpecialDay.Kind",
        "UserKindEnum": "efficiency_portal.accounts.models.User.Kind",
        "ItemKindEnum": "approvals.models.catalogue.ItemKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
