"""The embedded default as `make run` starts it, in a folder of its own, for tests and benchmarks.

`python -m portal.embedded` (web server, Celery worker, beat on the file broker) over a fresh
SQLite file, with the demo data and a second citizen who has a document in the data store. Every
process gets the embedded default's settings (`portal.settings`, DEBUG on, no PostgreSQL, no
Redis), whatever the calling test process uses.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SECOND_CITIZEN = "congdan2@demo.tayninh.gov.vn"
SECOND_CITIZEN_DOCUMENT = "Giấy xác nhận thông tin cư trú"
RESIDENCE_CODE = "1.004222"
# Made inside the stack's settings by `manage.py shell`: a verified citizen with a profile and
# one PDF in the data store, as a citizen who used the portal before would have; and the demo
# "Đăng ký thường trú" asking for two documents (the catalogue lists fifteen alternatives, all
# marked required, which no applicant could file: issue 25's subject, not this test's).
_WORLD_SCRIPT = f"""
from allauth.account.models import EmailAddress
from accounts.constants import Role
from accounts.models import CitizenProfile, User
from accounts.services import role_assign
from documents.constants import DocumentSource
from documents.models import StoredDocument
from documents.rendering import html_to_pdf
from documents.services import document_store
user = User.objects.filter(email="{SECOND_CITIZEN}").first() or User(email="{SECOND_CITIZEN}")
user.full_name = "Trần Văn Bảy"
user.is_active = True
user.set_password("Demo@2026")
user.save()
role_assign(user=user, role=Role.CITIZEN)
EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={{"verified": True, "primary": True}})
CitizenProfile.objects.update_or_create(user=user, defaults={{
    "full_name": user.full_name, "id_number": "072091004321", "email": user.email,
    "phone": "0987654321", "permanent_address": "Số 5 đường 30 Tháng 4",
    "permanent_province_code": "80", "current_address": "Số 5 đường 30 Tháng 4",
    "current_province_code": "80"}})
if not StoredDocument.objects.filter(owner_user=user, title="{SECOND_CITIZEN_DOCUMENT}").exists():
    document_store(data=html_to_pdf("<h1>{SECOND_CITIZEN_DOCUMENT}</h1>"), title="{SECOND_CITIZEN_DOCUMENT}",
                   source=DocumentSource.UPLOADED, owner_user=user)
from procedures.models import DocumentRequirement
asked = DocumentRequirement.objects.filter(procedure__code="{RESIDENCE_CODE}", state_holds=False).order_by("position", "id")
keep = list(asked.values_list("pk", flat=True)[:2])
asked.exclude(pk__in=keep).update(required=False)
asked.filter(pk__in=keep).update(required=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EmbeddedStack:
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        drop = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
        env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST")}
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings",
            DJANGO_DEBUG="true",
            DATABASE_URL=f"sqlite:///{self.folder / 'db.sqlite3'}",
            MEDIA_ROOT=str(self.folder / "media"),
            SIGNING_KEYS_DIR=str(self.folder / "signing-keys"),
            CELERY_BROKER_FOLDER=str(self.folder / "broker"),
            SITE_URL=self.url,
            PYTHONUNBUFFERED="1",
        )
        return env

    def manage(self, *args: str, timeout: float = 900) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.environment(),
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
        )

    def prepare(self) -> None:
        """Migrate, seed the demo data and the second citizen (about a minute on SQLite)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--no-input")
        self.manage("seed_demo")
        self.manage("shell", "-c", _WORLD_SCRIPT)

    def start(self, timeout: float = 120) -> None:
        self.log_path = self.folder / "embedded.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "portal.embedded", "--port", str(self.port)],
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the embedded stack exited: {self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"the embedded stack did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path else ""


def totp_now(secret_base32: str, *, step: int = 30, digits: int = 6) -> str:
    """The current TOTP code of a base32 secret (RFC 6238, SHA-1), as an authenticator app shows."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret_base32.upper() + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def add_submitted_dossiers(stack: EmbeddedStack, count: int) -> None:
    """`count` more online dossiers waiting for reception, made as the demo makes its own."""
    script = f"""
from accounts.constants import Role
from agencies.demo import JUSTICE, SERVICE_CENTRE
from agencies.selectors import agency_by_code
from dossiers.constants import Actor, DossierStatus
from dossiers.demo import _make, _user
from procedures.selectors import procedure_get
people = {{
    "citizen": _user(Role.CITIZEN),
    Actor.RECEPTION_OFFICER: _user(Role.RECEPTION_OFFICER),
    Actor.PROCESSING_OFFICER: _user(Role.PROCESSING_OFFICER),
    Actor.AGENCY_HEAD: _user(Role.AGENCY_HEAD),
    Actor.RECORDS_CLERK: _user(Role.RECORDS_CLERK),
    "centre": agency_by_code(SERVICE_CENTRE),
    "justice": agency_by_code(JUSTICE),
}}
procedure = procedure_get(code="{RESIDENCE_CODE}")
for number in range({count}):
    _make(f"bench-{{number}}", DossierStatus.SUBMITTED, f"Người nộp {{number}}", people, procedure)
"""
    stack.manage("shell", "-c", script)
