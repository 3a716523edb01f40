"""The JSON Schemas of the requests we send (written from integrations-and-data §4.1).

The simulator validates every `DongBoHoSoMC` and `CapNhatTienDoHoSoMC` it receives against them
when the `jsonschema` package is installed (a dev dependency), and the tests do too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "json_schemas"
SERVICES = ("DongBoHoSoMC", "CapNhatTienDoHoSoMC")


@cache
def schema_for(service: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{service}.json").read_text(encoding="utf-8"))


def validation_errors(service: str, body: dict[str, Any]) -> list[str] | None:
    """Messages for every violation; None when the service has no schema or jsonschema is
    not installed."""
    if service not in SERVICES:
        return None
    try:
        # Local import: jsonschema is a heavy library, loaded on first use.
        from jsonschema import Draft202012Validator
    except ImportError:  # pragma: no cover - production installs without dev dependencies
        return None
    validator = Draft202012Validator(schema_for(service))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(body)
    ]
