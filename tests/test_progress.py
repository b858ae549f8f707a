"""Progress of the report stage: workbooks done of total on a terminal, one line per stage in a log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_measure import CALENDAR, DEADLINES, DECISIONS, PERIOD, row

from sagstid import cli as cli_module
from sagstid.pipeline import run_period


def test_report_stage_tells_workbooks_done_of_total(
    make_db: Callable[..., str], make_config: Callable[..., Path], tmp_path: Path
) -> None:
    url = make_db(decisions=[row(*r) for r in DECISIONS])
    config = make_config(deadlines=DEADLINES, calendar=CALENDAR)
    seen: list[tuple[int, int]] = []
    labels: list[str] = []

    @contextmanager
    def stage(label: str) -> Iterator[None]:
        labels.append(label)
        yield

    stage.progress = lambda done, total: seen.append((done, total))  # type: ignore[attr-defined]
    summary = run_period(url, config, PERIOD, tmp_path / "out", workers=1, stage=stage)
    unit_books = sum(1 for p in summary.files if p.name.startswith("enhed-"))
    # one call per unit workbook, then the last with the committee's workbook written too
    total = unit_books + 1
    assert unit_books >= 2
    assert seen == [(k, total) for k in range(1, unit_books + 1)] + [(total, total)]


def _stage_output(capsys: pytest.CaptureFixture[str], tty: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cli_module.sys.stderr, "isatty", lambda: tty, raising=False)
    with cli_module._stage("Skriver rapporter"):
        cli_module._progress(1, 3)
        cli_module._progress(3, 3)
    return capsys.readouterr().err


def test_progress_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _stage_output(capsys, False, monkeypatch)
    assert log.count("\n") == 1 and "af" not in log  # a log: the stage's one line
    terminal = _stage_output(capsys, True, monkeypatch)
    assert "\r• Skriver rapporter … 1 af 3 arbejdsbøger" in terminal
    assert "\r• Skriver rapporter … 3 af 3 arbejdsbøger" in terminal
    assert terminal.endswith(" s\n")
