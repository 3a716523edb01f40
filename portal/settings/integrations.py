"""Integrations: National Public Service Portal (DVCQG) sync, VNPost postal legs and the EMC
tracking snippet (docs/integrations.md).

Each provider is off unless enabled; enabled against the real service without its secrets, the
app refuses to start (`integrations.checks`). With DEMO_MODE on and no adapter URL, the local
simulators under /tich-hop/mo-phong/ play the other party.
"""

from portal.settings.core import DEMO_MODE, SITE_URL, env, simulator_secret

# --- DVCQG ---------------------------------------------------------------------------------------
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
    "DVCQG_PASSWORD", default=simulator_secret("dvcqg_password") if DVCQG_SIMULATOR_ENABLED else ""
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

# --- VNPost ----------------------------------------------------------------------------------------
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
    "VNPOST_API_TOKEN",
    default=simulator_secret("vnpost_api_token") if VNPOST_SIMULATOR_ENABLED else "",
)
VNPOST_CALLBACK_SECRET = env.str(
    "VNPOST_CALLBACK_SECRET",
    default=simulator_secret("vnpost_callback_secret") if VNPOST_SIMULATOR_ENABLED else "",
)
VNPOST_CALLBACK_URL = env.str(
    "VNPOST_CALLBACK_URL", default=f"{SITE_URL}/tich-hop/vnpost/callback/"
)
VNPOST_TIMEOUT_SECONDS = env.float("VNPOST_TIMEOUT_SECONDS", default=10.0)

# --- EMC (NĐ 42/2022) ------------------------------------------------------------------------------
# The monitoring script every public page must load before go-live (its origin joins the CSP in
# `security`).
EMC_TRACKING_SCRIPT_URL = env.str("EMC_TRACKING_SCRIPT_URL", default="")
EMC_SITE_ID = env.str("EMC_SITE_ID", default="")
