"""One settings module, driven by environment variables.

ZONELEDGER_ENV         "development" (default) or "production"
DATABASE_URL           default: SQLite file at $ZONELEDGER_DATA_DIR/zoneledger.sqlite3
ZONELEDGER_DATA_DIR    default: ./var (created on first use)
SECRET_KEY             required in production
ALLOWED_HOSTS          comma-separated, production only
DEBUG                  "1" shows Django's debug pages (a developer's choice; off by default, the demo too)
ZONELEDGER_NOTIFY_EMAIL "1" e-mails notifications too (off by default); with EMAIL_HOST, EMAIL_PORT,
                       EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL and
                       ZONELEDGER_SITE_URL (the address links in the e-mails start with)
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = os.environ.get("ZONELEDGER_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = Path(os.environ.get("ZONELEDGER_DATA_DIR", "var")).resolve()

DEVELOPMENT_SECRET_KEY = "zoneledger-development-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Off unless a developer asks (DEBUG=1): the demo shows the product's own error pages, never Django's debug pages.
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = (
    os.environ.get("ALLOWED_HOSTS", "").split(",") if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "ninja",  # its Swagger UI's files are then served from here, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "zoneledger.core",
    "zoneledger.jobs",
    "zoneledger.audit",
    "zoneledger.ops",
    "zoneledger.zones",
    "zoneledger.accounts",
    "zoneledger.workdays",
    "zoneledger.notifications",
    "zoneledger.enterprises",
    "zoneledger.chains",
    "zoneledger.campaigns",
    "zoneledger.projects",
    "zoneledger.problems",
    "zoneledger.progress",
    "zoneledger.milestones",
    "zoneledger.approvals",
    "zoneledger.reports",
    "zoneledger.ingest",
    "zoneledger.demo",
]

MIDDLEWARE = [
    "zoneledger.ops.middleware.RequestMetricsMiddleware",  # outermost: it times and counts every answer
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "zoneledger.accounts.middleware.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zoneledger.core.middleware.DatabaseBusyMiddleware",  # outside the session's: its save may meet the lock
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zoneledger.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zoneledger.core.middleware.DomainErrorMiddleware",
    "zoneledger.accounts.middleware.SessionPolicyMiddleware",
    "zoneledger.accounts.probes.ProbeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zoneledger.urls"
WSGI_APPLICATION = "zoneledger.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zoneledger.menu.site_header",
            ],
        },
    },
]


def _database_settings():
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'zoneledger.sqlite3'}"
    # Connections are kept between requests: a new SQLite connection reads the whole schema again before its first
    # query, about 10 ms of every signed-in page under gunicorn (docs/PERFORMANCE.md, "Load").
    config = dj_database_url.parse(url, conn_max_age=600 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN, where SQLite
        # waits for it (a read transaction upgrading to write mid-way would fail at once). A writer waits this long
        # for another's transaction, then the page says "busy, try again" (core/middleware.py).
        busy_ms = int(float(os.environ.get("ZONELEDGER_SQLITE_BUSY_SECONDS", "20")) * 1000)
        config["OPTIONS"] = {
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={busy_ms};",
            "transaction_mode": "IMMEDIATE",
            "timeout": busy_ms / 1000,
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # JIT spends ~1 s compiling the figures' queries (their correlated subqueries look costly to the planner)
        # that then run in 0.2 s; short queries never gain from it (docs/PERFORMANCE.md, "Figures").
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zoneledger.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "zoneledger.accounts.passwords.PasswordHistoryValidator"},
]
# 等保 practice asks for three character classes; ASVS forbids composition rules (set 0 to follow ASVS).
ZONELEDGER_PASSWORD_MIN_CLASSES = int(os.environ.get("ZONELEDGER_PASSWORD_MIN_CLASSES", "3"))
# 等保 practice: change every 90 days; ASVS forbids forced rotation (set 0 to follow ASVS).
ZONELEDGER_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ZONELEDGER_PASSWORD_MAX_AGE_DAYS", "90"))
ZONELEDGER_PASSWORD_HISTORY = int(os.environ.get("ZONELEDGER_PASSWORD_HISTORY", "5"))

# Access control and hardening: docs/SECURITY.md explains each choice.
AUTHENTICATION_BACKENDS = [
    "zoneledger.accounts.backends.LockoutBackend",
    "zoneledger.accounts.backends.AccountBackend",
]
# accounts/lockout.py: an address waits 1, 2, 4, 8 s after its failures and is locked at the fifth; an account is
# locked at its tenth failure, from whatever addresses (so never by one address alone).
AXES_FAILURE_LIMIT = 5
ZONELEDGER_LOCKOUT_ACCOUNT_FAILURES = int(os.environ.get("ZONELEDGER_LOCKOUT_ACCOUNT_FAILURES", "10"))
ZONELEDGER_LOGIN_DELAY_SECONDS = float(os.environ.get("ZONELEDGER_LOGIN_DELAY_SECONDS", "1"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ZONELEDGER_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # what a failure is recorded by
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a try refused unchecked is no failure
AXES_RESET_ON_SUCCESS = True  # clears the failures against the account that logged in, and only those:
AXES_HANDLER = "zoneledger.accounts.lockout.AccountLockoutHandler"
AXES_LOCKOUT_CALLABLE = "zoneledger.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are in the audit trail already
OTP_TOTP_ISSUER = "zoneledger"
ZONELEDGER_SESSION_IDLE_MINUTES = int(os.environ.get("ZONELEDGER_SESSION_IDLE_MINUTES", "30"))
ZONELEDGER_SESSION_MAX_HOURS = int(os.environ.get("ZONELEDGER_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = ZONELEDGER_SESSION_MAX_HOURS * 3600
SESSION_ENGINE = "zoneledger.core.sessions"  # Django's database sessions; a busy database is a 503, not a 400
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("ZONELEDGER_SSL_REDIRECT", "1") == "1"
# The health check answers on plain HTTP too: a load balancer or a local probe asks it on the internal address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
BEHIND_PROXY = os.environ.get("ZONELEDGER_BEHIND_PROXY") == "1"
if BEHIND_PROXY:  # TLS ends at a reverse proxy that sets X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (lockout per address, the audit's source address, rate limits): core/addresses.py believes
# this header only from these proxies. Behind the documented proxy (nginx on the same host) both have defaults.
ZONELEDGER_PROXY_HEADER = os.environ.get("ZONELEDGER_PROXY_HEADER", "X-Forwarded-For" if BEHIND_PROXY else "")
ZONELEDGER_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(proxy.strip(), strict=False))  # a mistyped address stops the start, not a request
    for proxy in os.environ.get("ZONELEDGER_TRUSTED_PROXIES", "127.0.0.1,::1" if BEHIND_PROXY else "").split(",")
    if proxy.strip()
]
AXES_CLIENT_IP_CALLABLE = "zoneledger.core.addresses.client_address"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# The API's tokens (accounts/tokens.py): this many refused tokens from one address within the minutes, then 429.
ZONELEDGER_API_TOKEN_FAILURES = int(os.environ.get("ZONELEDGER_API_TOKEN_FAILURES", "10"))
ZONELEDGER_API_TOKEN_FAILURE_MINUTES = int(os.environ.get("ZONELEDGER_API_TOKEN_FAILURE_MINUTES", "10"))
# The API's own limits (zoneledger/api.py): requests a minute per token (0: none), and a request body's size.
ZONELEDGER_API_RATE_PER_MINUTE = int(os.environ.get("ZONELEDGER_API_RATE_PER_MINUTE", "600"))
ZONELEDGER_API_MAX_BODY_KB = int(os.environ.get("ZONELEDGER_API_MAX_BODY_KB", "256"))
ZONELEDGER_UPLOAD_MAX_BYTES = int(os.environ.get("ZONELEDGER_UPLOAD_MAX_MB", "20")) * 1024 * 1024
# Photos of monthly reports and problems (core/attachments.py): per file, per report or problem, and in pixels.
ZONELEDGER_ATTACHMENT_MAX_BYTES = int(os.environ.get("ZONELEDGER_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ZONELEDGER_ATTACHMENT_MAX_COUNT = int(os.environ.get("ZONELEDGER_ATTACHMENT_MAX_COUNT", "9"))
ZONELEDGER_ATTACHMENT_MAX_PIXELS = int(os.environ.get("ZONELEDGER_ATTACHMENT_MAX_PIXELS", str(50_000_000)))
# A request carries at most one object's photos (more is Django's 400 before any view runs).
DATA_UPLOAD_MAX_NUMBER_FILES = max(5, ZONELEDGER_ATTACHMENT_MAX_COUNT)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Development serves from the finders; WhiteNoise still wants the collected folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Import safety (ingest/reader.py): the workbook's size, and what its ZIP may hold before anything is unpacked.
ZONELEDGER_IMPORT_MAX_BYTES = int(os.environ.get("ZONELEDGER_IMPORT_MAX_MB", "20")) * 1024 * 1024
ZONELEDGER_IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("ZONELEDGER_IMPORT_MAX_UNPACKED_MB", "400")) * 1024 * 1024
ZONELEDGER_IMPORT_MAX_ENTRIES = int(os.environ.get("ZONELEDGER_IMPORT_MAX_ENTRIES", "1000"))
# An .ods states repeated cells as a count; the cells its sheets span once counts are multiplied out.
ZONELEDGER_IMPORT_MAX_CELLS = int(os.environ.get("ZONELEDGER_IMPORT_MAX_CELLS", "6000000"))
# What reading one .xlsx may hold (ingest/xlsx.py, Budget): its shared strings' part unpacked and their count, and
# one row's XML (one giant cell); the cells above count for every format.
ZONELEDGER_IMPORT_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("ZONELEDGER_IMPORT_MAX_SHARED_STRINGS_MB", "64")) << 20
ZONELEDGER_IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("ZONELEDGER_IMPORT_MAX_SHARED_STRINGS", "1000000"))
ZONELEDGER_IMPORT_MAX_ROW_BYTES = int(os.environ.get("ZONELEDGER_IMPORT_MAX_ROW_MB", "16")) * 2**20
# Imports waiting or running per user (more uploads are refused until one finishes): jobs run a few at a time.
ZONELEDGER_IMPORT_JOBS_PER_USER = int(os.environ.get("ZONELEDGER_IMPORT_JOBS_PER_USER", "3"))

# Background work (jobs/): Django's tasks framework, stored in the database, run by `zoneledger worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ZONELEDGER_WORKER_CONCURRENCY = int(os.environ.get("ZONELEDGER_WORKER_CONCURRENCY", "2"))
ZONELEDGER_JOB_HEARTBEAT_SECONDS = 10
# A running job whose worker has been silent this long died with it (its transaction rolled back): it is failed.
ZONELEDGER_JOB_STALE_SECONDS = int(os.environ.get("ZONELEDGER_JOB_STALE_SECONDS", "120"))
ZONELEDGER_JOB_RESULT_MAX_BYTES = 2 * 1024 * 1024
ZONELEDGER_JOB_KEEP_HOURS = 24
# Files the product keeps (a job's upload): Django's storage API, a folder here by default. Never served as is.
MEDIA_ROOT = DATA_DIR / "files"

# Notifications (notifications/services.py): in-app always; e-mailed as well only where a mail server is configured.
ZONELEDGER_NOTIFY_EMAIL = os.environ.get("ZONELEDGER_NOTIFY_EMAIL", "0") == "1"
ZONELEDGER_SITE_URL = os.environ.get("ZONELEDGER_SITE_URL", "http://127.0.0.1:8000")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": os.environ.get("EMAIL_USE_TLS", "0") == "1",
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zoneledger@localhost")

# The province "province" names at the command line and that the demo ledger is in (a GB/T 2260 province code).
# A signed-in user's "province" is always their own.
ZONELEDGER_HOME_PROVINCE = os.environ.get("ZONELEDGER_HOME_PROVINCE", "140000")

# 签约未开工 warning thresholds, in days since signing (DOMAIN.md §5).
ZONELEDGER_WARNING_YELLOW_DAYS = int(os.environ.get("ZONELEDGER_WARNING_YELLOW_DAYS", "90"))
ZONELEDGER_WARNING_RED_DAYS = int(os.environ.get("ZONELEDGER_WARNING_RED_DAYS", "180"))

# Milestones (milestones/schedule.py): a milestone is yellow when due within this many calendar days (DOMAIN.md §9).
ZONELEDGER_MILESTONE_YELLOW_DAYS = int(os.environ.get("ZONELEDGER_MILESTONE_YELLOW_DAYS", "7"))

# Monthly reports (DOMAIN.md §9): a month is due by this day of the next month (未按时填报 after it), and a project is
# 低于序时进度 when its approved cumulative investment is below this share of its planned cumulative.
ZONELEDGER_REPORT_DUE_DAY = int(os.environ.get("ZONELEDGER_REPORT_DUE_DAY", "5"))
ZONELEDGER_PLAN_WARNING_SHARE = os.environ.get("ZONELEDGER_PLAN_WARNING_SHARE", "0.8")

# Working days (core/calendar.py): a year neither the chinese-calendar package nor the province has entered is
# "error" (asking for one of its days raises a message for the user) or "weekends" (Monday–Friday, a guess).
ZONELEDGER_CALENDAR_UNKNOWN_YEAR = os.environ.get("ZONELEDGER_CALENDAR_UNKNOWN_YEAR", "error")

# Out-of-scope probes (accounts/probes.py): a signed-in user's 404s on the product's pages are audited; more than
# this many within the window hold back their pages that name an object (429) for the window's length.
ZONELEDGER_PROBE_LIMIT = int(os.environ.get("ZONELEDGER_PROBE_LIMIT", "20"))
ZONELEDGER_PROBE_WINDOW_MINUTES = int(os.environ.get("ZONELEDGER_PROBE_WINDOW_MINUTES", "10"))

# The audit chains' checkpoints (audit/anchors.py, docs/SECURITY.md): each chain's head, signed (HMAC-SHA256) with a
# key that is not in the database, appended to a file outside it and logged. Production refuses to start without a
# key: a random one of at least 32 characters in the environment, or in a file only the product's user reads.
ZONELEDGER_AUDIT_ANCHOR_KEY = os.environ.get("ZONELEDGER_AUDIT_ANCHOR_KEY", "")
ZONELEDGER_AUDIT_ANCHOR_KEY_FILE = os.environ.get("ZONELEDGER_AUDIT_ANCHOR_KEY_FILE", "")
ZONELEDGER_AUDIT_ANCHOR_FILE = Path(os.environ.get("ZONELEDGER_AUDIT_ANCHOR_FILE", DATA_DIR / "audit-anchors.jsonl"))
ZONELEDGER_AUDIT_ANCHOR_MINUTES = int(os.environ.get("ZONELEDGER_AUDIT_ANCHOR_MINUTES", "60"))

# Operations (ops/, docs/DEPLOY.md): /healthz's free-space floor for the data folder; /metrics answers only a bearer
# of this token (unset: /metrics is a 404); `zoneledger check-deploy` refuses SQLite in production unless allowed,
# and wants the backup folder writable.
ZONELEDGER_MIN_FREE_MB = int(os.environ.get("ZONELEDGER_MIN_FREE_MB", "1024"))
ZONELEDGER_METRICS_TOKEN = os.environ.get("ZONELEDGER_METRICS_TOKEN", "")
ZONELEDGER_ALLOW_SQLITE = os.environ.get("ZONELEDGER_ALLOW_SQLITE") == "1"
ZONELEDGER_BACKUP_DIR = Path(os.environ.get("ZONELEDGER_BACKUP_DIR", DATA_DIR / "backups"))

# "json": one JSON object a line with the request id (ops/logs.py) and an access log line per request, for a log
# collector; "text": Django's lines and gunicorn's access log, for a person at a terminal.
ZONELEDGER_LOG_FORMAT = os.environ.get("ZONELEDGER_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "zoneledger.core.logging.RefusalsWithoutTraceback"}},
    "formatters": {"json": {"()": "zoneledger.ops.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["refusals_without_traceback"],
            **({"formatter": "json"} if ZONELEDGER_LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Every checkpoint is logged too, a second copy outside the database wherever the deployment keeps its logs.
        "zoneledger.audit.anchors": {"level": "INFO"},
        # The access log (ops/middleware.py) in place of gunicorn's when the logs are JSON.
        "zoneledger.requests": {"level": "INFO" if ZONELEDGER_LOG_FORMAT == "json" else "WARNING"},
    },
}

ADMIN_TITLE = _("zoneledger administration")
