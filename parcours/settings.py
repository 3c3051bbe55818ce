"""Settings of Parcours, read from the environment.

Local use needs nothing: SQLite under var/, DEBUG on. Production is DEBUG=0, which
requires SECRET_KEY and ALLOWED_HOSTS and turns every security setting on, so that
``manage.py check --deploy`` has nothing to report.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from parcours.env import cache_from_url, env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PARCOURS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
PRODUCTION = not DEBUG

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        env_required("ALLOWED_HOSTS")
else:
    SECRET_KEY = env_str("SECRET_KEY") or "insecure-local-development-key-never-use-in-production"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "parcours.core.staticfiles.ParcoursStaticFilesConfig",  # django.contrib.staticfiles
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # django-ninja's own templates and static files: the API's documentation page is
    # served from them, without a CDN (docs/api.md).
    "ninja",
    "parcours.accounts",
    "parcours.audit",
    "parcours.core",
    "parcours.dashboard",
    "parcours.participants",
    "parcours.programme",
    "parcours.workshops",
    "parcours.assessments",
    "parcours.projects",
    "parcours.attendance",
    "parcours.reporting",
    "parcours.funding",
    "parcours.workbook",
    "parcours.privacy",
    "parcours.downloads",
    "parcours.demo",
    "parcours.synthetic",
    "parcours.backups",
    "parcours.reminders",
    "parcours.background",
    "parcours.api",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The headers come before the session checks so that their early answers carry them.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "parcours.core.middleware.PrivateCacheMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "parcours.accounts.middleware.SessionTimeoutMiddleware",
    "parcours.accounts.middleware.UserLanguageMiddleware",
    "parcours.accounts.middleware.AccessPolicyMiddleware",
    "parcours.accounts.middleware.SecondFactorMiddleware",
    # After the user's language: a session in kiosk mode shows the kiosk's language.
    "parcours.assessments.kiosk.KioskMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it turns a lockout signalled by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parcours.urls"
WSGI_APPLICATION = "parcours.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parcours.dashboard.context_processors.navigation",
                "parcours.participants.context_processors.names",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another one.
if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# SQLite, tuned for a web server and a worker writing at once: readers never wait for
# the writer (WAL); a write transaction takes the lock when it begins (IMMEDIATE), so it
# waits its turn there instead of failing half-way when it upgrades from reading; and a
# writer waits up to SQLITE_BUSY_TIMEOUT seconds for the lock before "database is
# locked": longer than the longest write (a 5,000-person workbook import holds it about
# 12 s), shorter than gunicorn's 30 s request timeout (docs/background.md).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("SQLITE_BUSY_TIMEOUT", 25),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache, shared by every web worker and machine: Django's database cache by default
# (its table is created by `migrate`, parcours.core.apps), Redis when CACHE_URL names one.
# It keeps the computed reports (parcours.reporting.cache) and nothing that must not be
# lost: the password-reset counts are rows of their own (parcours.accounts.throttle).
CACHES = {
    "default": cache_from_url(
        env_str("CACHE_URL"),
        key_prefix=env_str("CACHE_KEY_PREFIX", "parcours"),
        production=PRODUCTION,
    )
}
_cache_is_redis = CACHES["default"]["BACKEND"].endswith(".RedisCache")

# The REST API (docs/api.md): requests allowed per access token (or per signed-in person)
# and per period, counted in the cache; how long a new token lasts unless its issuer
# chooses.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/min")
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)

# Accounts and sign-in.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "parcours.accounts.backends.OrganisationModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
# Reset links asked for in an hour, per requesting address and per e-mail address.
PASSWORD_RESET_HOURLY_LIMIT = env_int("PASSWORD_RESET_HOURLY_LIMIT", 5)

# Second factor (django-otp): an authenticator app, and recovery codes for the day the
# phone is lost. Required of everyone in production; locally the demo accounts sign in
# with a password, unless their person has set a second factor up.
MFA_REQUIRED = env_bool("MFA_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = "Parcours"

# Lockout: five failures lock the pair account + address for fifteen minutes, so that
# nobody can lock a colleague out from elsewhere; an address failing for many accounts
# is locked on its own (parcours.accounts.lockout). A sign-in counts as a success, which
# clears its failures, only once the second factor is given (parcours.accounts.signin).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = "parcours.accounts.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None

# Sessions: closed after 30 minutes without activity and after 12 hours in any case
# (parcours.accounts.middleware.SessionTimeoutMiddleware). Kept in the database, which
# every web worker shares; with Redis, read from it and written through to the database,
# so that restarting Redis signs nobody out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _cache_is_redis
    else "django.contrib.sessions.backends.db"
)
del _cache_is_redis
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
# How long before the idle limit the page warns, with a way to stay signed in (WCAG 2.2.1).
SESSION_IDLE_WARNING = timedelta(minutes=2)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Security headers. The policy allows no inline script and no third-party origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Language and formats: French (Belgium) by default, Dutch and English on request.
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("en", _("English")),
]
LANGUAGE_COOKIE_NAME = "parcours_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["parcours.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"

# Uploaded files (participants' photos): under var/, never served by a URL of their own;
# a view hands each one out after checking access (no MEDIA_URL on purpose).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Static files, served by the application itself (WhiteNoise) in production.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
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

# Locally the files are found where they are written; production serves the
# collected, hashed and compressed copies.
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_USE_FINDERS = not PRODUCTION

# E-mail: printed on the console locally; in production (or whenever EMAIL_HOST is set)
# sent through SMTP, by default to the machine's own mail relay.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if PRODUCTION or EMAIL_HOST:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_HOST or "localhost",
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 20,
        },
    }
else:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _mailer}
del EMAIL_HOST, _mailer
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "parcours@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The accessibility statement (/accessibility/, parcours/dashboard/accessibility.py): the address
# that receives reports of accessibility problems, and the region of the CPAS (wallonia,
# brussels or flanders), whose ombudsman handles the complaints.
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
ACCESSIBILITY_REGION = env_str("ACCESSIBILITY_REGION", "wallonia")

# The address of the site as people open it, for the links of the e-mails and SMS sent
# without a request (parcours.reminders). In production, by default the first of
# ALLOWED_HOSTS over HTTPS.
SITE_URL = env_str("SITE_URL") or (
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
)

# Reminders (docs/reminders.md): how many days ahead the participants are reminded of
# their sessions, and how SMS leave. SMS_BACKEND is a dotted path: the console (local
# default), files in SMS_FILE_PATH, or Twilio's Messages API with the SMS_API_URL,
# SMS_ACCOUNT, SMS_TOKEN and SMS_FROM below.
REMINDER_DAYS_AHEAD = env_int("REMINDER_DAYS_AHEAD", 1)
SMS_BACKEND = env_str("SMS_BACKEND", "parcours.reminders.senders.ConsoleSmsBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms"))
SMS_API_URL = env_str("SMS_API_URL", "https://api.twilio.com")
SMS_ACCOUNT = env_str("SMS_ACCOUNT", "")
SMS_TOKEN = env_str("SMS_TOKEN", "")
SMS_FROM = env_str("SMS_FROM", "")
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

FORM_RENDERER = "parcours.core.forms.ParcoursFormRenderer"

# Background work (parcours.background, docs/background.md): Django's tasks with the
# database backend (django-tasks-db; its worker is `manage.py worker`) by default,
# Redis through django-tasks-rq for a federation, or at once in the process (tests).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
# Every task of Parcours goes to "default"; TASKS_QUEUES may add others.
TASKS_QUEUES = list(dict.fromkeys(["default", *env_list("TASKS_QUEUES", [])]))
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASKS_QUEUES}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASKS_QUEUES}}
    INSTALLED_APPS.append("django_rq")
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database, immediate or rq, not {TASKS_BACKEND!r}."
    )
_redis = env_str("TASKS_REDIS_URL") or env_str("REDIS_URL") or "redis://127.0.0.1:6379/0"
# django-tasks-rq reads every result through the connection of the queue "default".
RQ_QUEUES = {name: {"URL": _redis, "DEFAULT_TIMEOUT": 3600} for name in TASKS_QUEUES}
del _redis

# Programme workbook import (parcours.workbook): the largest file accepted; files above
# WORKBOOK_INLINE_KB are checked and imported by the worker (a task), smaller ones in
# the request.
WORKBOOK_MAX_BYTES = env_int("WORKBOOK_MAX_MB", 50) * 1024 * 1024
WORKBOOK_INLINE_BYTES = env_int("WORKBOOK_INLINE_KB", 300) * 1024
# Rows per sheet of an imported workbook (the header apart).
WORKBOOK_MAX_ROWS = env_int("WORKBOOK_MAX_ROWS", 1_000_000)

# After a change of records, the yearly reports of the open years are computed again by
# a task (parcours.reporting.precompute), so that the next page view finds them ready.
REPORT_PRECOMPUTE = env_bool("REPORT_PRECOMPUTE", True)
# Files prepared in the background (parcours.downloads): kept this long at most, and this
# long once downloaded (they hold personal data); the rows without their files are
# forgotten after DOWNLOADS_HISTORY_DAYS.
DOWNLOADS_KEPT_HOURS = env_int("DOWNLOADS_KEPT_HOURS", 24)
DOWNLOADS_KEPT_AFTER_DOWNLOAD_MINUTES = env_int("DOWNLOADS_KEPT_AFTER_DOWNLOAD_MINUTES", 10)
DOWNLOADS_HISTORY_DAYS = env_int("DOWNLOADS_HISTORY_DAYS", 30)
