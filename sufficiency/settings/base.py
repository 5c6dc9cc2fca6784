"""Settings shared by every environment. Everything configurable comes from environment variables.

Secrets have no defaults here: `local.py` and `test.py` provide development values; a production
deployment must set them (see README "Configuration"). `<NAME>_FILE` variables are honoured for
secrets so they can come from Docker or Kubernetes secret files.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.smart_cast = False


def env_secret(name: str, default: str | None = None) -> str:
    """Read a secret from NAME or from the file named by NAME_FILE; fail loudly if neither is set."""
    file_var = f"{name}_FILE"
    if os.environ.get(file_var):
        return Path(os.environ[file_var]).read_text().strip()
    if default is None:
        return env.str(name)
    return env.str(name, default=default)


SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_celery_beat",
    "simple_history",
    "sufficiency.accounts",
    "sufficiency.api",
    "sufficiency.authorities",
    "placements",
    "forecasting",
    "sufficiency.dashboards",
    "sufficiency.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside everything that answers a signed-in person, so redirects and error pages are covered too.
    "sufficiency.accounts.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sufficiency.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The service's own 400/403/404 pages even with DEBUG on (never Django's technical page); inside the
    # authentication middleware so the pages carry the person's navigation.
    "sufficiency.core.middleware.ServiceErrorPagesMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sufficiency.urls"
WSGI_APPLICATION = "sufficiency.wsgi.application"

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
                "sufficiency.core.context_processors.navigation",
                "sufficiency.dashboards.context_processors.as_at_banner",
                "sufficiency.core.health.background_status",
            ],
            # date_long, date_short, money, money_short: the one formatting module, in every template.
            "builtins": ["sufficiency.core.templatetags.formatting"],
        },
    },
]

# SQLite file by default so that `make run` needs no database server; PostgreSQL in real deployments.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    # Every transaction takes SQLite's write lock when it begins (BEGIN IMMEDIATE), so checks made inside
    # it (e.g. "no other import of this authority is running") hold until it commits; a deferred
    # transaction that reads first and writes later fails with "database is locked" instead of waiting.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses sign-ins while an email address and IP address are locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sessions expire after inactivity (children's data): 8 working hours by default.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Uploads: 903 files for one authority over several years are a few MB; refuse anything huge.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# What a reader accepts from one file, checked before it is parsed (a small spreadsheet can unzip into
# gigabytes or declare millions of cells): data rows and columns of a table or sheet, and the bytes a
# spreadsheet's zip members may unzip to in total.
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=200_000)
UPLOAD_MAX_COLUMNS = env.int("UPLOAD_MAX_COLUMNS", default=500)
UPLOAD_MAX_CELLS = env.int("UPLOAD_MAX_CELLS", default=1_000_000)
UPLOAD_MAX_DECOMPRESSED_BYTES = env.int("UPLOAD_MAX_DECOMPRESSED_BYTES", default=50 * 1024 * 1024)
# The most memory (MB of address space) an import may add to its Celery worker process while it reads and
# writes the files; past it the job fails with a clear message (0: no limit). The largest accepted files
# need about 260-360 MB. Not applied with eager Celery (the import runs in the web process).
IMPORT_WORKER_MEMORY_MB = env.int("IMPORT_WORKER_MEMORY_MB", default=1024)
# Error reports name children (reference, dates): blanked this many days after their import finished.
IMPORT_REPORT_RETENTION_DAYS = env.int("IMPORT_REPORT_RETENTION_DAYS", default=30)
# A vacancy not confirmed for this many days is flagged stale and left out of the counts.
VACANCY_STALE_DAYS = env.int("VACANCY_STALE_DAYS", default=14)
# Placement finding: the least Ofsted judgement the matching search accepts by default (outstanding, good,
# requires_improvement or any); supported accommodation's outcome 1 counts as good.
MATCHING_MIN_JUDGEMENT = env.str("MATCHING_MIN_JUDGEMENT", default="good")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Cache ----------------------------------------------------------------------------------------------
# API throttle counters (and the region page's short-lived cache) must be shared by every web process, or
# each gunicorn worker would allow the full rate: set CACHE_URL (e.g. redis://redis:6379/2) in deployments.
# A Redis outage must not take the API down with it: the cache then misses and throttles let requests
# through until Redis is back (logged). Without CACHE_URL each process keeps its own in-memory cache.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "sufficiency",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Celery -------------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env.bool("USE_CELERY_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://" if CELERY_TASK_ALWAYS_EAGER else REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=20 * 60)
# Redelivery after a lost worker: must exceed the hard time limit so a long job is not run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=30 * 60),
    # Queues are consumed in the order of CELERY_TASK_QUEUES: "rollups" only when "celery" is empty.
    "queue_order_strategy": "priority",
}
# Two queues, both consumed by every worker (`celery worker` without -Q). "celery" holds the work people
# wait for (imports, forecasts, board publishing); "rollups" the dashboards' recomputation that follows
# each import and forecast, so a night's 150 forecasts are never queued behind their own rollups.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = tuple(Queue(name, Exchange(name), routing_key=name) for name in ("celery", "rollups"))
CELERY_TASK_ROUTES = {"dashboards.rollup_execute": {"queue": "rollups"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# `load_demo` creates synthetic authorities' data and demo accounts with a published password: it refuses
# to run unless this is on (local and test settings turn it on; never set it in production).
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)
# The demo app (generator, loader, `load_demo`) is installed only where demo data is allowed: elsewhere the
# command does not exist and no demo code is loaded.
if DEMO_DATA_ALLOWED:
    INSTALLED_APPS.append("sufficiency.demo")

# --- Forecasting -------------------------------------------------------------------------------------
FORECAST_HORIZON_MONTHS = env.int("FORECAST_HORIZON_MONTHS", default=36)
FORECAST_REFERENCE_YEARS = env.int("FORECAST_REFERENCE_YEARS", default=3)
FORECAST_PATHS = env.int("FORECAST_PATHS", default=1000)
# After an import, wait this long before forecasting, so several imports in a row make one run.
FORECAST_DEBOUNCE_SECONDS = env.int("FORECAST_DEBOUNCE_SECONDS", default=60)

# --- KPIs -------------------------------------------------------------------------------------------------
# A region's comparators, counted once, are shared by its authorities' rollups for at most this long while
# the region's register is unchanged (sufficiency/reports/kpi_snapshots.py). 0 counts them every time.
KPI_REGIONAL_REUSE_SECONDS = env.int("KPI_REGIONAL_REUSE_SECONDS", default=60 * 60)

# --- REST framework ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Bearer` makes unauthenticated requests 401 (not 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sufficiency.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "sufficiency.core.api.ApiSchema",
    # Pagination and throttling are set on the base viewsets in sufficiency.core.api (naming them here would
    # import that module while DRF itself is loading).
    "EXCEPTION_HANDLER": "sufficiency.core.api.api_exception_handler",
}
# Per API client (token), per signed-in person, per anonymous address. A client may override its rate.
API_THROTTLE_RATES = {
    "client": env.str("API_THROTTLE_RATE_CLIENT", default="1200/hour"),
    "user": env.str("API_THROTTLE_RATE_USER", default="1200/hour"),
    "anon": env.str("API_THROTTLE_RATE_ANON", default="60/hour"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sufficiency API",
    "DESCRIPTION": "Placement sufficiency data for local authorities and their regional partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (no CDN), its start-up script from a URL (CSP: no inline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # One name for each choice set used by several fields (placement requests' suitabilities and risks).
    "ENUM_NAME_OVERRIDES": {
        "SuitabilityEnum": "placements.choices.SuitabilityChoices",
        "RiskLevelEnum": "placements.choices.RiskLevelChoices",
        "PlanningCategoryEnum": "placements.choices.PlanningCategoryChoices",
    },
}

# --- Email (password reset links) ---------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.gov.uk:587 (or EMAIL_URL_FILE); the default is an
# SMTP relay on the same host. local.py prints emails to the console; tests keep them in memory.
vars().update(environ.Env.email_url_config(env_secret("EMAIL_URL", default="smtp://localhost:25")))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Sufficiency <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A reset link works once and for one hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=60 * 60)
# Reset emails to one account per hour, at most (further requests get the same page and no email).
PASSWORD_RESET_EMAILS_PER_HOUR = env.int("PASSWORD_RESET_EMAILS_PER_HOUR", default=3)

# --- Accounts: lockout, two-factor authentication, content security policy -------------------------
# django-axes: 5 failed sign-ins for the same email address from the same IP address lock it for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Django's sign-in form posts the email address as "username" (axes would otherwise look for "email").
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "sufficiency.accounts.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are still logged as warnings; no banner on every start
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
PROXY_COUNT = AXES_IPWARE_PROXY_COUNT  # the audit trail's client address trusts the same proxies
# django-otp: TOTP (authenticator apps). Required for staff (the Django admin) and for the roles named in
# TWO_FACTOR_ROLES (comma-separated role codes; default: administrator), optional for everyone else.
TWO_FACTOR_ROLES = env.list("TWO_FACTOR_ROLES", default=["administrator"])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Sufficiency")
# --- Single sign-on (OpenID Connect, e.g. Microsoft Entra ID) ------------------------------------------
# On when OIDC_RP_CLIENT_ID is set (sufficiency/accounts/oidc.py); local passwords keep working beside it.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
if OIDC_RP_CLIENT_ID:
    OIDC_RP_CLIENT_SECRET = env_secret("OIDC_RP_CLIENT_SECRET")
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "sufficiency.accounts.oidc.CouncilOIDCBackend"]
# The provider's discovery document, e.g. https://login.microsoftonline.com/<tenant>/v2.0/.well-known/
# openid-configuration; or give the endpoints one by one (they win over discovery).
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")  # "Sign in with <name>"
OIDC_EMAIL_CLAIM = env.str("OIDC_EMAIL_CLAIM", default="email")  # Entra ID: email or preferred_username
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
# The provider enforces two factors for everyone who signs in here (then ours is not asked for), even
# when its tokens carry no `amr` claim saying so.
OIDC_PROVIDER_ENFORCES_MFA = env.bool("OIDC_PROVIDER_ENFORCES_MFA", default=False)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for signing out at the provider too
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
# django-csp 4: no inline scripts or styles, nothing from other origins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if OIDC_RP_CLIENT_ID:
    # Signing out is a form whose answer redirects to the provider's end-session page: browsers apply
    # form-action to that redirect, so the provider's origin is allowed (and nothing else).
    from urllib.parse import urlsplit

    _op_url = urlsplit(OIDC_OP_LOGOUT_ENDPOINT or OIDC_OP_DISCOVERY_URL or OIDC_OP_AUTHORIZATION_ENDPOINT)
    if _op_url.scheme and _op_url.netloc:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_op_url.scheme}://{_op_url.netloc}")

# --- Product settings ---------------------------------------------------------------------------------
# Audit events are kept this many days before `manage.py prune_audit` removes them.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=7 * 365)
# Where import error reports and other generated files are kept (not child-level data).
IMPORT_ERROR_REPORT_MAX_ROWS = 50_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The audit trail is the AuditEvent table; its log line per event (tens of thousands while the
        # demo loads) reaches the console only when asked for, e.g. AUDIT_LOG_LEVEL=INFO to ship it to a
        # log store as well.
        "sufficiency.audit": {"level": env.str("AUDIT_LOG_LEVEL", default="WARNING")},
        # WeasyPrint logs every step of every PDF it lays out.
        "weasyprint": {"level": "WARNING"},
    },
}
