"""`make run`: the portal on the embedded default, as three processes that stop together.

    python -m portal.embedded [--port 8000]

- **web**: Django's development server on 127.0.0.1:PORT;
- **worker**: a Celery worker on every queue, so form issuance and signing, national sync,
  notification delivery and index refreshes run after the response, as in production;
- **beat**: Celery beat with the database scheduler (sweeps, digests, index refresh).

The broker is kombu's `filesystem://` transport: message files under `var/celery/`
(`CELERY_BROKER_FOLDER`), no server to install (ADR 0201). Ctrl-C (SIGINT) or SIGTERM stops all three; if one of them exits, the others
are stopped and its exit code is returned. Each child runs in its own process group so that the
development server's auto-reloader child is stopped with it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_BROKER_DIR = BASE_DIR / "var" / "celery"
QUEUES = "default,notifications,documents,sync"
# Below the web server's CPU priority: on one machine, rendering and signing a form (about a
# second of CPU) would otherwise slow the officer's next page as much as their own request does;
# in production the worker has a machine of its own (docs/deployment.md, ADR 0325).
BACKGROUND = frozenset({"worker", "beat"})
BACKGROUND_NICENESS = 10
STOP_GRACE_SECONDS = 10


def embedded_environment(port: int) -> dict[str, str]:
    """The variables every process of the embedded default shares (others come from .env)."""
    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "true")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    if not env.get("REDIS_URL"):
        env.setdefault("CELERY_BROKER_URL", "filesystem://")
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"  # a worker runs beside the server
    # Browsers keep static files a minute instead of revalidating each one on every page
    # (docs/benchmarks.md, issue 17); a hard reload still fetches a rebuilt stylesheet at once.
    env.setdefault("STATIC_MAX_AGE", "60")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def commands(port: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": [
            *(python, "-m", "celery", "-A", "portal", "worker", "-Q", QUEUES),
            # Threads, not forked processes: two tasks at a time is plenty on SQLite, and one
            # process keeps memory low on a laptop.
            *("--pool", "threads", "--concurrency", "2"),
            *("--without-gossip", "--without-mingle", "--loglevel", "INFO"),
        ],
        "beat": [
            *(python, "-m", "celery", "-A", "portal", "beat", "--loglevel", "INFO"),
            *("--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"),
            "--pidfile=",
        ],
    }


class Supervisor:
    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.children[name] = subprocess.Popen(  # noqa: S603 - our own commands
            argv,
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            preexec_fn=_lower_priority if name in BACKGROUND else None,
        )
        print(f"embedded: {name} started (pid {self.children[name].pid})", flush=True)

    def stop(self, *_signal_args: object) -> None:
        if self.stopping:
            return
        self.stopping = True
        for child in self.children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(child, signal.SIGKILL)  # the group: reloader children included
        print("embedded: stopped", flush=True)

    def watch(self) -> int:
        """Wait until a child exits or a signal asks to stop; then stop the rest."""
        code = 0
        while not self.stopping:
            for name, child in self.children.items():
                if child.poll() is not None:
                    print(f"embedded: {name} exited with {child.returncode}", flush=True)
                    code = child.returncode or 1
                    self.stop()
                    break
            time.sleep(0.5)
        return code


def _lower_priority() -> None:
    os.nice(BACKGROUND_NICENESS)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    env = embedded_environment(args.port)
    broker_dir = Path(env.get("CELERY_BROKER_FOLDER") or DEFAULT_BROKER_DIR)
    for folder in ("messages", "control"):
        (broker_dir / folder).mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor()
    signal.signal(signal.SIGINT, supervisor.stop)
    signal.signal(signal.SIGTERM, supervisor.stop)
    for name, argv_ in commands(args.port).items():
        supervisor.start(name, argv_, env)
    print(f"embedded: the portal is at {env['SITE_URL']}/ (Ctrl-C stops everything)", flush=True)
    return supervisor.watch()


if __name__ == "__main__":
    sys.exit(main())
