"""Documents: the e-data store's uploads, virus scanning, PDF rendering and signing, remote
signing by citizens (CSC API v2), and the rate limits of costly document actions
(docs/documents.md)."""

from pathlib import Path

from portal.settings.core import BASE_DIR, DEBUG, DEMO_MODE, SITE_URL, env, simulator_secret

DOCUMENTS_ALLOWED_TYPES = env.list(
    "DOCUMENTS_ALLOWED_TYPES", default=["application/pdf", "image/jpeg", "image/png"]
)
DOCUMENTS_MAX_FILE_BYTES = env.int("DOCUMENTS_MAX_FILE_MB", default=10) * 1024 * 1024
DOCUMENTS_MAX_DOSSIER_BYTES = env.int("DOCUMENTS_MAX_DOSSIER_MB", default=50) * 1024 * 1024
# Images larger than this (width × height, read from the header) are refused before decoding.
DOCUMENTS_MAX_IMAGE_PIXELS = env.int("DOCUMENTS_MAX_IMAGE_MEGAPIXELS", default=40) * 1_000_000
DOCUMENTS_PDF_VARIANT = env.str("DOCUMENTS_PDF_VARIANT", default="pdf/a-2b")
# "none" is allowed only with DEBUG on (a system check refuses it otherwise).
VIRUS_SCANNER = env.str("VIRUS_SCANNER", default="none" if DEBUG else "clamav")
CLAMAV_HOST = env.str("CLAMAV_HOST", default="127.0.0.1")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT = env.int("CLAMAV_TIMEOUT", default=10)

# --- Signing (the province's seals) ---------------------------------------------------------------
SIGNING_KEYSTORE = env.str("SIGNING_KEYSTORE", default="pkcs12")
SIGNING_KEYS_DIR = Path(env.str("SIGNING_KEYS_DIR", default=str(BASE_DIR / "var" / "signing-keys")))
SIGNING_KEYS_PASSPHRASE = env.str("SIGNING_KEYS_PASSPHRASE", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_TSA_TIMEOUT = env.int("SIGNING_TSA_TIMEOUT", default=10)
# PAdES level of every signature: B-LTA (timestamp, revocation data, document timestamp) when a
# TSA is configured, B-B otherwise (development without a TSA).
SIGNING_PADES_LEVEL = env.str("SIGNING_PADES_LEVEL", default="B-LTA" if SIGNING_TSA_URL else "B-B")
if SIGNING_KEYSTORE == "pkcs11":
    SIGNING_PKCS11_MODULE = env.str("SIGNING_PKCS11_MODULE")
    SIGNING_PKCS11_TOKEN_LABEL = env.str("SIGNING_PKCS11_TOKEN_LABEL")
    SIGNING_PKCS11_PIN = env.str("SIGNING_PKCS11_PIN")

# --- Remote signing by citizens ------------------------------------------------------------------
# Through a Cloud Signature Consortium (CSC API v2) service. Without a provider configured, the
# built-in simulator is used, and only with DEBUG or DEMO_MODE on (docs/adr/0210).
CSC_SIMULATOR_ENABLED = env.bool("CSC_SIMULATOR_ENABLED", default=DEMO_MODE)
REMOTE_SIGNING_ENABLED = env.bool("REMOTE_SIGNING_ENABLED", default=CSC_SIMULATOR_ENABLED)
if REMOTE_SIGNING_ENABLED and not CSC_SIMULATOR_ENABLED:
    REMOTE_SIGNING_URL = env.str("REMOTE_SIGNING_URL")
    REMOTE_SIGNING_TOKEN = env.str("REMOTE_SIGNING_TOKEN")
else:
    REMOTE_SIGNING_URL = env.str("REMOTE_SIGNING_URL", default=f"{SITE_URL}/kho-du-lieu/csc/v2/")
    REMOTE_SIGNING_TOKEN = env.str(
        "REMOTE_SIGNING_TOKEN",
        default=simulator_secret("csc_token") if CSC_SIMULATOR_ENABLED else "",
    )
REMOTE_SIGNING_TIMEOUT = env.int("REMOTE_SIGNING_TIMEOUT", default=15)

# Rate limits of costly document actions, "count/period" with period in s, m or h (e.g. 30/10m).
DOCUMENTS_UPLOAD_RATE_LIMIT = env.str("DOCUMENTS_UPLOAD_RATE_LIMIT", default="30/10m")
DOCUMENTS_VERIFY_RATE_LIMIT = env.str("DOCUMENTS_VERIFY_RATE_LIMIT", default="20/m")
DOCUMENTS_SIGN_RATE_LIMIT = env.str("DOCUMENTS_SIGN_RATE_LIMIT", default="10/10m")
