"""The command line: a thin click layer over the library, and the only place exit codes live.

Exit status: 0 done; 2 bad input or configuration (one line on stderr); 1 anything else,
including a run refused because another run holds the lock (one line on stderr,
``sagstid: error: another run holds the lock <path> (...)``).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from sagstid import __version__, settings
from sagstid.errors import InputError
from sagstid.ops.runs_table import da_pct
from sagstid.ops.runstore import LockHeld
from sagstid.periods import Period, parse_date

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


@contextmanager
def _stage(label: str) -> Iterator[None]:
    """Print a stage as it starts and how long it took: one line per stage. On a terminal a
    long stage shows its progress on that line (``_progress``); in a log nothing more."""
    _current[0] = label
    click.echo(f"• {label} …", err=True, nl=False)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        click.echo(" afbrudt", err=True)
        raise
    click.echo(f" {time.perf_counter() - started:.1f} s", err=True)


_current = [""]


def _progress(done: int, total: int) -> None:
    """The report stage's workbooks done of total, rewriting the stage's line (terminals only)."""
    if sys.stderr.isatty():
        click.echo(f"\r• {_current[0]} … {done} af {total} arbejdsbøger", err=True, nl=False)


_stage.progress = _progress  # type: ignore[attr-defined]


class _Group(click.Group):
    """Turns library errors into the exit codes of docs/contract.md §4.2, for every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except InputError as exc:
            click.echo(f"sagstid: error: {exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except LockHeld as exc:
            click.echo(f"sagstid: error: {exc}", err=True)
            ctx.exit(EXIT_FAILED)
        except Exception as exc:
            if settings.env("debug"):
                raise
            click.echo(
                f"sagstid: failed: {type(exc).__name__}: {exc} (set SAGSTID_DEBUG=1 for the traceback)",
                err=True,
            )
            # What the failure left half-done (a workbook's zip on a full disk) fails again when
            # it is collected on the way out; the one line above has said what went wrong.
            sys.unraisablehook = lambda _: None
            ctx.exit(EXIT_FAILED)


def _resolve_db(db: str | None) -> str:
    """--db, else $SAGSTID_DB, else the embedded demo database (built if absent)."""
    url = db or settings.env("db")
    if url:
        return url
    from sagstid.dev.demo import ensure_demo_database

    path = settings.demo_db_path()
    if not path.exists():
        click.echo(f"• Bygger demodatabasen i {path} (første gang) …", err=True)
    return f"sqlite:///{ensure_demo_database(path)}"


def _measure_and_report(
    job: str,
    db: str | None,
    config: Path | None,
    period: Period,
    out: Path | None,
    workers: int,
    stamp: str,
    as_of: dt.date | None = None,
) -> None:
    """Run one measurement through sagstid.ops.jobs: under the lock, recorded in runs.jsonl.

    ``job`` "run" writes into ``out`` (default ``<root>/<period>``); the scheduled jobs write
    into the run store ``<root>/<job>/<stamp>`` unless ``out`` is given."""
    from sagstid.ops.jobs import RunRequest, execute

    root = settings.default_out_dir()
    if job == "run" and out is None:
        out = root / period.slug
    keep = settings.keep_runs(job) if out is None else 1
    request = RunRequest(
        job=job,
        period=period,
        db_url=_resolve_db(db),
        config_dir=config or settings.default_config_dir(),
        stamp=stamp,
        out=out,
        workers=workers,
        as_of=as_of,
        command=click.get_current_context().command_path,
    )
    outcome = execute(request, root, keep, stage=_stage)
    summary = outcome.summary
    counts = summary.status_counts
    click.echo(
        f"{period.label}: {counts['measured']:,} afgørelser målt".replace(",", ".")
        + f" (udeladt {counts['excluded']}, åbne {counts['open']}), "
        + f"generel overholdelse {da_pct(summary.general_compliance)} "
        + f"(mål {summary.general_target:g} %); rapporter i {outcome.folder}"
    )


def _common(func):  # type: ignore[no-untyped-def]
    func = click.option(
        "--workers",
        type=click.IntRange(1, 32),
        default=min(4, os.cpu_count() or 1),
        show_default="4, or the number of cores if fewer",
        help="Parallel processes writing unit workbooks.",
    )(func)
    func = click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        help="Write the reports straight into this folder instead of the run store under the "
        "output root ($SAGSTID_OUT, default ./rapporter); see docs/operations.md.",
    )(func)
    func = click.option(
        "--config",
        type=click.Path(path_type=Path),
        help=settings.option_help("config"),
    )(func)
    func = click.option("--db", help=settings.option_help("db"))(func)
    return func


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sagstid")
def cli() -> None:
    """Sagstidsmåling: deadline compliance for decisions (§ 3, stk. 2) and complaints."""


@cli.command()
@_common
@click.option("--from", "date_from", required=True, metavar="YYYY-MM-DD", help="First day (inclusive).")
@click.option("--to", "date_to", required=True, metavar="YYYY-MM-DD", help="Last day (inclusive).")
def run(
    db: str | None, config: Path | None, out: Path | None, workers: int, date_from: str, date_to: str
) -> None:
    """Measure a period and write results.json, unit workbooks and the committee workbook."""
    period = Period(parse_date(date_from, "--from"), parse_date(date_to, "--to"))
    _measure_and_report("run", db, config, period, out, workers, stamp=period.slug)


@cli.command()
@_common
@click.option("--year", type=click.IntRange(1990, 2100), required=True, help="The year to measure.")
def annual(db: str | None, config: Path | None, out: Path | None, workers: int, year: int) -> None:
    """The annual sagstidsmåling for one calendar year (run store: <root>/annual/<year>)."""
    period = Period.year(year)
    _measure_and_report("annual", db, config, period, out, workers, stamp=period.slug)


@cli.command()
@_common
@click.option("--quarter", required=True, metavar="YYYYQn", help="The quarter, e.g. 2025Q3.")
def quarterly(db: str | None, config: Path | None, out: Path | None, workers: int, quarter: str) -> None:
    """The quarterly status for the committee (run store: <root>/quarterly/<YYYYQn>)."""
    period = Period.quarter(quarter)
    _measure_and_report("quarterly", db, config, period, out, workers, stamp=period.slug)


@cli.command()
@_common
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="The day the run measures up to (default: today)."
)
def nightly(db: str | None, config: Path | None, out: Path | None, workers: int, as_of: str | None) -> None:
    """The nightly run: the year to date up to --as-of (run store: <root>/nightly/<as-of>)."""
    day = parse_date(as_of, "--as-of") if as_of else dt.date.today()
    period = Period(dt.date(day.year, 1, 1), day)
    _measure_and_report("nightly", db, config, period, out, workers, stamp=day.isoformat(), as_of=day)


@cli.command()
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many runs to list.")
@click.option("--job", help="Only this job (nightly, quarterly, annual, run).")
def runs(limit: int, job: str | None) -> None:
    """List past runs, newest first, from <root>/runs.jsonl."""
    from sagstid.ops.runs_table import format_runs

    lines, bad = format_runs(settings.default_out_dir(), limit=limit, job=job)
    if bad:
        click.echo(f"sagstid: warning: {bad} unreadable line(s) in runs.jsonl skipped", err=True)
    for line in lines:
        click.echo(line)


@cli.command()
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=settings.option_help("demo_db"),
)
@click.option("--force", is_flag=True, help="Rebuild even if it exists.")
def demo(path: Path | None, force: bool) -> None:
    """Build the embedded demo database (fixed seed) and print its URL."""
    from sagstid.dev.demo import build_demo_database, ensure_demo_database

    target = path or settings.demo_db_path()
    if force:
        target.parent.mkdir(parents=True, exist_ok=True)
        build_demo_database(target)
    else:
        ensure_demo_database(target)
    click.echo(f"sqlite:///{target}")


@cli.command()
@click.option(
    "--decisions",
    type=click.IntRange(1000),
    default=1_000_000,
    show_default=True,
    help="Decisions to generate in each year (the measured year and any history).",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to keep the generated database and reports (default: a temporary folder).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=min(4, os.cpu_count() or 1),
    show_default="4, or the number of cores if fewer",
    help="Parallel processes writing unit workbooks.",
)
@click.option(
    "--late-share",
    type=click.FloatRange(0.0, 0.95),
    default=None,
    help="Share of decisions generated late, e.g. 0.33 (default: the demo's own, about 8 %).",
)
@click.option(
    "--history-years",
    type=click.IntRange(1, 30),
    default=1,
    show_default=True,
    help="Years of decisions in the table (--decisions each), ending with the measured year.",
)
def bench(
    decisions: int, workdir: Path | None, workers: int, late_share: float | None, history_years: int
) -> None:
    """Time the whole pipeline on generated data (each stage, peak memory, cells per second,
    Arrow against SQLAlchemy, DuckDB comparison)."""
    from sagstid.dev.bench import run_benchmark

    run_benchmark(
        decisions, workdir, workers, echo=click.echo, late_share=late_share, history_years=history_years
    )


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sagstid")
