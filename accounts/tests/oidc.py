"""Test helpers for national identity: a real OpenID Connect provider (npm `oidc-provider`),
tokens signed with our own key for forged-token tests, and a flow driver without a browser.

Test modules import the fixtures they use: `from accounts.tests.oidc import oidc_provider, ...`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tests" / "oidc_provider" / "server.mjs"
CLIENT_ID = "cong-dvc-test"
CLIENT_SECRET = "test-client-secret-0123456789"
CALLBACK_PATH = "/dinh-danh/oidc/vneid/callback/"
LOGIN_PATH = "/accounts/oidc/vneid/login/"

# The people the provider knows: what a tester types in its dev login form selects one.
CITIZEN_CLAIMS = {
    "name": "Trần Thị Ánh Tuyết",
    "birthdate": "1990-05-17",
    "gender": "female",
    "national_id": "080190001234",
    "email": "anh.tuyet@example.vn",
    "email_verified": True,
    "phone_number": "0912345678",
    "address": {"formatted": "Số 12, ấp Long Hòa, xã Long Thành Bắc, Tây Ninh"},
}
ACCOUNTS = {
    "tuyet": CITIZEN_CLAIMS,
    "clash": {
        **CITIZEN_CLAIMS,
        "name": "Người Trùng Lặp",
        "email": "chu.tai.khoan@example.vn",
        "national_id": "080185004321",
        "birthdate": "1985-01-02",
    },
    "staff": {
        "name": "Lê Văn Cán Bộ",
        "email": "vneid.canbo@example.vn",
        "birthdate": "1980-03-03",
        "national_id": "080080007777",
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class OidcProvider:
    issuer: str
    process: subprocess.Popen = field(repr=False)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_provider(redirect_uris: list[str], post_logout_uris: list[str]) -> OidcProvider:
    node = shutil.which("node")
    if node is None:
        pytest.fail("National-identity tests need Node.js (`node`) to run npm oidc-provider")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("npm oidc-provider is missing: run `npm ci`")
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(redirect_uris),
        "POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_uris),
        "ACCOUNTS_JSON": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        [node, str(SERVER)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oidc-provider exited with code {process.returncode}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                return OidcProvider(issuer=issuer, process=process)
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("oidc-provider did not answer within 20 s")


def vneid_providers_setting(issuer: str) -> dict:
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "vneid",
                    "name": "VNeID",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {
                        "server_url": issuer,
                        "issuer": issuer,
                        "token_auth_method": "client_secret_post",
                        "scope": ["openid", "profile", "email", "phone", "address"],
                        "oauth_pkce_enabled": True,
                    },
                }
            ],
        }
    }


@pytest.fixture(scope="session")
def oidc_provider():
    """npm oidc-provider for flows driven by Django's test client (host `testserver`)."""
    provider = start_provider([f"http://testserver{CALLBACK_PATH}"], ["http://testserver/"])
    yield provider
    provider.stop()


@pytest.fixture
def vneid(settings, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = vneid_providers_setting(oidc_provider.issuer)
    settings.SITE_URL = "http://testserver"
    return oidc_provider


# --- driving the flow without a browser ---------------------------------------------------------


def start_login(client, *, process: str = "login") -> str:
    """Posts the "Đăng nhập bằng VNeID" button; returns the provider's authorization URL."""
    response = client.post(LOGIN_PATH, {"process": process})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def provider_sign_in(authorize_url: str, login: str, *, back_to: str = CALLBACK_PATH) -> str:
    """Signs in at the provider's dev form and consents; returns the redirect back to us
    (`back_to`: the path of our callback)."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["Location"])
            if back_to in url:
                return url
            continue
        action = _form_action(response.text)
        form = {"login": login, "password": "x"} if 'name="login"' in response.text else {}
        form["prompt"] = "login" if form else "consent"
        response = browser.post(urljoin(url, action), data=form, allow_redirects=False, timeout=10)
        url = urljoin(url, response.headers["Location"])
        if back_to in url:
            return url
    raise AssertionError("the provider never redirected back to the portal")


def _form_action(html: str) -> str:
    start = html.index('action="') + len('action="')
    return html[start : html.index('"', start)]


def callback_path(redirect_url: str) -> tuple[str, dict]:
    parsed = urlparse(redirect_url)
    return parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()}


def full_sign_in(client, login: str = "tuyet", *, process: str = "login"):
    path, query = callback_path(provider_sign_in(start_login(client, process=process), login))
    return client.get(path, query)


def login_with_password(client, user) -> None:
    """Signs `user` in as if they had just typed their password (fresh for re-authentication)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def link_identity(user, *, issuer: str, subject: str) -> None:
    """An identity linked earlier (as the linking flow leaves it)."""
    from allauth.socialaccount.models import SocialAccount

    from accounts.models import NationalIdentity

    SocialAccount.objects.create(user=user, provider="vneid", uid=subject, extra_data={})
    NationalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
