"""Helpdesk (1022): QĐ 766 indicator 5.2 deadlines, the one-time codes of anonymous reporters,
duplicates, the report map and the intake API (docs/helpdesk.md)."""

from portal.settings.core import env

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
# Map tiles for the report map; empty: markers on a blank background, no external server contacted
# (a tile server's origin is added to the CSP's img-src in `security`).
HELPDESK_MAP_TILE_URL = env.str("HELPDESK_MAP_TILE_URL", default="")
HELPDESK_MAP_TILE_ATTRIBUTION = env.str("HELPDESK_MAP_TILE_ATTRIBUTION", default="")
# Intake API tokens (hotline console, Zalo channel): "name=token,name2=token2".
HELPDESK_API_TOKENS = env.dict("HELPDESK_API_TOKENS", default={})
# Counter tablets and tracking lookups: tries per device or address per 10 minutes.
HELPDESK_KIOSK_ATTEMPTS = env.int("HELPDESK_KIOSK_ATTEMPTS", default=20)
