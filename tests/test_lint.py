"""Lint, format, types and the import direction, run by the test command so CI runs them.

Each check is the tool's own verdict on the whole package (configured in pyproject.toml); a
failure prints the tool's report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "sagstid", "tests"),
        ("ruff", "format", "--check", "sagstid", "tests"),
        ("lint-imports",),
    ],
    ids=["ruff-check", "ruff-format", "import-linter"],
)
def test_tool_passes(command: tuple[str, ...]) -> None:
    done = _run(sys.executable, "-m", *command) if command[0] == "ruff" else _run(*command)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_passes() -> None:
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_workbook_process_loads_neither_database_stack_nor_scipy() -> None:
    """What a fresh workbook process (or the fork server it is forked from: report/workers.py)
    really imports."""
    probe = (
        "import sys\n"
        "import sagstid.report.unit_workbook, sagstid.report.committee_workbook\n"
        "print(sorted(m for m in ('sqlalchemy', 'scipy', 'psycopg') if m in sys.modules))\n"
    )
    done = _run(sys.executable, "-c", probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_layers_contract_would_catch_a_wrong_way_import(tmp_path: Path) -> None:
    """Sensitivity: a copy of the package where a measure module imports the report layer
    breaks the layers contract."""
    copy = tmp_path / "repo"
    copy.mkdir()
    (copy / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    subprocess.run(["cp", "-r", str(REPO / "sagstid"), str(copy / "sagstid")], check=True)
    target = copy / "sagstid" / "measure" / "surge.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nimport sagstid.report.xlsx  # noqa\n")
    done = subprocess.run(
        ["lint-imports"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(copy)},
    )
    assert done.returncode != 0
    assert "sagstid.measure.surge -> sagstid.report.xlsx" in done.stdout
