"""Dealgraph settings: every secret and host comes from the environment; defaults suit local use only."""

import logging
from datetime import timedelta
from pathlib import Path

import csp.constants
import environ
from django.core.exceptions import ImproperlyConfigured

from core.logs import logging_config
from core.notice import DATA_NOTICE

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# PRODUCTION=true turns on every secure default below (each still overridable) and demands a real SECRET_KEY.
PRODUCTION = env.bool("PRODUCTION", default=False)
if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
else:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-only-dealgraph-dev-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "corsheaders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # knox holds the token code; its own token model is swapped for accounts.ApiToken (named, per client app).
    "knox",
    "axes",
    "django_guid",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "core",
    "accounts",
    "actors",
    "systems",
    "sources",
    "deals",
    # The citation resource, above the records it cites (no tables of its own).
    "citations",
    # Statistics over the deals (TIV tables, flows); no tables of its own.
    "stats",
    # The changes feed, which reads every record app's history (no tables of its own).
    "changes",
    # Intake: articles read into draft deals with their quotes, for curators to accept, merge or reject.
    "intake",
    # The explorer: the registry as server-rendered web pages, over the API's own views (no tables of its own).
    "explorer",
    # Benchmark tooling: the `generate_deals` command (bench/synthetic.py); no models.
    "bench",
]

MIDDLEWARE = [
    # Observability, first so that they see every request (docs/deploy.md, "Running it in public"): request metrics,
    # X-Request-ID, /healthz /readyz /metrics answered before anything else, one log line per request.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.request_id.request_id_middleware",
    "core.probes.ProbeMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Django's DEBUG error pages under /api/ become JSON.
    "core.api.errors.JsonErrorsMiddleware",
    # With DATABASE_REPLICA_URL: which database this request may read from (does nothing without one).
    "core.replicas.ReplicaRoutingMiddleware",
    # ETag on every GET, and 304 for a matching If-None-Match (streamed exports are left alone).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the request's user on every history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# A streaming read replica of the primary (docs/deploy.md): reads go there; writes, reads inside a transaction and a
# client's reads for REPLICA_PIN_SECONDS after it wrote stay on the primary. Off unless the URL is set.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    # Tests use the primary's test database under both names.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replicas.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
# The changes feed serves history rows only once they are this old, so that a write transaction still open, or a
# replica behind the primary, cannot commit rows behind a client's cursor (docs/api.md, "Keeping a mirror").
CHANGES_SETTLE_SECONDS = env.int("CHANGES_SETTLE_SECONDS", default=5)
# Reads prepare their fixed statements on PostgreSQL (core/api/representations/); turn off behind a pooler in
# transaction mode that does not carry prepared statements across server connections.
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production; plain finders locally so `make run` needs no collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if not PRODUCTION
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# The explorer's pages run no inline script or style and load nothing from elsewhere (docs/explorer.md): text from
# sources that slipped past escaping still could not run. The admin and the API's own HTML (the browsable API,
# Swagger UI, ReDoc) carry inline script of their own, so their paths are left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/"],
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF],
        "style-src": [csp.constants.SELF],
        "img-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.NONE],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
    },
}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Seconds an anonymous GET's response may be served from the cache above (core/response_cache.py); any write
# drops every entry at once. 0, the default, turns it off; it needs a cache all processes share (Redis).
RESPONSE_CACHE_SECONDS = env.int("RESPONSE_CACHE_SECONDS", default=0)

# Browser clients on these origins may call the API (comma-separated, e.g. https://dash.example.org).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["ETag", "X-Request-ID"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "if-match", "if-none-match", "user-agent"]

# Production hardening: on with PRODUCTION=true; each switch can still be set on its own.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
SERIALIZATION_MODULES = {"json": "core.serialization"}

# The seed fixtures loaded by `manage.py seed`, in the order they depend on each other.
SEED_FIXTURES = ["categories", "states", "seed_article", "groups", "state_names", "companies", "systems"]

# --- Running in public: client addresses, tokens, password guessing (docs/deploy.md) ---
# How many proxies in front append to X-Forwarded-For. 0: the socket's address is the client, and the header is
# ignored, so nobody can pick their own rate-limit budget. Behind one proxy, 1: the address that proxy appended.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# API tokens (django-rest-knox): only a SHA-512 digest is stored; the secret is shown once, when made.
# TOKEN_TTL_DAYS: days a new token lasts; 0 or empty: tokens never expire.
TOKEN_TTL_DAYS = int(env.str("TOKEN_TTL_DAYS", default="90").strip() or 0)
if TOKEN_TTL_DAYS < 0:
    raise ImproperlyConfigured("TOKEN_TTL_DAYS must be 0 (never expire) or a number of days.")
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own token table would go unused (and would block flushing the user table); its model is swapped out.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=TOKEN_TTL_DAYS) if TOKEN_TTL_DAYS > 0 else None,
    # Clients keep sending `Authorization: Token <key>`, as before tokens were hashed.
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 25,
}

# Password guessing (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one account from one address lock that
# pair out for LOGIN_COOLOFF_MINUTES; other accounts and addresses are unaffected. Lockouts are logged.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Not verbose: no start-up banner on every command's stdout; lockouts are still logged with account and address.
AXES_VERBOSE = False
AXES_RESET_ON_SUCCESS = True
# The same client address the throttles use (NUM_PROXIES above).
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_address"
# The lockout log line names the account and the address, so an operator can act on it.
AXES_SENSITIVE_PARAMETERS = []
# Failures and lockouts only: no table row per successful login.
AXES_DISABLE_ACCESS_LOG = True
# --- end of running in public ---

REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DealgraphPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.CurationAutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.PlainJSONFirstNegotiation",
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.OrjsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a request without credentials is told how to authenticate (401, not 403).
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ReadOrModelPermission"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # An empty value turns that limit off (say, when the proxy in front already limits rates).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/minute") or None,
        "user": env("THROTTLE_USER", default="1200/minute") or None,
    },
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Dealgraph API",
    "DESCRIPTION": (
        "An open registry of international arms-transfer deals in which every fact carries its evidence. "
        "Filter deals by party, system, category, kind, stage and years; every deal carries its quotes and sources."
        "\n\n" + DATA_NOTICE
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "actors.choices.ActorKind",
        "ActorAliasKindEnum": "actors.choices.AliasKind",
        "SystemAliasKindEnum": "systems.choices.SystemAliasKind",
        "DealKindEnum": "deals.choices.DealKind",
        "DealStatusEnum": "deals.choices.DealStatus",
        "ConditionEnum": "deals.choices.Condition",
        "DatePrecisionEnum": "deals.choices.DatePrecision",
        "ReviewStatusEnum": "deals.choices.ReviewStatus",
        "SourceKindEnum": "sources.choices.SourceKind",
        "StanceEnum": "sources.choices.Stance",
        "HedgeEnum": "sources.choices.Hedge",
    },
}

# --- Observability: logs, request ids, metrics (docs/deploy.md, "Running it in public") ---------------------------
# One line per request and per exception on stdout: JSON in production, readable text otherwise (`make run`).
LOG_FORMAT = env("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
# django-structlog: the request line at the end only; the client address is logged from the socket (core/logs.py)
# rather than through django-ipware, which believes X-Forwarded-For; the user is logged by name (core/logs.py).
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = None
# X-Request-ID: kept when valid (core/request_id.py checks it), drawn otherwise; CORS_EXPOSE_HEADERS exposes it.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": False, "EXPOSE_HEADER": False}
# /metrics beyond loopback: addresses or networks (comma-separated), and/or a bearer token (core/metrics.py).
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# stats.DeliveryFact's covering indexes carry their sums in INCLUDE columns on PostgreSQL; SQLite has no such
# columns and uses the same indexes by their keys alone, which is all it can do.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
