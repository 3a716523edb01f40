"""Settings come from the environment: every variable documented, sane embedded defaults,
production checks clean. Each case imports the settings in a fresh interpreter with a clean env."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.settings_table import (
    END,
    ENV_EXAMPLE,
    README,
    START,
    names,
    parse_env_example,
    render_table,
)

ROOT = Path(__file__).resolve().parent.parent
# The settings entry and its modules by concern (portal/settings/).
SETTINGS_MODULES = sorted((ROOT / "portal" / "settings").glob("*.py"))
# env("NAME" ...), env.str("NAME" ...), env.db_url(\n "NAME" ...)
ENV_READ = re.compile(r"""\benv(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")

PROBE = """
import json, portal.settings as s
print(json.dumps({
    "db_engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "cache": s.CACHES["default"]["BACKEND"],
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "email": s.EMAIL_BACKEND,
    "debug": s.DEBUG,
    "time_zone": s.TIME_ZONE,
    "language": s.LANGUAGE_CODE,
    "languages": [code for code, _ in s.LANGUAGES],
    "use_tz": s.USE_TZ,
    "static_max_age": s.WHITENOISE_MAX_AGE,
}))
"""


def clean_env(**variables: str) -> dict[str, str]:
    """Only what a shell needs, plus the given variables: nothing leaks from the test run."""
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return {**base, "PYTHONDONTWRITEBYTECODE": "1", **variables}


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe(**variables: str) -> dict:
    result = run(["-c", PROBE], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_variable_read_by_settings_is_in_env_example():
    assert len(SETTINGS_MODULES) > 10  # the settings package really is found
    read = {
        name
        for module in SETTINGS_MODULES
        for name in ENV_READ.findall(module.read_text(encoding="utf-8"))
    }
    assert len(read) > 20  # the regex really finds the reads (guards against a silent no-op)
    documented = names(ENV_EXAMPLE.read_text(encoding="utf-8"))
    missing = sorted(read - documented)
    assert not missing, f"add these to .env.example with a one-line comment: {missing}"


ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)\s*(?::[^=\n]+)?=(?!=)", re.MULTILINE)


def test_each_setting_is_defined_in_one_module_and_the_beat_schedule_and_csp_once():
    """Settings by concern (ADR 0190): no module redefines another's setting, and the two values
    every app contributes to are built in one place each."""
    defined_in: dict[str, set[str]] = {}
    assignments: dict[str, int] = {}
    for module in SETTINGS_MODULES:
        for name in ASSIGNMENT.findall(module.read_text(encoding="utf-8")):
            defined_in.setdefault(name, set()).add(module.name)
            assignments[name] = assignments.get(name, 0) + 1
    assert "DEBUG" in defined_in  # the regex really finds assignments
    shared = {name: sorted(modules) for name, modules in defined_in.items() if len(modules) > 1}
    assert not shared, f"define each setting in one module: {shared}"
    assert defined_in["CELERY_BEAT_SCHEDULE"] == {"celery.py"}
    assert assignments["CELERY_BEAT_SCHEDULE"] == 1
    assert defined_in["CONTENT_SECURITY_POLICY"] == {"security.py"}
    assert assignments["CONTENT_SECURITY_POLICY"] == 1


def test_csp_lists_the_origins_of_every_enabled_provider_once():
    code = (
        "import json, portal.settings as s; "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']))"
    )
    result = run(
        ["-c", code],
        DJANGO_DEBUG="true",
        VNEID_ENABLED="true",
        VNEID_ISSUER_URL="https://id.vneid.example/oidc",
        VNEID_CLIENT_ID="portal",
        VNEID_FORM_ACTION_ORIGINS="https://id.vneid.example,https://logout.vneid.example",
        PAYMENT_VNPAY_ENABLED="true",
        PAYMENT_VNPAY_TMN_CODE="T",
        PAYMENT_VNPAY_HASH_SECRET="h",
        PAYMENT_VNPAY_PAY_URL="https://pay.vnpay.example/paymentv2/vpcpay.html",
        PAYMENT_VNPAY_API_URL="https://api.vnpay.example/x",
        PAYMENT_VNPAY_RETURN_URL="https://portal.example/r/",
        PAYMENT_SIMULATOR_ENABLED="false",
        HELPDESK_MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png",
        EMC_TRACKING_SCRIPT_URL="https://emc.example/script.js",
    )
    assert result.returncode == 0, result.stderr
    directives = json.loads(result.stdout)
    assert directives["form-action"] == [
        "'self'",
        "https://id.vneid.example",
        "https://logout.vneid.example",
        "https://pay.vnpay.example",
    ]
    assert directives["img-src"] == [
        "'self'",
        "data:",
        "blob:",
        "https://*.tile.example.org",
        "https://emc.example",
    ]
    assert directives["script-src"] == ["'self'", "https://emc.example"]
    assert directives["connect-src"] == ["'self'", "https://emc.example"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_every_variable_in_env_example_has_a_comment():
    undocumented = [
        v.name
        for v in parse_env_example(ENV_EXAMPLE.read_text(encoding="utf-8"))
        if not v.description
    ]
    assert not undocumented, f"give these a comment line in .env.example: {undocumented}"


def test_readme_settings_table_matches_env_example():
    readme = README.read_text(encoding="utf-8")
    assert START in readme
    assert END in readme
    table = readme.split(START, 1)[1].split(END, 1)[0].strip()
    expected = render_table(parse_env_example(ENV_EXAMPLE.read_text(encoding="utf-8")))
    assert table == expected, "run `.venv/bin/python -m tests.settings_table --write`"


def test_make_run_keeps_static_files_a_minute(monkeypatch):
    """With DEBUG alone WhiteNoise says max-age=0 (every page revalidates its static files through
    runserver); `make run`'s environment keeps them a minute, production keeps its 60 s."""
    from portal.embedded import embedded_environment

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)  # as a person's shell runs `make run`
    monkeypatch.delenv("STATIC_MAX_AGE", raising=False)
    assert probe(DJANGO_DEBUG="true")["static_max_age"] == 0
    made_by_make_run = {
        key: value
        for key, value in embedded_environment(8000).items()
        if key in ("DJANGO_DEBUG", "STATIC_MAX_AGE")
    }
    assert made_by_make_run == {"DJANGO_DEBUG": "true", "STATIC_MAX_AGE": "60"}
    assert probe(**made_by_make_run)["static_max_age"] == 60


def test_embedded_default_without_any_variable(tmp_path):
    values = probe(DJANGO_DEBUG="true")
    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["time_zone"] == "Asia/Ho_Chi_Minh"
    assert values["use_tz"] is True
    assert values["language"] == "vi"
    assert values["languages"] == ["vi", "en"]


def test_database_and_redis_urls_switch_to_the_real_services():
    values = probe(
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://portal:pw@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/2",
        EMAIL_URL="smtp://mail.example:1025",
    )
    assert values["db_engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "portal"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.example:6379/2"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_secret_key_is_required_when_debug_is_off():
    result = run(["-c", "import portal.settings"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
    assert run(["-c", "import portal.settings"], DJANGO_SECRET_KEY="x" * 50).returncode == 0


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="dichvucong.tayninh.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        # Production signs at PAdES B-LTA: without a TSA, check --deploy warns (documents.W001).
        SIGNING_TSA_URL="https://tsa.example.vn/",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_no_missing_migrations(tmp_path):
    """May fail while a model change waits for its migration: that is what it is for."""
    result = run(
        ["manage.py", "makemigrations", "--check", "--dry-run"],
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'migrations.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_celery_queues_and_reliability_settings():
    from django.conf import settings

    from portal.celery import app

    assert [queue.name for queue in app.conf.task_queues] == [
        "default",
        "notifications",
        "documents",
        "sync",
    ]
    assert app.conf.task_default_queue == "default"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed <= {queue.name for queue in app.conf.task_queues}


def test_celery_routes_send_tasks_to_their_queue():
    from portal.celery import app

    router = app.amqp.router
    assert (
        router.route({}, "notifications.tasks.notification_send")["queue"].name == "notifications"
    )
    assert router.route({}, "documents.tasks.render_pdf")["queue"].name == "documents"
    assert router.route({}, "integrations.tasks.sync_dossier")["queue"].name == "sync"
    assert router.route({}, "dossiers.tasks.sweep")["queue"].name == "default"
