"""Core: the environment reader, debug and secret key, hosts, apps, middleware, templates,
languages, logging and the province's identity."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():  # a developer's local overrides; production uses real env vars
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"  # noqa: S105
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # third party
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "csp",
    "django_celery_beat",
    "ninja",
    # ours, in layer order (see docs/architecture.md)
    "common",
    "accounts",
    "agencies",
    "procedures",
    "documents",
    "notifications",
    "dossiers",
    "payments",
    "helpdesk",
    "integrations",
    "metrics",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "common.middleware.RequestIdMiddleware",
    # Outside every middleware that writes (the session's save): answers a passing fault raised
    # after the view with the busy page; its process_exception sees a view's fault.
    "common.middleware.TransientFaultMiddleware",
    "common.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageChoiceMiddleware",
    "portal.middleware.NotFoundPageMiddleware",  # DEBUG only: the portal's 404, not Django's
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.StaffSecurityMiddleware",
    "common.middleware.ControlCharactersMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "portal.context_processors.site",
                "integrations.context_processors.emc",  # the EMC script (see integrations)
            ],
        },
    },
]

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# `locale_admin`: Vietnamese for the strings of Django's admin that Django's own catalogue lacks
# (kept apart so `makemessages` never mixes them into the project's catalogues).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_admin"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Logging: one JSON object per line, with the request id -------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "common.logging.RequestIdFilter"},
        "not_transient_fault": {"()": "common.middleware.TransientFaultLogFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # ISO 8601 with the UTC offset, so shipped logs sort and join across hosts.
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A passing fault is logged in one line by TransientFaultMiddleware, not as a traceback.
        "django.request": {"filters": ["not_transient_fault"]},
        "django.server": {"level": "INFO"},
        # twilio's HTTP client logs each request at INFO in about ten lines (URL, headers,
        # response headers): per SMS, that is CPU on the delivery path and noise. Warnings only.
        "twilio.http_client": {"level": "WARNING"},
    },
}

# --- The province ------------------------------------------------------------------------------------
PROVINCE_CODE = "80"
PROVINCE_NAME = "Tây Ninh"
PORTAL_NAME = _("Cổng Dịch vụ công tỉnh Tây Ninh")
HOTLINE_1022 = env.str("HOTLINE_1022", default="1022")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="dichvucong@tayninh.gov.vn")
CONTACT_PHONE = env.str("CONTACT_PHONE", default="0276 3822 345")
CONTACT_ADDRESS = env.str(
    "CONTACT_ADDRESS", default="Trung tâm Phục vụ hành chính công tỉnh Tây Ninh"
)
# The local simulators of the services we cannot reach answer by default only in a demo.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)
# The simulators' secrets, generated on first use for this installation (never constants in the
# source); with DEBUG off a simulator runs only when DEMO_MODE=true (docs/adr/0210).
SIMULATOR_SECRETS_FILE = Path(
    env.str("SIMULATOR_SECRETS_FILE", default=str(BASE_DIR / "var" / "simulator-secrets.json"))
)


def simulator_secret(name: str) -> str:
    """This installation's secret `name` for a simulator (read by the concern modules)."""
    # Local import: loaded before the apps registry.
    from common.installation_secrets import installation_secret

    return installation_secret(SIMULATOR_SECRETS_FILE, name)
