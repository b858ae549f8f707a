"""The benchmark: generated data through the whole pipeline, each stage timed, peak memory.

``sagstid bench --decisions 1000000`` builds (once, cached in --workdir) a database with that
many decisions a year (in 2025, or in each of the last ``--history-years`` years up to 2025, with
the indexes docs/database.md recommends), with about ``--late-share`` of them late, then:

* runs the measurement of 2025 in a fresh child process, so that its peak memory is the
  pipeline's own: per stage wall and CPU seconds, peak memory of the main process and of the
  largest workbook process, and the unit workbooks' cells per CPU second of the workbook
  processes (cells in the written sheets / their CPU seconds) and per wall second; then runs it
  again with the memory of all its processes at the same moment sampled
  (sagstid.dev.tree_memory), which would slow the timed run;
* reads the rows the run reads (``decisions_in_period.sql`` for 2024-2025) through Arrow (ADBC)
  and through SQLAlchemy (``pd.read_sql``), each in a fresh process, and prints the ratio;
* compares validate+measure with the same rules in DuckDB SQL on the same frame (DuckDB pinned
  to one thread, the one core the pandas path uses; median of 3; sagstid.dev.crosscheck).

The machine may be shared: CPU seconds are printed beside wall seconds for that reason.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sagstid.dev.tree_memory import SAMPLE_SECONDS, TreeMemory

BENCH_YEAR = 2025
ROUNDS = 3


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def count_cells(path: Path) -> int:
    """Cells written in an .xlsx file: the ``<c`` elements of its worksheets."""
    cells = 0
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/sheet"):
                with book.open(name) as sheet:
                    tail = b""
                    while chunk := sheet.read(1 << 20):
                        block = tail + chunk
                        cells += block.count(b"<c ")
                        tail = block[-2:]
                        cells -= tail.count(b"<c ")  # counted again with the next block
                    cells += tail.count(b"<c ")
    return cells


def _child(db: str, out: str, workers: int) -> None:
    """Run the pipeline once and print its timings as JSON (runs in a fresh process)."""
    from sagstid import background
    from sagstid.paths import resource_dir
    from sagstid.periods import Period
    from sagstid.pipeline import run_period
    from sagstid.report.publish import UNIT_PREFIX, peak_memory_mb

    timings: dict[str, tuple[float, float]] = {}

    @contextmanager
    def record(label: str) -> Iterator[None]:
        started, cpu = time.perf_counter(), _cpu()
        yield
        wall, used = timings.get(label, (0.0, 0.0))  # a label met twice is one line, summed
        timings[label] = (wall + time.perf_counter() - started, used + _cpu() - cpu)

    started = time.perf_counter()
    summary = run_period(
        db, resource_dir("config"), Period.year(BENCH_YEAR), Path(out), workers=workers, stage=record
    )
    total = time.perf_counter() - started
    units = sorted(Path(out).glob(f"{UNIT_PREFIX}*.xlsx"))
    print(
        json.dumps(
            {
                "total_s": total,
                # the workbook processes are the fork server's children, never this one's:
                # their CPU seconds come from the processes themselves
                "total_cpu_s": _cpu() + sum(background.cpu_s) + (summary.worker_cpu_s or 0.0),
                "stages": timings,
                "measured": summary.status_counts["measured"],
                "peak_main_mb": peak_memory_mb() or _peak_mb(resource.RUSAGE_SELF),
                "peak_worker_mb": summary.worker_peak_mb or 0.0,
                "worker_cpu_s": summary.worker_cpu_s or 0.0,
                "worker_job_cpu_s": summary.worker_job_cpu_s or 0.0,
                "background_mb": max(background.private_mb, default=0.0),
                "background_cpu_s": sum(background.cpu_s),
                "unit_cells": sum(count_cells(p) for p in units),
                "unit_files": len(units),
                "files": len(summary.files),
            }
        )
    )


def _read_child(db: str, reader: str, date_from: str, date_to: str) -> None:
    """Read the decisions from ``date_from`` to ``date_to`` once, as a run reads them
    (source/extract.read_decided, the same plan), and print wall and CPU seconds: ``reader``
    "parts" through Arrow in parts side by side, "arrow" through Arrow as one query,
    "sqlalchemy" through read_sql as one query."""
    import datetime as dt

    from sagstid.source.db import connect, reading_through
    from sagstid.source.extract import has_promised_date, read_decided, read_plan

    engine = connect(db)
    promised = has_promised_date(engine)  # the query a run reads
    first, last = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    parts = None if reader == "parts" else 1
    started, cpu = time.perf_counter(), _cpu()
    with reading_through("arrow" if reader == "parts" else reader):
        frame = read_decided(engine, first, last, with_promised=promised, parts=parts)
    seconds = {"wall_s": time.perf_counter() - started, "cpu_s": _cpu() - cpu, "rows": len(frame)}
    print(json.dumps({**seconds, "plan": read_plan(engine, first, last)}))


def _python(*args: str) -> dict[str, Any]:
    """Run ``sagstid.dev.bench`` with ``args`` in a fresh process and return the JSON it prints."""
    return _run_child(args, sampled=False)


def _run_twice(*args: str) -> dict[str, Any]:
    """A run of the pipeline (``args``) timed, and the same run again with the memory of all
    its processes sampled (tree_memory): sampling slowed the run it measured by about a
    second (reading the processes' page tables every 25 ms), so the times come from the run
    not sampled. Adds ``together_mb`` and, at that moment, the main process's share
    ``together_main_mb`` and the others' (workbook processes and their fork server, the flow
    tables' process) ``together_others_mb``, of ``together_others`` processes."""
    timed, sampled = _run_child(args, sampled=False), _run_child(args, sampled=True)
    return timed | {key: value for key, value in sampled.items() if key.startswith("together")}


def _run_child(args: tuple[str, ...], sampled: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "sagstid.dev.bench", *args]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with child, TreeMemory(child.pid) if sampled else nullcontext() as memory:
        stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"benchmark step failed: {stderr.strip().splitlines()[-3:]}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    if isinstance(memory, TreeMemory):
        main = memory.at_peak.get(child.pid, 0.0)
        result |= {
            "together_mb": memory.peak_mb,
            "together_main_mb": main,
            "together_others_mb": memory.peak_mb - main,
            "together_others": len(memory.at_peak) - 1,
        }
    return result


_PLAN_QUERIES = {"days": "decisions_in_part/_in_period.sql", "rows": "decisions_in_rows.sql"}


def _compare_reads(db: str, echo: Callable[[str], None]) -> None:
    span = (f"{BENCH_YEAR - 1}-01-01", f"{BENCH_YEAR}-12-31")
    parts = _python("read", db, "parts", *span)
    arrow = _python("read", db, "arrow", *span)
    alchemy = _python("read", db, "sqlalchemy", *span)
    echo(
        f"Reading the run's decisions ({int(arrow['rows']):,} rows decided {span[0]}..{span[1]}, split by "
        f"{arrow['plan']} as a run splits them: {_PLAN_QUERIES[arrow['plan']]}), one fresh process each:"
    )
    for label, read in (
        ("Arrow (ADBC), parts side by side, as a run reads", parts),
        ("Arrow (ADBC), one query", arrow),
        ("SQLAlchemy (read_sql), one query", alchemy),
    ):
        echo(f"  {label + ':':<52}{read['wall_s']:6.2f} s wall, {read['cpu_s']:6.2f} CPU-s")
    wall = alchemy["wall_s"] / max(parts["wall_s"], 1e-9)
    echo(
        f"  a run's Arrow read is {wall:.1f}x faster than read_sql in wall seconds "
        f"(goal: at least 5x: {'met' if wall >= 5 else 'NOT met'}); in CPU seconds "
        f"{alchemy['cpu_s'] / max(parts['cpu_s'], 1e-9):.1f}x (parts), "
        f"{alchemy['cpu_s'] / max(arrow['cpu_s'], 1e-9):.1f}x (one query)"
    )


def _compare_with_duckdb(db: str, echo: Callable[[str], None]) -> None:
    import pandas as pd
    import sqlalchemy as sa

    from sagstid.config import load_config
    from sagstid.dev.crosscheck import duckdb_metrics
    from sagstid.paths import resource_dir
    from sagstid.periods import Period
    from sagstid.pipeline import measure_extract
    from sagstid.rules.deadlines import CatalogueArrays
    from sagstid.validate.decisions import DecisionExtract

    config = load_config(resource_dir("config"))
    period = Period.year(BENCH_YEAR)
    engine = sa.create_engine(db)
    rows = pd.read_sql(
        sa.text("SELECT * FROM decisions WHERE decided_date >= :a AND decided_date <= :b"),
        engine,
        params={"a": period.start.isoformat(), "b": period.end.isoformat()},
    )
    units = pd.read_sql("SELECT * FROM units", engine)
    engine.dispose()
    frame = DecisionExtract.from_rows(rows.drop(columns="citizen_ref"))
    catalogue = CatalogueArrays.from_catalogue(config.catalogue)

    ours_s, duck_s = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        measured = measure_extract(frame, units, config, catalogue, period)
        ours_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        by_area = duckdb_metrics(rows, units, config, period, "case_area_code", threads=1)
        by_unit = duckdb_metrics(rows, units, config, period, "unit_code", threads=1)
        duck_s.append(time.perf_counter() - started)
    ours, duck = statistics.median(ours_s), statistics.median(duck_s)
    same = (
        by_area["decisions"].tolist() == measured.by_area["decisions"].tolist()
        and by_area["within_deadline"].astype(int).tolist() == measured.by_area["within_deadline"].tolist()
        and by_unit["within_deadline"].astype(int).tolist() == measured.by_unit["within_deadline"].tolist()
    )
    echo(f"Validate+measure against DuckDB on the same frame ({len(rows):,} rows; median of {ROUNDS}):")
    echo(f"  validate+measure (pandas/numpy, one core):  {ours:6.2f} s")
    echo(f"  same rules in DuckDB SQL, threads = 1:       {duck:6.2f} s")
    echo(
        f"  ratio: {ours / duck:.2f}x (goal: within 1.5x: {'met' if ours / duck <= 1.5 else 'NOT met'}); "
        f"results identical: {'yes' if same else 'NO'}"
    )


def bench_database(
    folder: Path, decisions: int, late_share: float | None, history_years: int, echo: Callable[[str], None]
) -> Path:
    """The generated database (built once per shape, cached in ``folder``)."""
    from sagstid.dev.demo import build_demo_database

    late = "" if late_share is None else f"-late{late_share:g}"
    db_path = folder / f"bench-{decisions}{late}-{history_years}y.sqlite"
    if not db_path.exists():
        started = time.perf_counter()
        years = tuple(range(BENCH_YEAR - history_years + 1, BENCH_YEAR + 1))
        build_demo_database(
            db_path,
            years=years,
            decisions_per_year=decisions,
            complaints_per_year=max(1000, decisions // 40),
            late_share=late_share,
        )
        echo(
            f"generated {decisions:,} decisions a year in {years[0]}-{years[-1]} "
            f"in {time.perf_counter() - started:.1f} s ({db_path})"
        )
    return db_path


def run_benchmark(
    decisions: int,
    workdir: Path | None,
    workers: int,
    echo: Callable[[str], None] = print,
    late_share: float | None = None,
    history_years: int = 1,
) -> None:
    folder = workdir or Path(tempfile.mkdtemp(prefix="sagstid-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{bench_database(folder, decisions, late_share, history_years, echo)}"
    result = _run_twice(db, str(folder / "rapporter"), str(workers))
    echo(
        f"sagstid bench: {result['measured']:,} decisions measured in {BENCH_YEAR} "
        f"({history_years} year(s) in the table, late share "
        f"{'as the demo' if late_share is None else f'{late_share:g}'}), {result['files']} files, "
        f"{workers} workbook processes"
    )
    echo(f"  {'stage':<62} {'wall s':>7} {'CPU s':>7}")
    stages: dict[str, list[float]] = result["stages"]
    for label, (wall, cpu) in stages.items():
        echo(f"  {label[:62]:<62} {wall:7.2f} {cpu:7.2f}")
    beside = "(flow tables, in a forked process beside the stages above)"
    echo(f"  {beside:<62} {'':>7} {result['background_cpu_s']:7.2f}")
    goal = "met" if result["total_s"] < 15 else "NOT met"
    echo(
        f"  {'total, database to all workbooks and results.json':<62} {result['total_s']:7.2f} "
        f"{result['total_cpu_s']:7.2f}  (goal < 15 s wall: {goal}; CPU-s include the workbook processes)"
    )
    peak = _memory_mb(result, workers)
    echo(
        f"  peak memory: main process {result['peak_main_mb']:.0f} MB, largest workbook process "
        f"{result['peak_worker_mb']:.0f} MB, flow tables' process "
        f"{result['background_mb']:.0f} MB of its own; "
        f"main + {workers} x largest + flow = {peak:.0f} MB "
        f"(goal < 1,000 MB: {'met' if peak < 1000 else 'NOT met'})"
    )
    together = result["together_mb"]
    echo(
        f"  memory of all the run's processes at the same moment (PSS, shared pages once; sampled "
        f"every {SAMPLE_SECONDS * 1000:.0f} ms in a second run of the same workload, not the one "
        f"timed): {together:,.0f} MB at the peak, the main process "
        f"{result['together_main_mb']:,.0f} MB and {int(result['together_others'])} others "
        f"{result['together_others_mb']:,.0f} MB (goal < 1,000 MB: {'met' if together < 1000 else 'NOT met'})"
    )
    writing = [wall for label, (wall, _) in stages.items() if label.startswith("Skriver rapporter")]
    cells, cpu, jobs = int(result["unit_cells"]), result["worker_cpu_s"], result["worker_job_cpu_s"]
    if workers > 1 and cpu > 0 and jobs > 0:
        echo(
            f"  unit workbooks: {int(result['unit_files'])} files, {cells:,} cells; "
            f"{cells / jobs:,.0f} cells per CPU second of a workbook process writing "
            f"(goal >= 150,000: {'met' if cells / jobs >= 150_000 else 'NOT met'}); "
            f"{cells / cpu:,.0f} with the processes' start-up ({cpu - jobs:.1f} CPU-s in all; the "
            f"writer is imported once, in the fork server they are forked from); "
            f"{cells / max(sum(writing), 1e-9):,.0f} cells per wall second of the stage, all processes"
        )
    else:
        echo(f"  unit workbooks: {cells:,} cells (cells per CPU second need --workers 2 or more)")
    if history_years > 2:
        _compare_with_two_years(folder, decisions, late_share, workers, result, history_years, echo)
    _compare_reads(db, echo)
    _compare_with_duckdb(db, echo)


def _memory_mb(result: dict[str, float], workers: int) -> float:
    """The run's memory: the main process's peak, ``workers`` times the largest workbook
    process's, and what the flow tables' process added of its own."""
    return result["peak_main_mb"] + workers * result["peak_worker_mb"] + result["background_mb"]


def _compare_with_two_years(
    folder: Path,
    decisions: int,
    late_share: float | None,
    workers: int,
    result: dict[str, float],
    history_years: int,
    echo: Callable[[str], None],
) -> None:
    """The same run on a table holding only the two years it reads (the year and the
    comparison year): the cost of the table's history is the ratio of the two."""
    two = f"sqlite:///{bench_database(folder, decisions, late_share, 2, echo)}"
    short = _run_twice(two, str(folder / "rapporter-2y"), str(workers))
    long_mb, short_mb = _memory_mb(result, workers), _memory_mb(short, workers)
    ratio = result["total_s"] / short["total_s"]
    echo(
        f"History: {history_years} years in the table {result['total_s']:.2f} s, {long_mb:,.0f} MB "
        f"(goal < 30 s: {'met' if result['total_s'] < 30 else 'NOT met'}; < 1,500 MB: "
        f"{'met' if long_mb < 1500 else 'NOT met'}); only the two years read {short['total_s']:.2f} s, "
        f"{short_mb:,.0f} MB; {ratio:.2f}x (goal at most 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})"
    )
    long_together, short_together = result["together_mb"], short["together_mb"]
    echo(
        f"  all processes at the same moment (PSS): {long_together:,.0f} MB with {history_years} years "
        f"(goal < 1,500 MB: {'met' if long_together < 1500 else 'NOT met'}), "
        f"{short_together:,.0f} MB with the two years"
    )


if __name__ == "__main__":
    if sys.argv[1] == "read":
        _read_child(*sys.argv[2:6])
    else:
        _child(sys.argv[1], sys.argv[2], int(sys.argv[3]))
