"""The benchmark: generated data through the whole pipeline, each stage timed, peak memory.

``sagstid bench --decisions 1000000`` builds (once, cached in --workdir) a database with that
many decisions in 2025, then runs the measurement of 2025 in a fresh child process so that its
peak memory is the pipeline's own, and finally compares the measure stage with the same rules
and aggregation in DuckDB SQL on the same frame (sagstid.dev.crosscheck).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH_YEAR = 2025


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def _child(db: str, out: str, workers: int) -> None:
    """Run the pipeline once and print its timings as JSON (runs in a fresh process)."""
    from sagstid.paths import resource_dir
    from sagstid.periods import Period
    from sagstid.pipeline import run_period
    from sagstid.report.publish import peak_memory_mb

    timings: dict[str, float] = {}

    @contextmanager
    def record(label: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        timings[label] = time.perf_counter() - started

    started = time.perf_counter()
    summary = run_period(
        db, resource_dir("config"), Period.year(BENCH_YEAR), Path(out), workers=workers, stage=record
    )
    print(
        json.dumps(
            {
                "total_s": time.perf_counter() - started,
                "stages": timings,
                "measured": summary.status_counts["measured"],
                "peak_main_mb": peak_memory_mb() or _peak_mb(resource.RUSAGE_SELF),
                "peak_worker_mb": summary.worker_peak_mb or 0.0,
                "files": len(summary.files),
            }
        )
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
    rows = pd.read_sql("SELECT * FROM decisions", engine)
    units = pd.read_sql("SELECT * FROM units", engine)
    frame = DecisionExtract.from_rows(rows.drop(columns="citizen_ref"))
    catalogue = CatalogueArrays.from_catalogue(config.catalogue)

    started = time.perf_counter()
    measured = measure_extract(frame, units, config, catalogue, period)
    ours = time.perf_counter() - started

    started = time.perf_counter()
    by_area = duckdb_metrics(rows, units, config, period, "case_area_code")
    by_unit = duckdb_metrics(rows, units, config, period, "unit_code")
    duck = time.perf_counter() - started

    same = (
        by_area["decisions"].tolist() == measured.by_area["decisions"].tolist()
        and by_area["within_deadline"].astype(int).tolist() == measured.by_area["within_deadline"].tolist()
        and by_unit["within_deadline"].astype(int).tolist() == measured.by_unit["within_deadline"].tolist()
    )
    echo(f"  validate+measure (pandas/numpy, {len(rows):,} rows): {ours:6.2f} s")
    echo(f"  same rules in DuckDB SQL (by area and by unit):  {duck:6.2f} s")
    echo(f"  ratio: {ours / duck:.2f}x (goal: within 2x); results identical: {'yes' if same else 'NO'}")


def run_benchmark(
    decisions: int, workdir: Path | None, workers: int, echo: Callable[[str], None] = print
) -> None:
    from sagstid.dev.demo import build_demo_database

    folder = workdir or Path(tempfile.mkdtemp(prefix="sagstid-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / f"bench-{decisions}.sqlite"
    if not db_path.exists():
        started = time.perf_counter()
        build_demo_database(
            db_path,
            years=(BENCH_YEAR,),
            decisions_per_year=decisions,
            complaints_per_year=max(1000, decisions // 40),
        )
        echo(f"generated {decisions:,} decisions in {time.perf_counter() - started:.1f} s ({db_path})")
    db = f"sqlite:///{db_path}"
    child = subprocess.run(
        [sys.executable, "-m", "sagstid.dev.bench", db, str(folder / "rapporter"), str(workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"benchmark run failed: {child.stderr.strip().splitlines()[-1:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    echo(
        f"sagstid bench: {result['measured']:,} decisions measured, {result['files']} files, "
        f"{workers} workbook processes"
    )
    for label, seconds in result["stages"].items():
        echo(f"  {label:<55} {seconds:6.2f} s")
    goal = "met" if result["total_s"] < 30 else "NOT met"
    echo(
        f"  {'total, database to all workbooks and results.json':<55} {result['total_s']:6.2f} s "
        f"(goal < 30 s: {goal})"
    )
    peak = result["peak_main_mb"] + workers * result["peak_worker_mb"]
    goal = "met" if peak < 1536 else "NOT met"
    echo(
        f"  peak memory: main process {result['peak_main_mb']:.0f} MB, largest workbook process "
        f"{result['peak_worker_mb']:.0f} MB; main + {workers} x largest = {peak:.0f} MB "
        f"(goal < 1536 MB: {goal})"
    )
    echo("DuckDB comparison on the same frame:")
    _compare_with_duckdb(db, echo)


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]))
