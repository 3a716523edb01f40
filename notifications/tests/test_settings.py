import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "ZALO_"))}
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=ROOT,
        env={**clean, "DJANGO_SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"TWILIO_ENABLED": "true"},
        {"TWILIO_ENABLED": "true", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"},
        {"ZALO_ENABLED": "true", "ZALO_APP_ID": "1"},
    ],
)
def test_enabled_provider_without_secrets_refuses_to_start(env):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_enabled_provider_with_secrets_starts_and_turns_its_simulator_off():
    code = "import portal.settings as s; print(s.TWILIO_SIMULATOR_ENABLED, repr(s.TWILIO_API_BASE_URL))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SECRET_KEY": "x",
            "TWILIO_ENABLED": "true",
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "t",
            "TWILIO_FROM_NUMBER": "+15005550006",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ''"


def test_embedded_default_uses_the_simulators_and_schedules_the_sweeper():
    assert settings.TWILIO_SIMULATOR_ENABLED
    assert settings.ZALO_SIMULATOR_ENABLED
    assert settings.TWILIO_API_BASE_URL.endswith("/thong-bao/mo-phong/twilio")
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "notifications.tasks.notification_sweep",
        "notifications.tasks.notification_digest_send",
    } <= tasks
    assert settings.CELERY_TASK_ROUTES["notifications.*"] == {"queue": "notifications"}
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_every_notification_setting_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    names = [n for n in dir(settings) if n.startswith(("NOTIFICATIONS_", "TWILIO_", "ZALO_"))]
    derived = {"TWILIO_SIMULATOR_ENABLED", "ZALO_SIMULATOR_ENABLED", "TWILIO_API_BASE_URL"}
    missing = [n for n in names if n not in derived and f"\n{n}=" not in example]
    assert missing == []


def test_twilio_http_client_logs_only_warnings():
    """Its INFO lines (every request's URL and headers) cost CPU per SMS and flood the logs."""
    import logging

    assert logging.getLogger("twilio.http_client").getEffectiveLevel() == logging.WARNING
