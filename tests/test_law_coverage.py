"""docs/law-coverage.md: every row names a test that exists, and every QĐ 766 indicator the
dashboard computes has a row (issue #21: "no row without a test")."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "law-coverage.md"
TEST_REF = re.compile(r"`([\w/]+\.py)::([\w:]+)`")


def _rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        is_row = line.startswith("|") and len(cells) == 4 and not set(cells[0]) <= {"-"}
        if is_row and cells[0] not in ("Article", "Indicator"):
            rows.append(cells)
    return rows


def _tests_in(path: Path) -> set[str]:
    """`name` and `Class::name` for every test function of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return names


def test_every_row_names_at_least_one_test_and_every_test_exists():
    rows = _rows()
    assert len(rows) > 40
    missing = []
    for article, _rule, _where, tests in rows:
        refs = TEST_REF.findall(tests)
        assert refs, f"row {article!r} names no test"
        for path, name in refs:
            file = ROOT / path
            if not file.exists() or name not in _tests_in(file):
                missing.append(f"{path}::{name}")
    assert not missing, missing


def test_every_qd766_indicator_of_the_dashboard_has_a_row():
    from metrics.constants import INDICATORS

    covered = {row[0] for row in _rows()}
    assert {spec.code for spec in INDICATORS} <= covered
