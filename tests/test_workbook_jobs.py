"""The order unit workbooks are handed to the workbook processes: the biggest first.

With two processes and the units in alphabetical order, the largest unit (a third of all
exceeded decisions in the benchmark) was handed out last and written alone at the end; handed
out first, the other process writes the rest meanwhile (README, Benchmark).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

from sagstid.report import workers as workbook_processes
from sagstid.report.publish import largest_first


def test_most_exceeded_decisions_first_ties_in_given_order() -> None:
    by_unit = pd.DataFrame(
        {"unit_code": ["A", "B", "C", "D"], "exceeded": [5, 163_789, 5, np.nan]}  # D: no decisions
    )
    ctx = cast(Any, SimpleNamespace(current=SimpleNamespace(by_unit=by_unit)))
    # E has no row at all (no decisions in the period): size 0, after the others, as D
    assert largest_first(ctx, ["A", "B", "C", "D", "E"]) == ["B", "A", "C", "D", "E"]


def _in_process(module: str) -> tuple[bool, int, float | None]:
    """Run in a workbook process: is ``module`` loaded before the job imports anything, which
    process ran the job, and what the job cost by job_cpu_seconds."""
    return module in sys.modules, os.getpid(), workbook_processes.job_cpu_seconds()


def test_started_processes_have_the_writer_imported_before_their_first_job() -> None:
    writer = "sagstid.report.unit_workbook"
    assert workbook_processes.job_cpu_seconds() is None  # this is not a workbook process
    with workbook_processes.pool(2, (writer,)) as executor:
        before = {p.pid for p in multiprocessing.active_children()}
        workbook_processes.start(executor, 2)
        started = {p.pid for p in multiprocessing.active_children()} - before
        assert len(started) == 2  # both started before any job is handed out
        results = [f.result() for f in [executor.submit(_in_process, writer) for _ in range(6)]]
    assert all(loaded for loaded, _, _ in results)
    assert {pid for _, pid, _ in results} <= started
    assert all(cpu is not None and 0 <= cpu < 5 for _, _, cpu in results)


def test_processes_import_the_writer_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # started while the main process measures, two importing processes would take both cores
    log = tmp_path / "imports.log"
    (tmp_path / "slow_writer.py").write_text(
        "import os, time\n"
        "start = time.monotonic()\n"
        "time.sleep(0.4)\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(f'{os.getpid()} {start} {time.monotonic()}\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with workbook_processes.pool(2, ("slow_writer",)) as executor:
        workbook_processes.start(executor, 2)
        results = [f.result() for f in [executor.submit(_in_process, "slow_writer") for _ in range(4)]]
    spans = sorted(tuple(map(float, line.split()[1:])) for line in log.read_text().splitlines())
    assert len(spans) == 2 and len({pid for _, pid, _ in results}) == 2  # two processes, one import each
    (_, first_end), (second_start, _) = spans
    assert second_start >= first_end  # the second began after the first had finished
