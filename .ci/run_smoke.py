"""CI proves the README's first command: start `make run` from this checkout, wait for the portal,
fetch the home page, a procedure page, the sign-in page and /healthz, then stop everything.

    python3 .ci/run_smoke.py            # port 8000, as the README promises (RUN_PORT to change)

Exits non-zero when `make run` does not serve, when a page does not answer 200, or when the
processes do not all stop. Standard library only: it runs before the project's venv exists.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("RUN_PORT", "8000"))
BASE = f"http://127.0.0.1:{PORT}"
START_TIMEOUT = int(os.environ.get("RUN_SMOKE_START_TIMEOUT", "900"))  # a first run installs deps


def fetch(path: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(BASE + path, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def answers() -> bool:
    try:
        return fetch("/", timeout=5)[0] == 200
    except OSError:
        return False


def check_pages() -> list[str]:
    failures = []
    status, home = fetch("/")
    if status != 200 or "Tây Ninh" not in home:
        failures.append(f"home: HTTP {status}")
    status, catalogue = fetch("/thu-tuc/")
    codes = re.findall(r'href="/thu-tuc/(\d+\.\d{6})/"', catalogue)
    if status != 200 or not codes:
        failures.append(f"catalogue: HTTP {status}, {len(codes)} procedure links")
    else:
        status, _ = fetch(f"/thu-tuc/{codes[0]}/")
        if status != 200:
            failures.append(f"procedure {codes[0]}: HTTP {status}")
    status, login = fetch("/accounts/login/")
    if status != 200 or 'name="password"' not in login:
        failures.append(f"sign-in: HTTP {status}")
    status, health = fetch("/healthz")
    if status != 200 or json.loads(health).get("status") != "ok":
        failures.append(f"healthz: HTTP {status} {health[:200]}")
    return failures


def leftover_processes() -> list[str]:
    """Processes still running in this checkout that `make run` starts (server, worker, beat)."""
    left = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cwd = (proc / "cwd").resolve()
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        command = " ".join(a.decode("utf-8", "replace") for a in argv)
        if cwd == ROOT and ("runserver" in command or "celery" in command):
            left.append(f"{proc.name}: {command[:80]}")
    return left


def main() -> int:
    if answers():
        print(f"run-smoke: something already answers at {BASE}; stop it first", file=sys.stderr)
        return 1
    log = Path(tempfile.gettempdir()) / f"make-run-{os.getpid()}.log"
    print(f"run-smoke: make run RUN_PORT={PORT} (log: {log})", flush=True)
    # The embedded default as a newcomer gets it: none of the test suite's servers.
    unset = (
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "SITE_URL",
    )
    env = {name: value for name, value in os.environ.items() if name not in unset}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - the README's command
            ["make", "run", f"RUN_PORT={PORT}"],  # noqa: S607 - make from PATH, as a user runs it
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    failures: list[str] = []
    started = time.monotonic()
    try:
        while not answers():
            if process.poll() is not None:
                failures.append(f"make run exited with {process.returncode} before serving")
                break
            if time.monotonic() - started > START_TIMEOUT:
                failures.append(f"{BASE}/ did not answer within {START_TIMEOUT} s")
                break
            time.sleep(2)
        else:
            print(f"run-smoke: serving after {time.monotonic() - started:.0f} s", flush=True)
            failures += check_pages()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C in a terminal
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                failures.append("make run did not stop within 60 s of Ctrl-C")
        time.sleep(1)
        if answers():
            failures.append(f"{BASE}/ still answers after make run stopped")
        if left := leftover_processes():
            failures.append(f"processes of make run still running: {left}")
    if failures:
        print(log.read_text(encoding="utf-8", errors="replace")[-6000:], file=sys.stderr)
        for failure in failures:
            print(f"run-smoke: FAILED {failure}", file=sys.stderr)
        return 1
    print(
        "run-smoke: make run served home, a procedure, sign-in and /healthz, and stopped",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
