"""The VNeID simulator of `make run`: a real OpenID Connect round trip over HTTP, portal to itself."""

import base64
import hashlib
import re

import pytest
import requests

from accounts.constants import AssuranceLevel
from accounts.models import CitizenProfile

pytestmark = pytest.mark.django_db(transaction=True)
SIM = "/dinh-danh/gia-lap-vneid"


@pytest.fixture
def simulator(live_server, settings, tmp_path):
    from accounts.identity.simulator import keys

    keys.signing_key.cache_clear()
    issuer = f"{live_server.url}{SIM}"
    settings.SITE_URL = live_server.url
    settings.VNEID_SIMULATOR = True
    settings.VNEID_SIMULATOR_ISSUER = issuer
    settings.VNEID_SIMULATOR_KEY_PATH = tmp_path / "key.pem"
    settings.VNEID_CLIENT_ID = "cong-dvc-tay-ninh"
    settings.VNEID_CLIENT_SECRET = "simulator-only-secret"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "vneid",
                    "name": "VNeID",
                    "client_id": "cong-dvc-tay-ninh",
                    "secret": "simulator-only-secret",
                    "settings": {
                        "server_url": issuer,
                        "issuer": issuer,
                        "oauth_pkce_enabled": True,
                    },
                }
            ]
        }
    }
    yield live_server.url
    keys.signing_key.cache_clear()


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_demo_citizen_signs_in_and_sees_a_verified_profile(simulator):
    browser = requests.Session()
    page = browser.get(f"{simulator}/dinh-danh/dang-nhap/")
    assert "GIẢ LẬP VNeID" in page.text
    authorize = browser.post(
        f"{simulator}/accounts/oidc/vneid/login/",
        {"csrfmiddlewaretoken": _csrf(page.text), "process": "login"},
        headers={"Referer": page.url},
    )
    assert "Chọn công dân mẫu" in authorize.text
    assert "Nguyễn Văn An" in authorize.text
    form = {**_hidden_fields(authorize.text), "sub": "demo-citizen-1"}
    done = browser.post(authorize.url, form, headers={"Referer": authorize.url})
    assert done.status_code == 200

    overview = browser.get(f"{simulator}/dinh-danh/")
    assert "Nguyễn Văn An" in overview.text
    assert "080085012345" in overview.text
    profile = CitizenProfile.objects.get(id_number="080085012345")
    assert profile.assurance_level == AssuranceLevel.LEVEL_2
    assert profile.verified_at is not None


def test_token_endpoint_checks_pkce_and_single_use_codes(simulator):
    from django.core.cache import cache

    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    grant = {
        "sub": "demo-citizen-2",
        "client_id": "cong-dvc-tay-ninh",
        "redirect_uri": f"{simulator}/dinh-danh/oidc/vneid/callback/",
        "nonce": "n1",
        "code_challenge": challenge.decode(),
        "scope": "openid profile",
        "auth_time": 0,
    }
    cache.set("vneid-sim:code:abc", grant, 60)
    body = {
        "grant_type": "authorization_code",
        "code": "abc",
        "redirect_uri": grant["redirect_uri"],
        "client_id": "cong-dvc-tay-ninh",
        "client_secret": "simulator-only-secret",
    }
    assert (
        requests.post(
            f"{simulator}{SIM}/token", {**body, "code_verifier": "x" * 50}, timeout=10
        ).status_code
        == 400
    )
    cache.set("vneid-sim:code:abc", grant, 60)
    ok = requests.post(f"{simulator}{SIM}/token", {**body, "code_verifier": verifier}, timeout=10)
    assert ok.status_code == 200
    assert ok.json()["id_token"].count(".") == 2
    replay = requests.post(
        f"{simulator}{SIM}/token", {**body, "code_verifier": verifier}, timeout=10
    )
    assert replay.json()["error"] == "invalid_grant"


def test_simulator_is_off_unless_enabled(client, settings):
    settings.VNEID_SIMULATOR = False
    assert client.get(f"{SIM}/.well-known/openid-configuration").status_code == 404
