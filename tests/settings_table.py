"""README's settings table, generated from `.env.example` (the one list of every variable).

    .venv/bin/python -m tests.settings_table          # print the table
    .venv/bin/python -m tests.settings_table --write  # rewrite it in README.md

`tests/test_settings_env.py` fails when README's table and `.env.example` disagree.
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"
START = "<!-- settings-table:start -->"
END = "<!-- settings-table:end -->"

_VARIABLE = re.compile(r"^(?P<commented>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")
_SECTION = re.compile(r"^#\s*---\s*(?P<title>.+?)\s*-*\s*$")


@dataclass(frozen=True)
class Variable:
    section: str
    name: str
    example: str
    description: str
    set_by_default: bool  # an uncommented line: the value below is the default that applies


def parse_env_example(text: str) -> list[Variable]:
    variables: list[Variable] = []
    section, comments, after_variable = "", [], False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            comments, after_variable = [], False
            continue
        if match := _SECTION.match(line):
            section, comments, after_variable = match["title"], [], False
            continue
        if match := _VARIABLE.match(line):
            value, _, inline = match["value"].partition(" #")
            description = " ".join(comments) or inline.strip()
            variables.append(
                Variable(section, match["name"], value.strip(), description, not match["commented"])
            )
            after_variable = True  # consecutive variables share the comment above them
            continue
        if line.startswith("#"):
            if after_variable:  # a comment after a variable starts the next description
                comments, after_variable = [], False
            comments.append(line.lstrip("#").strip())
    return variables


def names(text: str) -> set[str]:
    return {variable.name for variable in parse_env_example(text)}


def render_table(variables: list[Variable]) -> str:
    rows = [
        "| Variable | Section | Example or default | What it does |",
        "| --- | --- | --- | --- |",
    ]
    seen: set[str] = set()
    for variable in variables:
        if variable.name in seen:
            continue
        seen.add(variable.name)
        example = f"`{variable.example}`" if variable.example else ""
        description = variable.description.replace("|", "\\|")
        rows.append(f"| `{variable.name}` | {variable.section} | {example} | {description} |")
    return "\n".join(rows)


def readme_with_table(readme: str, table: str) -> str:
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{table}\n{END}{after}"


def main(argv: list[str]) -> int:
    table = render_table(parse_env_example(ENV_EXAMPLE.read_text(encoding="utf-8")))
    if "--write" in argv:
        README.write_text(readme_with_table(README.read_text(encoding="utf-8"), table), "utf-8")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
