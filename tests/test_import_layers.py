"""The layers of docs/architecture.md, enforced by import-linter (`[tool.importlinter]` in
pyproject.toml), so CI (`make test`) fails when a lower app imports a higher one."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    assert LINT_IMPORTS.exists() or shutil.which("lint-imports"), "pip install import-linter"
    return subprocess.run(
        [str(LINT_IMPORTS) if LINT_IMPORTS.exists() else "lint-imports", "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_no_app_imports_a_higher_layer():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_sees_the_imports_it_guards(tmp_path):
    """A contract that puts `common` above `accounts` must break (accounts imports common): the
    tool really reads the graph, so the check above can fail."""
    config = tmp_path / "inverted.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["common", "accounts"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "inverted"\n'
        'type = "layers"\n'
        'layers = ["common", "accounts"]\n',
        encoding="utf-8",
    )
    result = lint_imports(str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "accounts is not allowed to import common" in result.stdout
