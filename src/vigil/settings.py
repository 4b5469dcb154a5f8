"""Project wiring. Every deployment choice comes from the environment so one codebase serves
the laptop in a situation room (SQLite under var/) and production (PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parents[1]
VAR_DIR = Path(os.environ.get("VIGIL_VAR", PROJECT_DIR / "var"))
# The embedded database, uploads and collected static files live here; SQLite will not
# create a missing folder, and a fresh clone has none.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


# Real data for tests and benchmarks lives beside the repo and is never committed.
def _shared_data_dir() -> Path:
    """VIGIL_SHARED_DATA, else the nearest `shared/data` beside an ancestor of the checkout
    (../shared/data for the usual layout; a clone elsewhere on the machine still finds it)."""
    if os.environ.get("VIGIL_SHARED_DATA"):
        return Path(os.environ["VIGIL_SHARED_DATA"])
    for folder in PROJECT_DIR.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    # A clone outside the workspace (e.g. /tmp/fresh) still finds the workspace's data.
    workspace = Path("/work/shared/data")
    return workspace if workspace.is_dir() else PROJECT_DIR.parent / "shared" / "data"


SHARED_DATA_DIR = _shared_data_dir()

DEBUG = os.environ.get("VIGIL_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get(
    "VIGIL_SECRET_KEY", "insecure-dev-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = os.environ.get("VIGIL_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "vigil.sharing",
    "vigil.actors",
    "vigil.geo",
    "vigil.events",
    "vigil.fieldreports",
    "vigil.indicators",
    "vigil.risk",
    "vigil.reports",
    "vigil.alerts",
    "vigil.responses",
    "vigil.dissemination",
    "vigil.roster",
    "vigil.consultations",
    "vigil.web",
    # Django's task framework (built in from 6.0; this is its backport for 5.2) with the
    # database backend: scheduled products run on the embedded default with no broker.
    "django_tasks",
    "django_tasks_db",
]

TASKS = {
    "default": {"BACKEND": os.environ.get("VIGIL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}

# The live sources (docs/sources.md). Each entry seeds a SourceFeed row the first time
# `vigil sync` or `vigil demo` runs; after that the row is edited in the admin. Secrets are
# never here: `credential_env` names the environment variables that hold them. All are
# disabled until an operator enables them (the demo runs offline). A JSON file named by
# VIGIL_SOURCES_FILE replaces this block, key by key.
VIGIL_SOURCES: dict[str, dict] = {
    "ucdp": {
        "connector": "ucdp",
        "base_url": "https://ucdpapi.pcr.uu.se/api",
        "options": {"ged": "25.1", "candidate": []},
        "credential_env": {"token": "UCDP_API_TOKEN"},
        "every_minutes": 24 * 60,
        "stale_after_hours": 45 * 24,  # Candidate events come monthly
    },
    "acled": {
        "connector": "acled",
        "base_url": "https://acleddata.com",
        "credential_env": {"username": "ACLED_USERNAME", "password": "ACLED_PASSWORD"},
        "every_minutes": 24 * 60,
        "stale_after_hours": 10 * 24,  # ACLED publishes weekly
    },
    "gdelt": {
        "connector": "gdelt",
        "base_url": "http://data.gdeltproject.org/gdeltv2",
        "options": {"cameo_roots": ["14", "18", "19", "20"]},
        "every_minutes": 15,
        "stale_after_hours": 2,
    },
    "odk": {
        "connector": "odk",
        "base_url": "https://central.example.org",
        "options": {"platform": "central", "project": 1, "form": "vigil_incident"},
        "credential_env": {"email": "ODK_CENTRAL_EMAIL", "password": "ODK_CENTRAL_PASSWORD"},
        "every_minutes": 15,
        "stale_after_hours": 24,
    },
    "partner-cap": {
        "connector": "cap_feed",
        "base_url": "https://example.org/",
        "options": {"feeds": []},
        "every_minutes": 10,
        "stale_after_hours": 24,
    },
}
if os.environ.get("VIGIL_SOURCES_FILE"):
    import json

    VIGIL_SOURCES |= json.loads(Path(os.environ["VIGIL_SOURCES_FILE"]).read_text())
# Outgoing mail (the dissemination outbox's worker, `vigil send_outbox`, connects itself).
EMAIL_HOST = os.environ.get("VIGIL_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("VIGIL_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("VIGIL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("VIGIL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("VIGIL_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("VIGIL_FROM_EMAIL", "Vigil <no-reply@localhost>")
# The address printed in stored documents (PDF, Markdown, email links) for links back here.
VIGIL_SITE_URL = os.environ.get("VIGIL_SITE_URL", "http://127.0.0.1:8000")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # /api/ input no view should see: NUL bytes, bodies over the size limit (problem+json).
    "vigil.api.middleware.ApiInputGuard",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vigil.actors.middleware.ApiTokenMiddleware",
    "vigil.actors.middleware.NoStoreForSignedIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

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
                "django.template.context_processors.i18n",
                "vigil.actors.context_processors.navigation",
            ]
        },
    }
]

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'vigil.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        # Persistent connections only pay off with long-lived worker processes (gunicorn);
        # a thread-per-request server leaks one per thread until PostgreSQL refuses clients.
        conn_max_age=int(os.environ.get("VIGIL_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while an import writes; IMMEDIATE avoids lock upgrades
    # failing half-way through an import transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# W047: SQLite cannot enforce nulls_distinct=False; AdminArea adds a conditional constraint
# for the NULL-parent case, which SQLite does enforce.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so hashes made by older installs still verify; they are upgraded at next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins for one account from one address lock it for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("VIGIL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions and cookies. Behind HTTPS (production), set VIGIL_HTTPS=1 for secure cookies,
# HSTS and redirects; a laptop on http://127.0.0.1 must still be able to sign in.
HTTPS = os.environ.get("VIGIL_HTTPS", "0") == "1"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Map tiles need a tile server; situation rooms are often offline, so none unless configured
# (e.g. VIGIL_TILE_URL=https://tile.openstreetmap.org/{z}/{x}/{y}.png).
VIGIL_TILE_URL = os.environ.get("VIGIL_TILE_URL", "")
VIGIL_TILE_ATTRIBUTION = os.environ.get("VIGIL_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(VIGIL_TILE_URL)) if VIGIL_TILE_URL else ""
# No inline scripts or styles anywhere: pages load their code from /static/ only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([TILE_ORIGIN] if TILE_ORIGIN else [])],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 2.1.1: at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("ar", "العربية"),
    ("es", "Español"),
]
# One catalogue per language for the whole project (src/vigil/locale/<lang>/LC_MESSAGES/),
# rather than one per app: a translator works in one file, a string shared by several apps
# ("Country", "TLP") is translated once, and `makemessages` run from the project root needs
# no per-app folders. The compiled .mo files are committed, so no gettext at runtime.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switcher's choice, kept for a year. Only the server reads it (HttpOnly); it
# follows the session cookie's Secure flag and is sent on top-level navigation only (Lax).
LANGUAGE_COOKIE_NAME = "vigil_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Serve straight from the apps' static folders, so `make run` needs no collectstatic step;
# production may still run collectstatic and get compressed, cache-busted files.
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
# Uploaded attachments live outside the web root and are only served through the policy.
MEDIA_ROOT = Path(os.environ.get("VIGIL_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/attachments/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# The organisation that owns records imported from public datasets unless told otherwise.
VIGIL_DEFAULT_ORG = os.environ.get("VIGIL_DEFAULT_ORG", "vigil")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VIGIL_LOG_LEVEL", "WARNING")},
}
