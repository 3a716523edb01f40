"""/healthz reports the database, the cache and the broker; 503 when one of them is down."""

import json
import logging
from datetime import datetime

from django.test import override_settings

import pytest

from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
UNREACHABLE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}
}


def test_ok_on_postgres_and_redis(client, settings):
    assert settings.USING_POSTGRES
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["cache"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True, "mode": "eager"}


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_broker_is_probed_when_tasks_go_to_a_worker(client):
    assert celery_app.conf.broker_url.startswith("redis://")
    body = client.get("/healthz").json()
    assert body["checks"]["broker"] == {"ok": True}
    assert body["status"] == "ok"


@override_settings(CACHES=UNREACHABLE_CACHE)
def test_degraded_503_when_the_cache_is_unreachable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"] == {"ok": True}


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_degraded_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", CLOSED_PORT)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_healthz_answers_get_and_head_only(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@override_settings(CACHES=UNREACHABLE_CACHE)
def test_failed_check_logs_one_json_line_with_the_request_id(client):
    """The console handler of settings.LOGGING writes JSON carrying the request's id."""
    console = next(h for h in logging.getLogger().handlers if "Json" in type(h.formatter).__name__)
    lines: list[str] = []
    capture = logging.Handler()
    capture.setFormatter(console.formatter)
    for log_filter in console.filters:
        capture.addFilter(log_filter)
    capture.emit = lambda record: lines.append(capture.format(record))  # type: ignore[method-assign]
    logging.getLogger().addHandler(capture)
    try:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="req-2026-abc")
    finally:
        logging.getLogger().removeHandler(capture)
    assert response["X-Request-ID"] == "req-2026-abc"
    records = [json.loads(line) for line in lines]  # every line is a JSON object
    failure = next(r for r in records if r["logger"] == "portal.views")
    assert failure["level"] == "WARNING"
    assert failure["request_id"] == "req-2026-abc"
    assert "health check cache failed" in failure["message"]
    logged_at = datetime.fromisoformat(failure["time"])  # ISO 8601 with the UTC offset
    assert logged_at.utcoffset() is not None


def test_request_id_is_made_when_missing_or_unsafe(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    unsafe = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n<script>")["X-Request-ID"]
    assert unsafe != "bad id\n<script>"
    assert len(unsafe) == 32
