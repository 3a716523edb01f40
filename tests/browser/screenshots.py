"""Takes the README's screenshots (committed PNGs under docs/img/); run it by hand, not in tests.

    .venv/bin/python -m tests.browser.screenshots

It serves the portal on the embedded default (a throw-away SQLite database, DEBUG on) at a spare
port on 127.0.0.1, opens the home page in Debian's Chromium at desktop and phone widths, saves
the pictures, and stops the server.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
SHOTS = {"home.png": (1280, 860), "home-mobile.png": (360, 740)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server at {url} did not answer within {seconds} s")


def main() -> int:
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", tmp),
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/screens.sqlite3",
        }
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        server = subprocess.Popen(
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_until_up(url)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                for name, (width, height) in SHOTS.items():
                    page = browser.new_page(
                        locale="vi-VN", viewport={"width": width, "height": height}
                    )
                    page.goto(url)
                    page.screenshot(path=str(OUT / name))
                    page.close()
                    print(f"wrote {OUT / name}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
