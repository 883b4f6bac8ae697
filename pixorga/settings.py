"""Settings, read from the environment.

With no environment at all the project refuses to start (no SECRET_KEY): `make run` asks for
the embedded mode explicitly (DJANGO_DEBUG=1 PIXORGA_EMBEDDED=1: SQLite, tasks in process,
console e-mails). Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and
EMAIL_URL; with DEBUG off, a missing one fails at start-up rather than at the first request
(or never: a missing DATABASE_URL would quietly be SQLite, a missing REDIS_URL in-process tasks).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it (50+ random characters) or run with DJANGO_DEBUG=1."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set.")

# The embedded mode (SQLite, tasks run in the web process, a per-process cache) is chosen, never
# fallen into: `make run`, the tests and the image's build step set PIXORGA_EMBEDDED=1.
EMBEDDED = env.bool("PIXORGA_EMBEDDED", default=False)
_missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not env.str(name, default="")]
if _missing and not DEBUG and not EMBEDDED:
    raise ImproperlyConfigured(
        f"{' and '.join(_missing)} not set. Set {'them' if len(_missing) > 1 else 'it'}, or PIXORGA_EMBEDDED=1 "
        "for SQLite and tasks run in process."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "pixorga.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "pixorga",
    "lib",
    "accounts",
    "organizations",
    "learning_content",
    "assessments",
    "campaigns",
    "participations",
    "analysis",
    "privacy",
    "demo",
    "sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pixorga.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pixorga.middleware.QueryStringNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pixorga.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "pixorga.urls"

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
                "organizations.context_processors.orga",
            ],
        },
    },
]

WSGI_APPLICATION = "pixorga.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse: a restarted PostgreSQL costs one failed
    # health check per connection, not a restart of the app.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")


def redis_cache(url: str) -> dict:
    # Redis down must not take a page down: lib/cache.py falls back to each process's
    # memory. Short timeouts, so that a Redis that stops answering holds a request briefly.
    return {
        "BACKEND": "lib.cache.FailSoftRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id first: many pupils sign in at the same minute, PBKDF2 would cost ~1.5 s of CPU each.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2OwaspHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.PixPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# Pupils without an e-mail sign in with the username their school generated.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "organizations.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "login": "accounts.forms.LoginForm"}
# A school signs in behind one address (its network's): whole classes at the same minute, with
# their typing mistakes. The per-IP limits leave room for ten classes signing in at the same
# minute and for a morning of 300 pupils over ten minutes with two mistakes each; what stops a
# guesser is the blocking per account and address of accounts/lockout.py (5 failures: 2, 4,
# 8… minutes), which allauth's per-account limit would extend to every address.
ACCOUNT_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": "120/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pix Orga] "

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or None
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Pix Orga <ne-pas-repondre@pix-orga.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: a real broker when REDIS_URL is set, otherwise tasks run in process (eager).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Jobs whose message was lost (Redis down when asked, worker killed) are sent again
# (pixorga/sweep.py): every 30 s, so that a dead worker's job waits at most 1.5 min.
CELERY_BEAT_SCHEDULE = {
    "sweep-lost-jobs": {"task": "pixorga.tasks.sweep_lost_jobs", "schedule": 30.0},
    "expire-export-files": {"task": "analysis.export_tasks.expire_export_files", "schedule": 300.0},
    "sweep-login-generations": {"task": "organizations.tasks.sweep_login_generations", "schedule": 60.0},
}
# A Redis that stops answering holds a request that sends a job for about a second, not 4 s.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1.0}

# HTTPS and cookies: on by default in production, off for the embedded default and tests.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
# Database sessions, read without building a queryset (lib/sessions.py).
SESSION_ENGINE = "lib.sessions"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DSFR_USE_INTEGRITY_CHECKSUMS = not DEBUG

# Domain settings.
INVITATION_VALIDITY_DAYS = env.int("INVITATION_VALIDITY_DAYS", default=7)
# Pupils inactive this long are anonymized by `manage.py anonymize_inactive` (about 3 school years).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=3 * 365)
# Export files (pupils' names and results) are deleted this long after they were built.
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)
# The highest level a competence can reach: 7 as Pix runs in production since 2023 (its code's
# default is 5); pix totals, levels, certifiability and exports follow it.
MAX_REACHABLE_LEVEL = env.int("MAX_REACHABLE_LEVEL", default=7)

# Sign-in through the school's ENT (sso/): the GAR over SAML, OIDC providers from the admin.
PUBLIC_URL = env.str("PUBLIC_URL", default="http://localhost:8000").rstrip("/")
GAR_SP_ENTITY_ID = env.str("GAR_SP_ENTITY_ID", default=f"{PUBLIC_URL}/sso/gar/metadata/")
GAR_SP_ACS_URL = f"{PUBLIC_URL}/sso/gar/acs/"
GAR_SP_KEY_FILE = env.str("GAR_SP_KEY_FILE", default="")
GAR_SP_CERT_FILE = env.str("GAR_SP_CERT_FILE", default="")
# The IdP's metadata XML, inline or from a file; without it (and the SP's key) GAR is off.
GAR_IDP_METADATA = env.str("GAR_IDP_METADATA", default="")
if not GAR_IDP_METADATA and env.str("GAR_IDP_METADATA_FILE", default=""):
    GAR_IDP_METADATA = Path(env.str("GAR_IDP_METADATA_FILE")).read_text()
GAR_ATTRIBUTE_MAPPING = {
    "external_id": "IDO", "first_name": "PRE", "last_name": "NOM",
    **env.json("GAR_ATTRIBUTE_MAPPING", default={}),
}
GAR_ACCEPTED_CLOCK_SKEW_SECONDS = env.int("GAR_ACCEPTED_CLOCK_SKEW_SECONDS", default=60)
GAR_METADATA_VALID_HOURS = 24
# How long an unknown ENT user has to find his school record (Pix: 1 h).
SSO_EXTERNAL_USER_TOKEN_SECONDS = env.int("SSO_EXTERNAL_USER_TOKEN_SECONDS", default=3600)
OIDC_HTTP_TIMEOUT_SECONDS = 5

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pysaml2 logs whole assertions (names, identifiers) at INFO and DEBUG.
        "saml2": {"level": "WARNING"},
    },
}
