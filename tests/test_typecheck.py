"""mypy over every module (`[tool.mypy] files`, ADR 0191), so CI (`make test`) fails on a type
error as `make lint` does. The second test shows the same configuration reports an error."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MYPY = Path(sys.executable).parent / "mypy"


def mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MYPY), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.slow
def test_every_module_type_checks():
    result = mypy()
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


@pytest.mark.slow
def test_the_configuration_reports_a_type_error(tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text("count: int = 'three'\n", encoding="utf-8")
    result = mypy(str(wrong))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Incompatible types in assignment" in result.stdout
