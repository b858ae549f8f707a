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


def _arrow_pool() -> str:
    import pyarrow as pa

    return str(pa.default_memory_pool().backend_name)


def test_workbook_processes_give_arrows_freed_buffers_back() -> None:
    # heap.arrow_from_the_c_library in every workbook process (tests/test_heap.py shows why)
    with workbook_processes.pool(2) as executor:
        workbook_processes.start(executor, 2)
        assert {f.result() for f in [executor.submit(_arrow_pool) for _ in range(4)]} == {"system"}


def _slow_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module ``slow_writer`` whose import takes 0.4 s and logs its process and span."""
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
    return log


def _imports_and_jobs(log: Path) -> tuple[list[tuple[int, float, float]], set[int]]:
    with workbook_processes.pool(2, ("slow_writer",)) as executor:
        workbook_processes.start(executor, 2)
        results = [f.result() for f in [executor.submit(_in_process, "slow_writer") for _ in range(4)]]
    assert all(loaded for loaded, _, _ in results)  # imported before the first job
    lines = [line.split() for line in log.read_text().splitlines()]
    spans = sorted((float(start), float(end), int(pid)) for pid, start, end in lines)  # in time order
    return [(pid, start, end) for start, end, pid in spans], {pid for _, pid, _ in results}


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here")
def test_the_writer_is_imported_once_in_the_fork_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from multiprocessing import forkserver

    forkserver._forkserver._stop()  # type: ignore[attr-defined]  # a fresh server, as a run's first pool
    log = _slow_writer(tmp_path, monkeypatch)
    # the server is a fresh interpreter that imports from its own path, not this process's
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    try:
        imports, processes = _imports_and_jobs(log)
    finally:
        forkserver._forkserver._stop()  # type: ignore[attr-defined]  # the next test's server is its own
    assert len(processes) == 2
    # one import, in neither workbook process: in the server they were forked from
    assert len(imports) == 1 and imports[0][0] not in processes


def test_processes_import_the_writer_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # without a fork server (spawn), each process imports the writer; started while the main
    # process measures, two importing processes would take both cores
    monkeypatch.setattr(workbook_processes, "get_all_start_methods", lambda: ["spawn"])
    log = _slow_writer(tmp_path, monkeypatch)
    imports, processes = _imports_and_jobs(log)
    assert len(imports) == 2 and len(processes) == 2  # two processes, one import each
    (_, _, first_end), (_, second_start, _) = imports
    assert second_start >= first_end  # the second began after the first had finished


def _process_figures() -> tuple[int, tuple[int, float] | None, float | None]:
    job = workbook_processes.job_cpu_seconds()
    return os.getpid(), workbook_processes.process_cpu_seconds(), job


def test_a_workbook_process_reports_all_its_cpu_seconds() -> None:
    # the benchmark adds them up: the workbook processes are the fork server's children, so
    # their CPU seconds never reach the main process's own count of its children
    assert workbook_processes.process_cpu_seconds() is None  # this is not a workbook process
    with workbook_processes.pool(1) as executor:
        workbook_processes.start(executor, 1)
        pid, process, job = executor.submit(_process_figures).result()
    assert process is not None and job is not None
    assert process[0] == pid != os.getpid()
    assert process[1] >= job >= 0  # its start-up and every job so far, this one included
