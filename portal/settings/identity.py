"""National identity sign-in (VNeID, OpenID Connect) through allauth's socialaccount
(docs/identity.md).

The provider is allauth's `openid_connect` under the id "vneid". With no issuer configured and
DEMO_MODE on (`make run`), a local simulator inside the portal plays the provider.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from portal.settings.core import DEMO_MODE, SITE_URL, env, simulator_secret
from portal.settings.files import MEDIA_ROOT

VNEID_PROVIDER_ID = "vneid"
VNEID_ISSUER_URL = env.str("VNEID_ISSUER_URL", default="").rstrip("/")
VNEID_SIMULATOR = env.bool("VNEID_SIMULATOR", default=DEMO_MODE and not VNEID_ISSUER_URL)
VNEID_ENABLED = env.bool("VNEID_ENABLED", default=VNEID_SIMULATOR)
VNEID_SIMULATOR_ISSUER = f"{SITE_URL}/dinh-danh/gia-lap-vneid"
VNEID_CLIENT_ID = env.str("VNEID_CLIENT_ID", default="cong-dvc-tay-ninh" if VNEID_SIMULATOR else "")
VNEID_CLIENT_SECRET = env.str(
    "VNEID_CLIENT_SECRET", default=simulator_secret("vneid_client") if VNEID_SIMULATOR else ""
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
# The sign-in button and the logout form POST here and are redirected to the provider: the
# browser checks such redirects against the CSP's `form-action` (built in `security`), so the
# provider's origin must be listed.
VNEID_FORM_ACTION_ORIGINS = env.list("VNEID_FORM_ACTION_ORIGINS", default=[])


def vneid_app(issuer: str, client_id: str, secret: str) -> dict[str, Any]:
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


SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {}
if VNEID_ENABLED:
    _issuer = VNEID_ISSUER_URL or (VNEID_SIMULATOR_ISSUER if VNEID_SIMULATOR else "")
    if not (_issuer and VNEID_CLIENT_ID):
        raise ImproperlyConfigured("VNEID_ENABLED needs VNEID_ISSUER_URL and VNEID_CLIENT_ID.")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [vneid_app(_issuer, VNEID_CLIENT_ID, VNEID_CLIENT_SECRET)],
    }
    _issuer_parts = urlsplit(_issuer)
    VNEID_FORM_ACTION_ORIGINS.append(f"{_issuer_parts.scheme}://{_issuer_parts.netloc}")
SOCIALACCOUNT_ADAPTER = "accounts.identity.adapter.IdentityAdapter"
# Never sign anyone in to, or attach to, an account because an e-mail matches: linking is explicit.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the national identity vouches for the person
SOCIALACCOUNT_STORE_TOKENS = False  # provider tokens are sensitive data (Decree 356/2025)
SOCIALACCOUNT_LOGIN_ON_GET = False
