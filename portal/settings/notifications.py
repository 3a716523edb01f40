"""Notifications: the outbox and its channels, Twilio (SMS) and Zalo (docs/notifications.md).

Providers are off by default: with DEBUG or DEMO_MODE on, the channels then talk to the local
Twilio and Zalo simulators served by this site under /thong-bao/mo-phong/ (docs/adr/0210). An enabled provider reads its secrets without a
default, so a missing one stops the app at start-up.
"""

from django.core.exceptions import ImproperlyConfigured

from portal.settings.core import DEMO_MODE, SITE_URL, env, simulator_secret

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
# Rows per notifications delivery task (fewer broker and database round trips).
NOTIFICATIONS_TASK_BATCH = env.int("NOTIFICATIONS_TASK_BATCH", default=10)

# --- Twilio (SMS) ---------------------------------------------------------------------------------
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
# The local simulators: with DEBUG off only in DEMO_MODE (docs/adr/0210). With neither the
# provider nor its simulator, sends fail as "not configured".
TWILIO_SIMULATOR_ENABLED = env.bool(
    "TWILIO_SIMULATOR_ENABLED", default=DEMO_MODE and not TWILIO_ENABLED
)
if not TWILIO_ENABLED:
    TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
    TWILIO_AUTH_TOKEN = simulator_secret("twilio_auth_token") if TWILIO_SIMULATOR_ENABLED else ""
    TWILIO_MESSAGING_SERVICE_SID = ""
    TWILIO_FROM_NUMBER = "DVCTayNinh"
    TWILIO_API_BASE_URL = f"{NOTIFICATIONS_SIMULATOR_BASE_URL}/thong-bao/mo-phong/twilio"

# --- Zalo ----------------------------------------------------------------------------------------
ZALO_ENABLED = env.bool("ZALO_ENABLED", default=False)
if ZALO_ENABLED:
    ZALO_APP_ID = env.str("ZALO_APP_ID")
    ZALO_APP_SECRET = env.str("ZALO_APP_SECRET")
    ZALO_REFRESH_TOKEN = env.str("ZALO_REFRESH_TOKEN")
    ZALO_TEMPLATE_IDS = env.dict("ZALO_TEMPLATE_IDS")
    ZALO_OAUTH_URL = env.str("ZALO_OAUTH_URL", default="https://oauth.zaloapp.com")
    ZALO_API_URL = env.str("ZALO_API_URL", default="https://business.openapi.zalo.me")
ZALO_SIMULATOR_ENABLED = env.bool("ZALO_SIMULATOR_ENABLED", default=DEMO_MODE and not ZALO_ENABLED)
if not ZALO_ENABLED:
    ZALO_APP_ID = "1000000000000000001"
    ZALO_APP_SECRET = simulator_secret("zalo_app_secret") if ZALO_SIMULATOR_ENABLED else ""
    ZALO_REFRESH_TOKEN = simulator_secret("zalo_refresh_token") if ZALO_SIMULATOR_ENABLED else ""
    ZALO_TEMPLATE_IDS = env.dict("ZALO_TEMPLATE_IDS", default={})
    ZALO_OAUTH_URL = f"{NOTIFICATIONS_SIMULATOR_BASE_URL}/thong-bao/mo-phong/zalo/oauth"
    ZALO_API_URL = f"{NOTIFICATIONS_SIMULATOR_BASE_URL}/thong-bao/mo-phong/zalo/api"
