"""Security headers and cookie flags as production serves them.

The portal is started in a fresh interpreter with production variables only (DEBUG off, a real
secret, an allowed host, a throw-away SQLite database), as `tests/test_settings_env.py` does,
and real requests go through the whole middleware stack with Django's test client over "https".
"""

from __future__ import annotations

import json
import secrets

import pytest

from tests.test_settings_env import run

pytestmark = pytest.mark.slow

HOST = "dichvucong.tayninh.gov.vn"

PROBE = r"""
import json, django
from django.conf import settings
# Static files are not collected here: plain storage instead of the manifest (headers unchanged).
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.test import Client
from accounts.tests.factories import CitizenFactory, DEFAULT_PASSWORD
from allauth.account.models import EmailAddress

user = CitizenFactory()
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
client = Client(HTTP_HOST="%(host)s")

def cookies(response):
    out = {}
    for name, morsel in response.cookies.items():
        out[name] = {
            "secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"], "path": morsel["path"], "domain": morsel["domain"],
        }
    return out

plain = client.get("/", secure=False)
home = client.get("/", secure=True)
login_page = client.get("/accounts/login/", secure=True)
login = client.post(
    "/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}, secure=True
)
print(json.dumps({
    "plain": {"status": plain.status_code, "location": plain.get("Location", "")},
    "home": {"status": home.status_code, "headers": dict(home.headers)},
    "login_page": {"cookies": cookies(login_page)},
    "login": {"status": login.status_code, "cookies": cookies(login)},
}))
"""


def _throwaway_database_url() -> str:
    """A fresh PostgreSQL database next to the test one (the migrations use PostgreSQL SQL)."""
    from django.db import connection

    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_prod_{secrets.token_hex(4)}"
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}" if password else user
    return f"postgres://{auth}@{host}:{port}/{name}", name


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker):
    from django.db import connection

    url, name = _throwaway_database_url()
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        result = run(
            ["-c", PROBE % {"host": HOST}],
            DJANGO_SETTINGS_MODULE="portal.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            DJANGO_ALLOWED_HOSTS=HOST,
            DATABASE_URL=url,
        )
    finally:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(production):
    assert production["plain"]["status"] == 301
    assert production["plain"]["location"].startswith(f"https://{HOST}/")


def test_security_headers_on_a_page(production):
    assert production["home"]["status"] == 200
    headers = {k.lower(): v for k, v in production["home"]["headers"].items()}
    hsts = headers["strict-transport-security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in csp.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in directives.get("script-src", "")
    assert "'unsafe-eval'" not in directives.get("script-src", "")
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert "server" not in headers or "python" not in headers["server"].lower()


def test_csrf_cookie_flags(production):
    cookie = production["login_page"]["cookies"]["__Host-csrftoken"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] in ("Lax", "Strict")


def test_session_cookie_flags_on_sign_in(production):
    assert production["login"]["status"] == 302
    cookie = production["login"]["cookies"]["__Host-sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] in ("Lax", "Strict")
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""  # host-only: not shared with other *.tayninh.gov.vn sites


def test_cookie_names_carry_the_host_prefix(production):
    names = set(production["login"]["cookies"]) | set(production["login_page"]["cookies"])
    # The cookies that carry authority (session, CSRF) are __Host-; the only other one is
    # Django's signed flash-message cookie, which grants nothing.
    assert {"__Host-sessionid", "__Host-csrftoken"} <= names
    assert names - {"__Host-sessionid", "__Host-csrftoken"} <= {"messages"}, names
