"""Write every report of a run into a staging folder, then move them into place.

A run that fails while measuring or writing never touches the previous reports: they are
replaced only after every new file is complete and flushed to disk, one ``os.replace``
(atomic) per file, so no name a reader uses ever shows a half-written file. Files get mode
0o640 and created folders 0o750 whatever the umask. Staging folders left by a run that was
killed are removed by the next run into the same folder. The unit
workbooks are written in parallel processes (started fresh with "spawn", so each holds
only what it is sent: its own unit's exceeded decisions and aggregates).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import NamedTuple

from sagstid.atomic import atomic
from sagstid.faults import checkpoint
from sagstid.files import FILE_MODE, fsync_path, make_dirs
from sagstid.measure.run import RunMeasurement
from sagstid.report import workers as workbook_processes
from sagstid.report.citizen_wait import write_citizen_pages
from sagstid.report.filenames import unit_files
from sagstid.report.results_json import dumps
from sagstid.report.unit_cut import cut_to_unit, narrowed

COMMITTEE_FILE = "udvalg.xlsx"
RESULTS_FILE = "results.json"
UNIT_PREFIX = "enhed-"
STAGING_PREFIX = ".staging-"
# what a workbook process imports as it starts (report/workers.py), before its first job
WORKBOOK_MODULES = ("sagstid.report.unit_workbook",)


class UnitWritten(NamedTuple):
    """One unit's workbook written: its process's peak memory (MB, Linux) and the CPU seconds
    the job took in a workbook process (None when written in the main process)."""

    unit_code: str
    peak_mb: float | None
    cpu_s: float | None
    process: tuple[int, float] | None = None  # the workbook process: pid, its CPU seconds so far


def unit_file(unit_code: str) -> str:
    """The workbook file name of one unit on its own (report.filenames; within a run the names
    come from ``unit_files`` over all its units, which also separates codes that collide)."""
    return unit_files([unit_code])[unit_code]


def report_units(ctx: RunMeasurement) -> list[str]:
    """Units that get a workbook: every unit in the units table with rows in the period."""
    table = ctx.current.accounting
    in_scope = table[table["status"].isin(["measured", "excluded"])]["unit_code"].dropna().unique()
    known = set(ctx.units["unit_code"])
    return sorted(code for code in set(in_scope) if code in known)


def peak_memory_mb() -> float | None:
    """This process's own peak resident memory (Linux VmHWM; None elsewhere).

    Unlike getrusage's ru_maxrss, VmHWM is not inherited across fork and exec, so a worker
    reports what it used itself.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _write_unit(path: Path, ctx: RunMeasurement, unit_code: str) -> UnitWritten:
    from sagstid.report.unit_workbook import write_unit_workbook

    checkpoint("unit-writing")
    write_unit_workbook(path, ctx, unit_code)
    job_cpu = workbook_processes.job_cpu_seconds()
    return UnitWritten(unit_code, peak_memory_mb(), job_cpu, workbook_processes.process_cpu_seconds())


def write_reports(
    ctx: RunMeasurement,
    results: dict,
    out_dir: Path,
    workers: int = 1,
    on_unit_done: Callable[[UnitWritten], None] = lambda _: None,
    only_units: Sequence[str] = (),
    pool: Executor | None = None,
) -> list[Path]:
    """Write results.json, the committee workbook and one workbook per unit into ``out_dir``.
    With ``only_units`` (``--unit``): results.json and those units' workbooks only, no committee
    workbook (docs/operations.md). ``pool``: workbook processes already started
    (report/workers.py ``pool``); without it ``workers`` processes are started here."""
    from sagstid.report.committee_workbook import write_committee_workbook

    make_dirs(out_dir)
    for leftover in out_dir.glob(f"{STAGING_PREFIX}*"):  # from a run that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        units = sorted(set(only_units)) if only_units else report_units(ctx)
        files = unit_files(units)
        cuttable = narrowed(ctx)
        # the biggest workbooks first, so no process is left writing a big one alone at the end
        jobs = [(staging / files[code], code) for code in largest_first(ctx, units)]

        def done(written: UnitWritten) -> None:
            on_unit_done(written)
            checkpoint("unit-staged")

        def committee() -> None:
            if not only_units:
                write_committee_workbook(staging / COMMITTEE_FILE, ctx)

        _run_jobs(jobs, partial(cut_to_unit, cuttable), workers, done, committee, pool)
        (staging / RESULTS_FILE).write_text(dumps(results), encoding="utf-8")
        whole = [] if only_units else [COMMITTEE_FILE]
        names = [files[code] for code in units] + [*whole, RESULTS_FILE]
        if ctx.flow is not None and not only_units:  # the expected wait for citizens (docs/flow.md)
            names += write_citizen_pages(staging, ctx.flow, ctx.suppress_below)
        for name in names:
            os.chmod(staging / name, FILE_MODE)
            fsync_path(staging / name)
        checkpoint("staged")
        return _publish(staging, out_dir, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def largest_first(ctx: RunMeasurement, units: Sequence[str]) -> list[str]:
    """``units`` with the most exceeded decisions (the longest list a workbook writes) first;
    ties in the given order."""
    by_unit = ctx.current.by_unit
    sizes = dict(
        zip(by_unit["unit_code"].astype(str), by_unit["exceeded"].fillna(0).astype(int), strict=True)
    )
    return sorted(units, key=lambda code: -sizes.get(code, 0))


def _run_jobs(
    jobs: Sequence[tuple[Path, str]],
    cut: Callable[[str], RunMeasurement],
    workers: int,
    done: Callable[[UnitWritten], None],
    meanwhile: Callable[[], None],
    pool: Executor | None = None,
) -> None:
    """Write each unit's workbook (``jobs``: its file and unit code; ``cut`` gives the unit's
    part of the run), in ``workers`` fresh processes if more than one (``pool`` if given), and
    run ``meanwhile`` (the committee workbook) in this process while they write; ``done`` is
    called in this process as each unit finishes. A failure or a stop ends every worker at
    once."""
    if workers <= 1 or len(jobs) <= 1:
        for path, code in jobs:
            done(_write_unit(path, cut(code), code))
        meanwhile()
        return
    if pool is None:
        with workbook_processes.pool(workers, WORKBOOK_MODULES) as started:
            _hand_out(started, jobs, cut, done, meanwhile)
    else:
        _hand_out(pool, jobs, cut, done, meanwhile)


def _hand_out(
    pool: Executor,
    jobs: Sequence[tuple[Path, str]],
    cut: Callable[[str], RunMeasurement],
    done: Callable[[UnitWritten], None],
    meanwhile: Callable[[], None],
) -> None:
    """Each unit is cut and handed out in turn, so the processes write the first units while
    this one cuts the next (a hand-out is atomic: a stop signal waits for it to be done)."""
    futures = []
    for path, code in jobs:
        unit_ctx = cut(code)
        with atomic():
            futures.append(pool.submit(_write_unit, path, unit_ctx, code))
    meanwhile()
    for future in futures:
        done(future.result())


def _publish(staging: Path, out_dir: Path, names: list[str]) -> list[Path]:
    """Move the finished files into out_dir and remove unit workbooks no longer produced."""
    published = []
    for name in names:
        target = out_dir / name
        os.replace(staging / name, target)
        published.append(target)
        checkpoint("replacing")
    fsync_path(out_dir)
    keep = set(names)
    for stale in out_dir.glob(f"{UNIT_PREFIX}*.xlsx"):
        if stale.name not in keep:
            stale.unlink()
    return published
