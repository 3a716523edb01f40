"""Secrets generated once per installation, for the simulators (never constants in the source).

Read by the settings module, so it imports nothing from Django. The secrets live in one JSON file
(SIMULATOR_SECRETS_FILE, by default var/simulator-secrets.json, mode 0600); processes that start
together (web, worker, beat) agree through an exclusive lock on the file.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from pathlib import Path


def installation_secret(path: Path, name: str, *, nbytes: int = 32) -> str:
    """The secret called `name` of this installation, generated on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        text = handle.read()
        values: dict[str, str] = json.loads(text) if text.strip() else {}
        if name not in values:
            values[name] = secrets.token_urlsafe(nbytes)
            handle.seek(0)
            handle.truncate()
            json.dump(values, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        return values[name]
