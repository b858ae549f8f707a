"""Shared by tests/test_robust_*.py: a real ``sagstid run`` through click's CliRunner on a
small SQLite database, returning the exit status, the output and results.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sagstid.cli import cli

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "config"


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    out: Path

    @property
    def results(self) -> dict[str, Any]:
        return json.loads((self.out / "results.json").read_text(encoding="utf-8"))

    def error_lines(self) -> list[str]:
        """stderr without the stage lines (``• ...``)."""
        return [line for line in self.stderr.splitlines() if line and not line.startswith("•")]


def run_cli(
    db_url: str, out: Path, start: str, end: str, config: Path = CONFIG, root: Path | None = None
) -> Outcome:
    """``sagstid run --from start --to end`` into ``out`` with one worker."""
    env: dict[str, str | None] = {"SAGSTID_OUT": str(root or out.parent / "store"), "SAGSTID_DEBUG": None}
    args = ["run", "--from", start, "--to", end, "--db", db_url, "--config", str(config)]
    result = CliRunner().invoke(cli, [*args, "--out", str(out), "--workers", "1"], env=env)
    return Outcome(result.exit_code, result.stdout, result.stderr, out)


def assert_no_traceback(outcome: Outcome) -> None:
    assert "Traceback" not in outcome.stderr + outcome.stdout
