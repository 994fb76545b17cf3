"""The domain reads no environment variable: its settings are handed in by the entry point.

Imports are checked by import-linter (the contract in pyproject.toml, run by .ci/run); reading the
environment is not an import (`os.environ` comes with the `os` the domain needs for paths), so it is
checked here on the syntax tree of every module under drafting/.
"""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "drafting"
ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every use of the process environment through `os`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT:
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                found.append((node.lineno, f"os.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [(node.lineno, f"from os import {a.name}") for a in node.names if a.name in ENVIRONMENT]
    return sorted(found)


def test_the_check_sees_every_way_of_reading_the_environment() -> None:
    source = (
        "import os\nfrom os import environ, path\n"
        "a = os.environ.get('X')\nb = os.getenv('Y')\nc = os.environ['Z']\nd = os.path.join('p')\n"
    )
    assert environment_reads(source) == [
        (2, "from os import environ"),
        (3, "os.environ"),
        (4, "os.getenv"),
        (5, "os.environ"),
    ]


def test_no_module_of_the_domain_reads_the_environment() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))
    assert modules
    reads = [
        f"{path.relative_to(DOMAIN.parent)}:{line}: {what}"
        for path in modules
        for line, what in environment_reads(path.read_text(encoding="utf-8"))
    ]
    assert reads == []
