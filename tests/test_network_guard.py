"""The network guard (tests/network_guard.py, ADR 0180) fails a test that opens an HTTP
connection inside `transaction.atomic`, even when the code swallowed the error, and leaves a
test alone that calls after its transaction (pytest-django's own transactions don't count)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_guard_fails_a_test_that_calls_the_network_inside_a_transaction():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--reuse-db",
            "-rA",
            "tests/network_guard_cases.py",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout
    assert done.returncode == 1, out[-3000:]
    assert "FAILED tests/network_guard_cases.py::test_http_inside_atomic " in out
    assert (
        "FAILED tests/network_guard_cases.py::test_http_inside_atomic_with_the_error_swallowed"
        in out
    )
    assert "PASSED tests/network_guard_cases.py::test_http_after_the_transaction" in out
    assert "network call inside transaction.atomic" in out
    assert "2 failed, 1 passed" in out
