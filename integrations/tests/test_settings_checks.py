"""A provider is off unless enabled; enabled without its secrets the app refuses to start. EMC."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from integrations.checks import configuration_errors, integrations_configured

ROOT = Path(__file__).resolve().parents[2]


def test_everything_off_is_fine(settings):
    settings.DVCQG_ENABLED = False
    settings.VNPOST_ENABLED = False
    assert configuration_errors() == []


def test_enabled_without_secrets_is_an_error(settings):
    settings.DVCQG_ENABLED = True
    settings.DVCQG_SIMULATOR_ENABLED = False
    settings.DVCQG_ADAPTER_URL = "https://lgsp.tayninh.gov.vn/dvcqg"
    settings.DVCQG_USERNAME = "tayninh"
    settings.DVCQG_PASSWORD = ""
    settings.DVCQG_AGENCY_CODE = ""
    settings.VNPOST_ENABLED = False
    errors = integrations_configured()
    assert {e.id for e in errors} == {"integrations.E001"}
    assert any("DVCQG_PASSWORD" in e.msg for e in errors)
    assert any("DVCQG_AGENCY_CODE" in e.msg for e in errors)


def test_simulator_refused_in_production(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    settings.VNPOST_ENABLED = True
    settings.VNPOST_SIMULATOR_ENABLED = True
    settings.DVCQG_ENABLED = False
    assert any("VNPOST_SIMULATOR_ENABLED" in m for m in configuration_errors())


def _run(**env: str) -> subprocess.CompletedProcess:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, "PYTHONDONTWRITEBYTECODE": "1", "DJANGO_SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_the_app_refuses_to_start_enabled_without_secrets():
    result = _run(DVCQG_ENABLED="true", DVCQG_ADAPTER_URL="https://lgsp.example.vn")
    assert result.returncode != 0
    assert "DVCQG_USERNAME" in result.stderr
    assert "DVCQG_PASSWORD" in result.stderr
    ok = _run(DJANGO_DEBUG="true")  # the embedded default: simulators on, check passes
    assert ok.returncode == 0, ok.stderr


def test_emc_script_on_public_pages_only(client, settings, db):
    settings.EMC_TRACKING_SCRIPT_URL = "https://emc.example.gov.vn/tracking.js"
    settings.EMC_SITE_ID = "tayninh-dvc"
    page = client.get("/").content.decode()
    assert (
        '<script src="https://emc.example.gov.vn/tracking.js" data-site-id="tayninh-dvc" async>'
        in page
    )
    settings.EMC_TRACKING_SCRIPT_URL = ""
    assert "emc.example.gov.vn" not in client.get("/").content.decode()


def test_emc_not_on_back_office_pages(rf, settings):
    from integrations.context_processors import emc

    settings.EMC_TRACKING_SCRIPT_URL = "https://emc.example.gov.vn/tracking.js"
    assert emc(rf.get("/thu-tuc/"))["EMC_TRACKING_SCRIPT_URL"]
    assert emc(rf.get("/office/")) == {}


@pytest.mark.slow
def test_emc_origin_joins_the_csp():
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    code = (
        "import json, portal.settings as s; "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SECRET_KEY": "x" * 50,
            "EMC_TRACKING_SCRIPT_URL": "https://emc.example.gov.vn/t/tracking.js",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "https://emc.example.gov.vn" in result.stdout
