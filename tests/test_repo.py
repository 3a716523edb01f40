"""Repository checks: the files that describe the project agree with the code."""

import os
import re
import subprocess
import tomllib
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_compose_runs_web_worker_beat_and_the_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "mail"} <= set(services)
    assert "gunicorn portal.wsgi:application" in services["web"]["command"]
    assert "celery -A portal beat" in services["beat"]["command"]
    assert services["web"]["environment"]["DJANGO_DEBUG"] == "false"
    assert "aiosmtpd" in services["mail"]["command"]


def test_compose_workers_consume_every_celery_queue():
    """The two workers of ADR 0345 between them: forms on prefork, the network-bound queues on
    threads."""
    from portal.celery import app

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    consumed: list[str] = []
    for name in ("worker", "worker-notifications"):
        command = compose["services"][name]["command"]
        consumed += re.search(r"-Q\s+(\S+)", command).group(1).split(",")
    assert sorted(consumed) == sorted(queue.name for queue in app.conf.task_queues)
    notifications = compose["services"]["worker-notifications"]["command"]
    assert "notifications" in notifications
    assert "--pool=threads --concurrency=16" in notifications


def test_compose_environment_uses_only_documented_variables():
    from tests.settings_table import ENV_EXAMPLE, names

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    documented = names(ENV_EXAMPLE.read_text(encoding="utf-8"))
    used = set(compose["services"]["web"]["environment"])
    assert used <= documented, sorted(used - documented)


def test_pre_commit_runs_the_projects_linters():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "djlint-django", "django-upgrade"} <= set(hooks)
    assert hooks["django-upgrade"]["args"] == ["--target-version", "5.2"]
    assert {"check-yaml", "end-of-file-fixer", "trailing-whitespace", "detect-private-key"} <= set(
        hooks
    )


def test_pyproject_configures_the_tools():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert pyproject["tool"]["djlint"]["profile"] == "django"
    assert (
        "weasyprint"
        in pyproject["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-module-level-imports"]
    )


def test_makefile_has_the_readme_commands():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE)
        assert f"make {target}" in readme


@pytest.mark.parametrize(
    "document",
    [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_relative_links_in_docs_point_to_files(document):
    broken = [
        target
        for target in LINK.findall(document.read_text(encoding="utf-8"))
        if "://" not in target
        and not target.startswith("mailto:")
        and not (document.parent / target).exists()
    ]
    assert not broken, f"{document.relative_to(ROOT)} links to missing files: {broken}"


def test_adr_numbers_are_unique_and_titled():
    adrs = sorted((ROOT / "docs" / "adr").glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert len(adrs) >= 9
    numbers = Counter(path.name[:4] for path in adrs)
    assert [n for n, count in numbers.items() if count > 1] == []
    for path in adrs:
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# "), path.name


def test_committed_screenshot_exists_for_the_readme():
    assert (ROOT / "docs" / "img" / "home.png").stat().st_size > 10_000


MAX_MODULE_LINES = 600
PRODUCT_PACKAGES = [
    "common", "accounts", "agencies", "procedures", "documents", "notifications", "dossiers",
    "payments", "helpdesk", "integrations", "metrics", "portal", "bench",
]  # fmt: skip
# Named exceptions, each owned by work in flight (issue #18): split them by concern, then remove
# them from here. The test fails when an exception is no longer needed. None left: the last one,
# procedures/search.py, is now the package procedures/search/.
LONG_MODULE_EXCEPTIONS: set[str] = set()


def test_no_module_is_longer_than_600_lines():
    """A module a newcomer can read (issue #18): split by concern before it grows past 600 lines.
    Tests and migrations are exempt."""
    modules = [
        path
        for package in PRODUCT_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]
    assert len(modules) > 300  # the packages are really found
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules
    }
    too_long = {
        name: lines
        for name, lines in lengths.items()
        if lines > MAX_MODULE_LINES and name not in LONG_MODULE_EXCEPTIONS
    }
    assert not too_long, f"split these by concern: {too_long}"
    healed = [name for name in LONG_MODULE_EXCEPTIONS if lengths.get(name, 0) <= MAX_MODULE_LINES]
    assert not healed, f"remove from LONG_MODULE_EXCEPTIONS: {healed}"


def _packages(mode: str) -> set[str]:
    done = subprocess.run(
        [str(ROOT / ".ci" / "setup-machine.sh"), *([mode] if mode else [])],
        env={**os.environ, "SETUP_MACHINE_LIST": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_setup_machine_installs_each_modes_packages():
    """`make run` gets the "# run" packages, `make test` all but the "# bench" ones, `make bench`
    the whole list: wrk is installed for the benchmarks, and only for them."""
    run, test, bench = _packages("--run"), _packages(""), _packages("--bench")
    assert "libpango-1.0-0" in run
    assert "chromium" not in run
    assert run <= test < bench
    assert "wrk" in bench
    assert "wrk" not in test


def test_every_bench_target_sets_up_the_machine_for_benchmarks():
    """The bench targets install what the benchmarks need, as `make test` does for the tests."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^(bench[\w-]*):(.*)$", makefile, re.MULTILINE))
    assert {"bench", "bench-quick", "bench-backoffice"} <= rules.keys()
    for target, prerequisites in rules.items():
        assert "machine-bench" in prerequisites.split(), target
    assert "npm" in rules["bench"].split()  # Lighthouse is an npm development dependency
