"""Fixtures every app's tests may use: users by role, a signed-in client, a real browser."""

import os

import pytest

# Every test fails when the code opens a network connection inside a transaction (ADR 0180).
pytest_plugins = ["tests.network_guard"]

# Playwright's sync API runs an event loop in the test thread; Django's live server is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached lookups must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def citizen(db):
    from accounts.tests.factories import CitizenFactory

    return CitizenFactory()


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def staff_user(db):
    from accounts.tests.factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def staff_client(client, staff_user):
    """A staff member signed in with a second factor, as the MFA policy requires."""
    from accounts.tests.factories import login_with_mfa

    login_with_mfa(client, staff_user)
    return client


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def csp_violations(page):
    """Every Content-Security-Policy violation the page reports (inline code the CSP blocked)."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


@pytest.fixture
def axe():
    """Runs axe-core (from npm) on a Playwright page; returns the WCAG 2.1 A/AA violations.

    axe is evaluated through the DevTools protocol: an injected <script> tag would be refused by
    the portal's CSP (no 'unsafe-inline'), which is as it should be.
    """
    from pathlib import Path

    script = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        pytest.fail("axe-core is missing: run `npm ci`")
    source = script.read_text(encoding="utf-8")

    def run(page):
        page.evaluate(f"() => {{ {source}\n }}")
        result = page.evaluate(
            """async () => await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]],
            }
            for v in result["violations"]
        ]

    return run


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    """A real test PKI (certomancer: root and issuing CA, OCSP, CRLs, RFC 3161 TSA) served over
    HTTP on 127.0.0.1 (documents/tests/pki.py); the signing and verification tests use it."""
    from documents.tests.pki import start_test_pki

    pki = start_test_pki(tmp_path_factory.mktemp("test-pki"))
    try:
        yield pki
    finally:
        pki.stop()
