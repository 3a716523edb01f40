"""The one settings module. Every deploy-dependent value comes from the environment.

With no variable set the portal runs on the *embedded default*: SQLite, Celery tasks executed
in-process, console e-mail and SMS, local file storage and the payment simulator. `.env.example`
lists every variable; `tests/test_settings_env.py` keeps that list true.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():  # a developer's local overrides; production uses real env vars
    env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------------
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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageChoiceMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.StaffSecurityMiddleware",
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

# --- Data ----------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ----------------------------------------------------------------------------------------
# Without Redis, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "notifications", "documents", "sync")
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "notifications"},
    "documents.*": {"queue": "documents"},
    "integrations.*": {"queue": "sync"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# --- Accounts, allauth, MFA --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:my_page"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
# Brute-force throttling: failed logins are limited per IP and per account (allauth's "key").
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="20/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Cổng DVC Tây Ninh")
SOCIALACCOUNT_ADAPTER = "allauth.socialaccount.adapter.DefaultSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS: dict = {}
# Staff sessions end after this many idle seconds (citizens keep the browser-session default).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm (package.json + lock) at build time; never a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: files go through views that check who asks
AWS_STORAGE_BUCKET_NAME = env.str("S3_BUCKET", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="") or None
    AWS_ACCESS_KEY_ID = env.str("S3_ACCESS_KEY_ID", default="")
    AWS_SECRET_ACCESS_KEY = env.str("S3_SECRET_ACCESS_KEY", default="")
    AWS_S3_REGION_NAME = env.str("S3_REGION", default="") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    DEFAULT_STORAGE: dict[str, Any] = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES: dict[str, dict[str, Any]] = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng DVC Tây Ninh <no-reply@tayninh.gov.vn>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[DVC Tây Ninh] "

# --- Security ------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# `__Host-` cookies are Secure, host-only and path "/" by rule of the browser, so another
# *.tayninh.gov.vn site cannot set or shadow them (security-reliability A2.16). Browsers refuse
# the prefix without Secure, so plain-HTTP development keeps the plain names.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging: one JSON object per line, with the request id -------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
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
        "django.server": {"level": "INFO"},
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
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)

# --- documents ---
# The e-data store, safe uploads, PDF rendering and signing (docs/documents.md).
DOCUMENTS_ALLOWED_TYPES = env.list(
    "DOCUMENTS_ALLOWED_TYPES", default=["application/pdf", "image/jpeg", "image/png"]
)
DOCUMENTS_MAX_FILE_BYTES = env.int("DOCUMENTS_MAX_FILE_MB", default=10) * 1024 * 1024
DOCUMENTS_MAX_DOSSIER_BYTES = env.int("DOCUMENTS_MAX_DOSSIER_MB", default=50) * 1024 * 1024
DOCUMENTS_PDF_VARIANT = env.str("DOCUMENTS_PDF_VARIANT", default="pdf/a-2b")
# "none" is allowed only with DEBUG on (a system check refuses it otherwise).
VIRUS_SCANNER = env.str("VIRUS_SCANNER", default="none" if DEBUG else "clamav")
CLAMAV_HOST = env.str("CLAMAV_HOST", default="127.0.0.1")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT = env.int("CLAMAV_TIMEOUT", default=10)
SIGNING_KEYSTORE = env.str("SIGNING_KEYSTORE", default="pkcs12")
SIGNING_KEYS_DIR = Path(env.str("SIGNING_KEYS_DIR", default=str(BASE_DIR / "var" / "signing-keys")))
SIGNING_KEYS_PASSPHRASE = env.str("SIGNING_KEYS_PASSPHRASE", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
if SIGNING_KEYSTORE == "pkcs11":
    SIGNING_PKCS11_MODULE = env.str("SIGNING_PKCS11_MODULE")
    SIGNING_PKCS11_TOKEN_LABEL = env.str("SIGNING_PKCS11_TOKEN_LABEL")
    SIGNING_PKCS11_PIN = env.str("SIGNING_PKCS11_PIN")
# Remote signing by citizens through a Cloud Signature Consortium (CSC API v2) service. Without a
# provider configured, the built-in simulator is used, and only with DEBUG on.
CSC_SIMULATOR_ENABLED = env.bool("CSC_SIMULATOR_ENABLED", default=DEBUG)
REMOTE_SIGNING_ENABLED = env.bool("REMOTE_SIGNING_ENABLED", default=CSC_SIMULATOR_ENABLED)
if REMOTE_SIGNING_ENABLED and not CSC_SIMULATOR_ENABLED:
    REMOTE_SIGNING_URL = env.str("REMOTE_SIGNING_URL")
    REMOTE_SIGNING_TOKEN = env.str("REMOTE_SIGNING_TOKEN")
else:
    REMOTE_SIGNING_URL = env.str("REMOTE_SIGNING_URL", default=f"{SITE_URL}/kho-du-lieu/csc/v2/")
    REMOTE_SIGNING_TOKEN = env.str("REMOTE_SIGNING_TOKEN", default="csc-simulator-token")
REMOTE_SIGNING_TIMEOUT = env.int("REMOTE_SIGNING_TIMEOUT", default=15)
# Rate limits of costly document actions, "count/period" with period in s, m or h (e.g. 30/10m).
DOCUMENTS_UPLOAD_RATE_LIMIT = env.str("DOCUMENTS_UPLOAD_RATE_LIMIT", default="30/10m")
DOCUMENTS_VERIFY_RATE_LIMIT = env.str("DOCUMENTS_VERIFY_RATE_LIMIT", default="20/m")
DOCUMENTS_SIGN_RATE_LIMIT = env.str("DOCUMENTS_SIGN_RATE_LIMIT", default="10/10m")

# --- accounts ---
# allauth ships no Vietnamese catalogue: these forms and adapters give its pages Vietnamese labels
# and messages (see docs/accounts.md). Nothing here depends on the deployment.
ACCOUNT_FORMS = {
    "login": "accounts.auth_forms.LoginForm",
    "signup": "accounts.auth_forms.SignupForm",
    "reset_password": "accounts.auth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.auth_forms.ResetPasswordKeyForm",
    "change_password": "accounts.auth_forms.ChangePasswordForm",
    "reauthenticate": "accounts.auth_forms.ReauthenticateForm",
}
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.auth_forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.auth_forms.MFAReauthenticateForm",
    "activate_totp": "accounts.auth_forms.ActivateTOTPForm",
}

# --- identity: national identity sign-in (VNeID, OpenID Connect), see docs/identity.md ----------
# The provider is allauth's `openid_connect` under the id "vneid". With no issuer configured and
# DEMO_MODE on (`make run`), a local simulator inside the portal plays the provider.
VNEID_PROVIDER_ID = "vneid"
VNEID_ISSUER_URL = env.str("VNEID_ISSUER_URL", default="").rstrip("/")
VNEID_SIMULATOR = env.bool("VNEID_SIMULATOR", default=DEMO_MODE and not VNEID_ISSUER_URL)
VNEID_ENABLED = env.bool("VNEID_ENABLED", default=VNEID_SIMULATOR)
VNEID_SIMULATOR_ISSUER = f"{SITE_URL}/dinh-danh/gia-lap-vneid"
VNEID_CLIENT_ID = env.str("VNEID_CLIENT_ID", default="cong-dvc-tay-ninh" if VNEID_SIMULATOR else "")
VNEID_CLIENT_SECRET = env.str(
    "VNEID_CLIENT_SECRET", default="simulator-only-secret" if VNEID_SIMULATOR else ""
)
VNEID_SCOPES = env.list("VNEID_SCOPES", default=["openid", "profile", "email", "phone", "address"])
VNEID_DISPLAY_NAME = env.str("VNEID_DISPLAY_NAME", default="VNeID")
VNEID_TOKEN_AUTH_METHOD = env.str("VNEID_TOKEN_AUTH_METHOD", default="client_secret_post")
# `acr` values that mean assurance level 2; any other national sign-in counts as level 1.
VNEID_ACR_LEVEL2 = env.list("VNEID_ACR_LEVEL2", default=["urn:vneid:loa:2", "loa2", "2"])
# Renames of the claims read into the profile, e.g. "id_number=so_dinh_danh,full_name=ho_ten".
VNEID_CLAIMS = env.dict("VNEID_CLAIMS", default={})
# The simulator's RS256 signing key, generated at first use.
VNEID_SIMULATOR_KEY_PATH = Path(
    env.str("VNEID_SIMULATOR_KEY_PATH", default=str(MEDIA_ROOT / "identity-simulator" / "key.pem"))
)


def vneid_app(issuer: str, client_id: str, secret: str) -> dict:
    return {
        "provider_id": VNEID_PROVIDER_ID,
        "name": VNEID_DISPLAY_NAME,
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": issuer,
            "issuer": issuer,
            "token_auth_method": VNEID_TOKEN_AUTH_METHOD,
            "scope": VNEID_SCOPES,
            "oauth_pkce_enabled": True,
        },
    }


if VNEID_ENABLED:
    _vneid_issuer = VNEID_ISSUER_URL or (VNEID_SIMULATOR_ISSUER if VNEID_SIMULATOR else "")
    if not (_vneid_issuer and VNEID_CLIENT_ID):
        raise ImproperlyConfigured("VNEID_ENABLED needs VNEID_ISSUER_URL and VNEID_CLIENT_ID.")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [vneid_app(_vneid_issuer, VNEID_CLIENT_ID, VNEID_CLIENT_SECRET)],
    }
SOCIALACCOUNT_ADAPTER = "accounts.identity.adapter.IdentityAdapter"
# Never sign anyone in to, or attach to, an account because an e-mail matches: linking is explicit.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the national identity vouches for the person
SOCIALACCOUNT_STORE_TOKENS = False  # provider tokens are sensitive data (Decree 356/2025)
SOCIALACCOUNT_LOGIN_ON_GET = False

# --- dossiers ---
# NĐ 118 Art. 28.a: an inter-agency dossier submitted online is coded with the National Portal's
# electronic identifier. The official identifier is not yet confirmed [U]; set it in production.
DOSSIER_CODE_NATIONAL_PORTAL_IDENTIFIER = env.str(
    "DOSSIER_CODE_NATIONAL_PORTAL_IDENTIFIER", default="DVCQG"
)

# Public lookup by dossier code: at most this many tries per client address per window.
DOSSIER_LOOKUP_LIMIT = env.int("DOSSIER_LOOKUP_LIMIT", default=10)
DOSSIER_LOOKUP_WINDOW_SECONDS = env.int("DOSSIER_LOOKUP_WINDOW_SECONDS", default=600)

# processing: deadline alerts (each sent once) and the 15-day supplement expiry, every N seconds.
# The 2-hour alert of a new online dossier (NĐ 118 Art. 17.2) needs N well under 2 hours.
DOSSIER_DEADLINES_SWEEP_SECONDS = env.int("DOSSIER_DEADLINES_SWEEP_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "dossiers-deadlines-sweep": {
        "task": "dossiers.tasks.dossier_deadlines_sweep",
        "schedule": float(DOSSIER_DEADLINES_SWEEP_SECONDS),
    },
}

# --- notifications ---------------------------------------------------------------------------------
# The outbox (docs/notifications.md). Providers are off by default: the channels then talk to the
# local Twilio and Zalo simulators served by this site under /thong-bao/mo-phong/.
from celery.schedules import crontab  # noqa: E402

NOTIFICATIONS_CHANNELS = env.list(
    "NOTIFICATIONS_CHANNELS", default=["email", "sms", "zalo", "inbox"]
)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=10)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600)
NOTIFICATIONS_QUEUED_STUCK_SECONDS = env.int("NOTIFICATIONS_QUEUED_STUCK_SECONDS", default=300)
NOTIFICATIONS_SENDING_LEASE_SECONDS = env.int("NOTIFICATIONS_SENDING_LEASE_SECONDS", default=600)
NOTIFICATIONS_SWEEP_SECONDS = env.int("NOTIFICATIONS_SWEEP_SECONDS", default=30)
NOTIFICATIONS_FAILOVER = env.dict("NOTIFICATIONS_FAILOVER", default={"sms": "zalo", "zalo": "sms"})
NOTIFICATIONS_SMS_WITHOUT_DIACRITICS = env.bool(
    "NOTIFICATIONS_SMS_WITHOUT_DIACRITICS", default=False
)
NOTIFICATIONS_PROVIDER_TIMEOUT = env.float("NOTIFICATIONS_PROVIDER_TIMEOUT", default=10.0)
NOTIFICATIONS_EMAIL_ATTACHMENT_MAX_BYTES = env.int(
    "NOTIFICATIONS_EMAIL_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024
)
NOTIFICATIONS_EMAIL_DOMAIN = env.str(
    "NOTIFICATIONS_EMAIL_DOMAIN", default="dichvucong.tayninh.gov.vn"
)
NOTIFICATIONS_CALLBACK_BASE_URL = (
    env.str("NOTIFICATIONS_CALLBACK_BASE_URL", default="") or SITE_URL
).rstrip("/")
NOTIFICATIONS_SIMULATOR_BASE_URL = (
    env.str("NOTIFICATIONS_SIMULATOR_BASE_URL", default="") or SITE_URL
).rstrip("/")
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=7)

TWILIO_ENABLED = env.bool("TWILIO_ENABLED", default=False)
if TWILIO_ENABLED:  # no defaults: a missing secret stops the app at start-up
    TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN")
    TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
    TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
    if not (TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER):
        raise ImproperlyConfigured(
            "TWILIO_ENABLED needs TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER."
        )
    TWILIO_API_BASE_URL = ""  # the library's own https://api.twilio.com
else:
    TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
    TWILIO_AUTH_TOKEN = "simulator-auth-token"  # noqa: S105
    TWILIO_MESSAGING_SERVICE_SID = ""
    TWILIO_FROM_NUMBER = "DVCTayNinh"
    TWILIO_API_BASE_URL = f"{NOTIFICATIONS_SIMULATOR_BASE_URL}/thong-bao/mo-phong/twilio"

ZALO_ENABLED = env.bool("ZALO_ENABLED", default=False)
if ZALO_ENABLED:
    ZALO_APP_ID = env.str("ZALO_APP_ID")
    ZALO_APP_SECRET = env.str("ZALO_APP_SECRET")
    ZALO_REFRESH_TOKEN = env.str("ZALO_REFRESH_TOKEN")
    ZALO_TEMPLATE_IDS = env.dict("ZALO_TEMPLATE_IDS")
    ZALO_OAUTH_URL = env.str("ZALO_OAUTH_URL", default="https://oauth.zaloapp.com")
    ZALO_API_URL = env.str("ZALO_API_URL", default="https://business.openapi.zalo.me")
else:
    ZALO_APP_ID = "1000000000000000001"
    ZALO_APP_SECRET = "simulator-app-secret"  # noqa: S105
    ZALO_REFRESH_TOKEN = "simulator-refresh-token"  # noqa: S105
    ZALO_TEMPLATE_IDS = env.dict("ZALO_TEMPLATE_IDS", default={})
    ZALO_OAUTH_URL = f"{NOTIFICATIONS_SIMULATOR_BASE_URL}/thong-bao/mo-phong/zalo/oauth"
    ZALO_API_URL = f"{NOTIFICATIONS_SIMULATOR_BASE_URL}/thong-bao/mo-phong/zalo/api"
# The simulators answer only while their provider is off (never in a production with providers).
TWILIO_SIMULATOR_ENABLED = not TWILIO_ENABLED
ZALO_SIMULATOR_ENABLED = not ZALO_ENABLED

CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "notifications-sweep": {
        "task": "notifications.tasks.notification_sweep",
        "schedule": float(NOTIFICATIONS_SWEEP_SECONDS),
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.notification_digest_send",
        "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0),
    },
}
# The sign-in button and the logout form POST here and are redirected to the provider: the
# browser checks such redirects against `form-action`, so the provider's origin must be listed.
VNEID_FORM_ACTION_ORIGINS = env.list("VNEID_FORM_ACTION_ORIGINS", default=[])
if VNEID_ENABLED:
    from urllib.parse import urlsplit as _urlsplit

    _vneid_parts = _urlsplit(_vneid_issuer)
    VNEID_FORM_ACTION_ORIGINS.append(f"{_vneid_parts.scheme}://{_vneid_parts.netloc}")
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
    *CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
    *(
        o
        for o in VNEID_FORM_ACTION_ORIGINS
        if o not in CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
    ),
]

# Rows per notifications delivery task (fewer broker and database round trips).
NOTIFICATIONS_TASK_BATCH = env.int("NOTIFICATIONS_TASK_BATCH", default=10)

# --- helpdesk ---
# QĐ 766 indicator 5.2 targets, in working days: refuse, ask for information, process, publish.
HELPDESK_DEADLINE_REFUSE_DAYS = env.int("HELPDESK_DEADLINE_REFUSE_DAYS", default=2)
HELPDESK_DEADLINE_INFO_DAYS = env.int("HELPDESK_DEADLINE_INFO_DAYS", default=5)
HELPDESK_DEADLINE_PROCESS_DAYS = env.int("HELPDESK_DEADLINE_PROCESS_DAYS", default=15)
HELPDESK_DEADLINE_PUBLISH_DAYS = env.int("HELPDESK_DEADLINE_PUBLISH_DAYS", default=2)
HELPDESK_OTP_TTL_SECONDS = env.int("HELPDESK_OTP_TTL_SECONDS", default=300)
HELPDESK_OTP_MAX_ATTEMPTS = env.int("HELPDESK_OTP_MAX_ATTEMPTS", default=5)
HELPDESK_OTP_PER_PHONE = env.int("HELPDESK_OTP_PER_PHONE", default=3)
HELPDESK_OTP_PER_IP = env.int("HELPDESK_OTP_PER_IP", default=10)
HELPDESK_OTP_WINDOW_SECONDS = env.int("HELPDESK_OTP_WINDOW_SECONDS", default=3600)
HELPDESK_OTP_SESSION_SECONDS = env.int("HELPDESK_OTP_SESSION_SECONDS", default=1800)
HELPDESK_INTAKE_ACCOUNT_EMAIL = env.str(
    "HELPDESK_INTAKE_ACCOUNT_EMAIL", default="tongdai1022@system.invalid"
)
HELPDESK_DUPLICATE_RADIUS_M = env.int("HELPDESK_DUPLICATE_RADIUS_M", default=150)
HELPDESK_DUPLICATE_WINDOW_DAYS = env.int("HELPDESK_DUPLICATE_WINDOW_DAYS", default=60)
# Map tiles for the report map; empty: markers on a blank background, no external server contacted.
HELPDESK_MAP_TILE_URL = env.str("HELPDESK_MAP_TILE_URL", default="")
HELPDESK_MAP_TILE_ATTRIBUTION = env.str("HELPDESK_MAP_TILE_ATTRIBUTION", default="")
# Intake API tokens (hotline console, Zalo channel): "name=token,name2=token2".
HELPDESK_API_TOKENS = env.dict("HELPDESK_API_TOKENS", default={})
STATICFILES_DIRS += [("vendor/leaflet", NODE_MODULES / "leaflet" / "dist")]
if HELPDESK_MAP_TILE_URL:
    from urllib.parse import urlsplit as _hd_urlsplit

    _hd_tiles = _hd_urlsplit(HELPDESK_MAP_TILE_URL.replace("{s}", "a"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [
        *CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
        f"{_hd_tiles.scheme}://{_hd_tiles.netloc.replace('a.', '*.', 1)}",
    ]

# Counter tablets and tracking lookups: tries per device or address per 10 minutes.
HELPDESK_KIOSK_ATTEMPTS = env.int("HELPDESK_KIOSK_ATTEMPTS", default=20)

# --- payments ---
# The real VNPay merchant (protocol 2.1.0). Off by default; when on, every value below is
# required (no defaults), so a missing secret stops the boot instead of failing at payment time.
PAYMENT_VNPAY_ENABLED = env.bool("PAYMENT_VNPAY_ENABLED", default=False)
# The local gateway simulator (/thanh-toan/gia-lap/): on by default only in DEBUG without the
# real gateway; the test settings switch it on. Never alongside the real gateway in production.
PAYMENT_SIMULATOR_ENABLED = env.bool(
    "PAYMENT_SIMULATOR_ENABLED", default=DEBUG and not PAYMENT_VNPAY_ENABLED
)
if PAYMENT_VNPAY_ENABLED and PAYMENT_SIMULATOR_ENABLED and not DEBUG:
    from django.core.exceptions import ImproperlyConfigured as _PaymentsMisconfigured

    raise _PaymentsMisconfigured(
        "PAYMENT_SIMULATOR_ENABLED must be off when the real VNPay gateway is enabled in production"
    )
if PAYMENT_VNPAY_ENABLED:
    PAYMENT_VNPAY_TMN_CODE = env.str("PAYMENT_VNPAY_TMN_CODE")
    PAYMENT_VNPAY_HASH_SECRET = env.str("PAYMENT_VNPAY_HASH_SECRET")
    PAYMENT_VNPAY_PAY_URL = env.str("PAYMENT_VNPAY_PAY_URL")
    PAYMENT_VNPAY_API_URL = env.str("PAYMENT_VNPAY_API_URL")
    PAYMENT_VNPAY_RETURN_URL = env.str("PAYMENT_VNPAY_RETURN_URL")
else:
    PAYMENT_VNPAY_TMN_CODE = "TNSIM001"
    PAYMENT_VNPAY_HASH_SECRET = "simulator-hash-secret-not-for-production"  # noqa: S105
    PAYMENT_VNPAY_PAY_URL = f"{SITE_URL}/thanh-toan/gia-lap/paymentv2/vpcpay.html"
    PAYMENT_VNPAY_API_URL = f"{SITE_URL}/thanh-toan/gia-lap/merchant_webapi/api/transaction"
    PAYMENT_VNPAY_RETURN_URL = f"{SITE_URL}/thanh-toan/vnpay/ket-qua/"
# Where the simulator delivers its server-to-server IPN (the real VNPay is configured in its
# merchant portal instead).
PAYMENT_SIMULATOR_IPN_URL = env.str(
    "PAYMENT_SIMULATOR_IPN_URL", default=f"{SITE_URL}/thanh-toan/vnpay/ipn/"
)
PAYMENT_VNPAY_SERVER_IP = env.str("PAYMENT_VNPAY_SERVER_IP", default="127.0.0.1")
PAYMENT_VNPAY_TIMEOUT_SECONDS = env.float("PAYMENT_VNPAY_TIMEOUT_SECONDS", default=10.0)
PAYMENT_EXPIRE_MINUTES = env.int("PAYMENT_EXPIRE_MINUTES", default=15)
# Reconciliation: pending online payments older than this are asked about with querydr.
PAYMENT_RECONCILE_AFTER_MINUTES = env.int("PAYMENT_RECONCILE_AFTER_MINUTES", default=20)
PAYMENT_RECONCILE_EVERY_SECONDS = env.int("PAYMENT_RECONCILE_EVERY_SECONDS", default=300)
PAYMENT_DAILY_REPORT_HOUR = env.int("PAYMENT_DAILY_REPORT_HOUR", default=1)
# QĐ 766 indicator 3.6 code for payments through this portal: 2 = ministry/province portal.
PAYMENT_ONLINE_KIND = env.int("PAYMENT_ONLINE_KIND", default=2)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "payments-reconcile": {
        "task": "payments.tasks.payments_reconcile",
        "schedule": float(PAYMENT_RECONCILE_EVERY_SECONDS),
    },
    "payments-daily-report": {
        "task": "payments.tasks.payments_daily_report",
        "schedule": crontab(hour=PAYMENT_DAILY_REPORT_HOUR, minute=15),
    },
}

if PAYMENT_VNPAY_ENABLED:
    # The "pay" form is answered with a redirect to the gateway: browsers check it against form-action.
    from urllib.parse import urlsplit as _pay_urlsplit

    _pay_parts = _pay_urlsplit(PAYMENT_VNPAY_PAY_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
        *CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
        f"{_pay_parts.scheme}://{_pay_parts.netloc}",
    ]

# --- procedures ---
# Seconds a page of catalogue search results stays cached (0 turns the cache off). Every catalogue
# change (import, approved online level, admin edit) makes cached pages stale at once.
PROCEDURES_SEARCH_CACHE_SECONDS = env.int("PROCEDURES_SEARCH_CACHE_SECONDS", default=300)

# --- portal (front end and operations) ---
# Log timestamps in ISO 8601 with the UTC offset, so shipped logs sort and join across hosts.
LOGGING["formatters"]["json"]["datefmt"] = "%Y-%m-%dT%H:%M:%S%z"
# A form with an expired or missing CSRF token gets a Vietnamese page, not Django's English one.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# --- integrations ---
# National Public Service Portal (DVCQG) sync, VNPost postal legs and the EMC tracking snippet
# (docs/integrations.md). Each provider is off unless enabled; enabled against the real service
# without its secrets, the app refuses to start (`integrations.checks`). With DEMO_MODE on and no
# adapter URL, the local simulators under /tich-hop/mo-phong/ play the other party.
DVCQG_ADAPTER_URL = env.str("DVCQG_ADAPTER_URL", default="").rstrip("/")
DVCQG_SIMULATOR_ENABLED = env.bool(
    "DVCQG_SIMULATOR_ENABLED", default=DEMO_MODE and not DVCQG_ADAPTER_URL
)
DVCQG_ENABLED = env.bool("DVCQG_ENABLED", default=DVCQG_SIMULATOR_ENABLED)
if DVCQG_SIMULATOR_ENABLED and not DVCQG_ADAPTER_URL:
    DVCQG_ADAPTER_URL = f"{SITE_URL}/tich-hop/mo-phong/dvcqg"
DVCQG_USERNAME = env.str(
    "DVCQG_USERNAME", default="dvcqg-simulator" if DVCQG_SIMULATOR_ENABLED else ""
)
DVCQG_PASSWORD = env.str(
    "DVCQG_PASSWORD", default="simulator-only-password" if DVCQG_SIMULATOR_ENABLED else ""
)
# The province's unit code on the portal (`madonvi`, `MaDinhDanhDV` format 000.00.00.H53).
DVCQG_AGENCY_CODE = env.str(
    "DVCQG_AGENCY_CODE", default="000.00.00.H53" if DVCQG_SIMULATOR_ENABLED else ""
)
DVCQG_AUTH_PATH = env.str("DVCQG_AUTH_PATH", default="/auth")
DVCQG_SERVICE_PATH = env.str("DVCQG_SERVICE_PATH", default="/service")
DVCQG_TIMEOUT_SECONDS = env.float("DVCQG_TIMEOUT_SECONDS", default=10.0)
DVCQG_MAX_ATTEMPTS = env.int("DVCQG_MAX_ATTEMPTS", default=12)
DVCQG_RETRY_BASE_SECONDS = env.int("DVCQG_RETRY_BASE_SECONDS", default=30)
DVCQG_RETRY_MAX_SECONDS = env.int("DVCQG_RETRY_MAX_SECONDS", default=3600)
DVCQG_SWEEP_SECONDS = env.int("DVCQG_SWEEP_SECONDS", default=60)
DVCQG_INBOUND_POLL_SECONDS = env.int("DVCQG_INBOUND_POLL_SECONDS", default=120)
DVCQG_CATALOGUE_SYNC_HOUR = env.int("DVCQG_CATALOGUE_SYNC_HOUR", default=2)

VNPOST_API_URL = env.str("VNPOST_API_URL", default="").rstrip("/")
VNPOST_SIMULATOR_ENABLED = env.bool(
    "VNPOST_SIMULATOR_ENABLED", default=DEMO_MODE and not VNPOST_API_URL
)
VNPOST_ENABLED = env.bool("VNPOST_ENABLED", default=VNPOST_SIMULATOR_ENABLED)
if VNPOST_SIMULATOR_ENABLED and not VNPOST_API_URL:
    VNPOST_API_URL = f"{SITE_URL}/tich-hop/mo-phong/vnpost/api"
VNPOST_CUSTOMER_CODE = env.str(
    "VNPOST_CUSTOMER_CODE", default="TNSIM" if VNPOST_SIMULATOR_ENABLED else ""
)
VNPOST_API_TOKEN = env.str(
    "VNPOST_API_TOKEN", default="vnpost-simulator-token" if VNPOST_SIMULATOR_ENABLED else ""
)
VNPOST_CALLBACK_SECRET = env.str(
    "VNPOST_CALLBACK_SECRET",
    default="vnpost-simulator-callback-secret" if VNPOST_SIMULATOR_ENABLED else "",
)
VNPOST_CALLBACK_URL = env.str(
    "VNPOST_CALLBACK_URL", default=f"{SITE_URL}/tich-hop/vnpost/callback/"
)
VNPOST_TIMEOUT_SECONDS = env.float("VNPOST_TIMEOUT_SECONDS", default=10.0)

# EMC (NĐ 42/2022): the monitoring script every public page must load before go-live.
EMC_TRACKING_SCRIPT_URL = env.str("EMC_TRACKING_SCRIPT_URL", default="")
EMC_SITE_ID = env.str("EMC_SITE_ID", default="")
if EMC_TRACKING_SCRIPT_URL:
    from urllib.parse import urlsplit as _emc_urlsplit

    _emc_parts = _emc_urlsplit(EMC_TRACKING_SCRIPT_URL)
    _emc_origin = f"{_emc_parts.scheme}://{_emc_parts.netloc}"
    for _emc_directive in ("script-src", "connect-src", "img-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][_emc_directive] = [
            *CONTENT_SECURITY_POLICY["DIRECTIVES"][_emc_directive],
            _emc_origin,
        ]

CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "integrations-dvcqg-sweep": {
        "task": "integrations.tasks.dvcqg_sweep",
        "schedule": float(DVCQG_SWEEP_SECONDS),
    },
    "integrations-dvcqg-inbound": {
        "task": "integrations.tasks.dvcqg_inbound_poll",
        "schedule": float(DVCQG_INBOUND_POLL_SECONDS),
    },
    "integrations-dvcqg-catalogue": {
        "task": "integrations.tasks.dvcqg_catalogue_sync",
        "schedule": crontab(hour=DVCQG_CATALOGUE_SYNC_HOUR, minute=30),
    },
}

# --- dossiers (forms) ---
# Seconds between two sweeps issuing any official form (Mẫu 01–06) still missing (docs/official-forms.md).
OFFICIAL_FORMS_SWEEP_SECONDS = env.int("OFFICIAL_FORMS_SWEEP_SECONDS", default=600)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "dossiers-official-forms-sweep": {
        "task": "dossiers.official_forms.official_forms_sweep",
        "schedule": float(OFFICIAL_FORMS_SWEEP_SECONDS),
    },
}

# --- metrics ---
# Seconds between two refreshes of the QĐ 766 index's stored facts (dossiers touched since).
METRICS_REFRESH_SECONDS = env.int("METRICS_REFRESH_SECONDS", default=900)
# Local hour of the nightly pass over the index's facts (open dossiers, daily sums).
METRICS_REBUILD_HOUR = env.int("METRICS_REBUILD_HOUR", default=2)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "metrics-facts-refresh": {
        "task": "metrics.tasks.facts_refresh",
        "schedule": float(METRICS_REFRESH_SECONDS),
    },
    "metrics-facts-rebuild": {
        "task": "metrics.tasks.facts_rebuild",
        "schedule": crontab(hour=METRICS_REBUILD_HOUR, minute=15),
    },
}
STATICFILES_DIRS += [("vendor/chartjs", NODE_MODULES / "chart.js" / "dist")]

# --- gaps (notifications) ---
# twilio's HTTP client logs each request at INFO in about ten lines (URL, headers, response
# headers): per SMS, that is CPU on the delivery path and noise in the logs. Warnings only.
LOGGING["loggers"]["twilio.http_client"] = {"level": "WARNING"}
