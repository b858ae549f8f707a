"""The command line: a thin click layer over the library, and the only place exit codes live.

Exit status: 0 done; 2 bad input or configuration (one line on stderr); 1 anything else,
including a run refused because another run holds the lock (one line on stderr,
``sagstid: error: another run holds the lock <path> (...)``); 130 or 143 for a run stopped by
SIGINT or SIGTERM (128 + the signal; one line, and the run recorded as interrupted).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from sagstid import __version__, settings
from sagstid.errors import InputError
from sagstid.ops.runs_table import da_pct
from sagstid.ops.runstore import LockHeld
from sagstid.ops.signals import Interrupted
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
            click.echo(f"sagstid: error: {_one_line(exc)}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except LockHeld as exc:
            click.echo(f"sagstid: error: {_one_line(exc)}", err=True)
            ctx.exit(EXIT_FAILED)
        except Interrupted as exc:
            click.echo(
                f"sagstid: interrupted: stopped by {exc.name}; the run is recorded as interrupted "
                "and the previous reports are unchanged",
                err=True,
            )
            sys.unraisablehook = lambda _: None
            ctx.exit(exc.exit_status)
        except Exception as exc:
            if settings.env("debug"):
                raise
            if _no_room(exc):  # a full disk or a file-size limit: the operator's to fix, exit 2
                click.echo(
                    f"sagstid: error: no room to write the reports ({_one_line(exc)}); "
                    "the previous reports are unchanged",
                    err=True,
                )
                sys.unraisablehook = lambda _: None
                ctx.exit(EXIT_BAD_INPUT)
            click.echo(
                f"sagstid: failed: {type(exc).__name__}: {_one_line(exc)} "
                "(set SAGSTID_DEBUG=1 for the traceback)",
                err=True,
            )
            # What the failure left half-done (a workbook's zip on a full disk) fails again when
            # it is collected on the way out; the one line above has said what went wrong.
            sys.unraisablehook = lambda _: None
            ctx.exit(EXIT_FAILED)


_NO_ROOM = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def _no_room(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a full disk, a quota or a file-size limit; the
    workbook writer reports it as its own error with the errno in the text."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _NO_ROOM:
            return True
        if any(f"[Errno {code}]" in str(seen) for code in _NO_ROOM):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _one_line(exc: BaseException) -> str:
    """The error's message on one line, with every known secret masked."""
    from sagstid.source.urls import scrub

    return " ".join(scrub(str(exc)).split())


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


def _in_time(job: str, period: Period, today: dt.date, allow_future: bool) -> Period:
    """The period to measure, judged against ``today``: a period (nightly: an as-of day) after
    today is refused unless ``allow_future``; one that has begun but not ended is measured up
    to today and marked partial (docs/operations.md, "Periods in the future")."""
    if allow_future:
        return period
    if job == "nightly" and period.end > today:
        raise InputError(
            f"--as-of {period.end.isoformat()} is after today ({today.isoformat()}); "
            "give --allow-future to measure it anyway"
        )
    if period.start > today:
        raise InputError(
            f"the period {period.label} has not begun (today is {today.isoformat()}); "
            "give --allow-future to measure it anyway"
        )
    return period.up_to(today)


def _measure_and_report(
    job: str,
    db: str | None,
    config: Path | None,
    period: Period,
    out: Path | None,
    workers: int,
    stamp: str,
    as_of: dt.date | None = None,
    allow_future: bool = False,
    pdf: bool = False,
    units: tuple[str, ...] = (),
) -> None:
    """Run one measurement through sagstid.ops.jobs: under the lock, recorded in the journal.

    ``job`` "run" writes into ``out`` (default ``<root>/<period>``); the scheduled jobs write
    into the run store ``<root>/<job>/<stamp>`` unless ``out`` is given. With ``out`` given,
    the output root is not used at all: the lock and journal sit beside ``out``."""
    from sagstid.ops.jobs import RunRequest, execute
    from sagstid.ops.signals import stop_on_signals

    today = settings.today()
    period = _in_time(job, period, today, allow_future)
    period.previous()  # a period whose comparison period cannot be measured is bad input now
    if units:  # an ad hoc run of some units never takes the whole run's folder or stamp
        stamp = f"{stamp}-enheder-{'-'.join(sorted(set(units)))}"
    root = settings.default_out_dir() if out is None else None
    if job == "run" and out is None and root is not None:
        out = root / (stamp if units else period.slug)
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
        options={"allow_future": True} if allow_future else {},
        units=tuple(sorted(set(units))),
    )
    with stop_on_signals():
        outcome = execute(request, root, keep, stage=_stage, today=today)
    summary = outcome.summary
    counts = summary.status_counts
    click.echo(
        f"{period.label}: "
        + f"{counts['measured']:,} afgørelser målt".replace(",", ".")
        + f" (udeladt {counts['excluded']}, åbne {counts['open']}), "
        + f"generel overholdelse {da_pct(summary.general_compliance)} "
        + f"(mål {summary.general_target:g} %); rapporter i {outcome.folder}"
    )
    if pdf:
        from sagstid.ops.pdf import export_pdf

        workbook = Path(outcome.folder) / "udvalg.xlsx"
        if workbook.exists():
            click.echo(export_pdf(workbook).message)
        else:
            click.echo(f"PDF ikke lavet: {workbook} findes ikke.")


def _pdf(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--pdf",
        is_flag=True,
        help="Also write udvalg.pdf (tagged, accessible) beside the committee workbook, with "
        "LibreOffice where installed.",
    )(func)


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--unit",
        "units",
        multiple=True,
        metavar="CODE",
        help="Only this unit's workbook (repeatable); no committee workbook, never moves latest.",
    )(func)
    func = click.option(
        "--allow-future",
        is_flag=True,
        help="Measure a period (or --as-of day) after today instead of refusing it.",
    )(func)
    func = click.option(
        "--workers",
        type=click.IntRange(1, 32),
        default=min(4, os.cpu_count() or 1),
        show_default="4, or the number of cores if fewer",
        help="Parallel processes writing unit workbooks.",
    )(func)
    func = click.option(
        "--out",
        type=click.Path(path_type=Path),  # a file there is refused in one line (ops/outdir.py)
        help="Write the reports into this folder, replacing it whole (sagstid owns it), instead of "
        "the run store under the output root ($SAGSTID_OUT, default ./rapporter); see "
        "docs/operations.md.",
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


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
PeriodOf = Callable[..., tuple[Period, str, dt.date | None]]


def _measuring(job: str, *options: Decorator, with_pdf: bool = True) -> Callable[[PeriodOf], click.Command]:
    """A measuring command named ``job``: the common options (``_common``), ``--pdf`` unless
    ``with_pdf`` is False, then the job's own ``options``. The decorated function takes the job's
    own options and returns (period, stamp, as-of day or None); its docstring is the help."""

    def decorate(period_of: PeriodOf) -> click.Command:
        def command(
            db: str | None,
            config: Path | None,
            out: Path | None,
            workers: int,
            allow_future: bool,
            units: tuple[str, ...],
            pdf: bool = False,
            **own: Any,
        ) -> None:
            period, stamp, as_of = period_of(**own)
            _measure_and_report(
                job,
                db,
                config,
                period,
                out,
                workers,
                stamp=stamp,
                as_of=as_of,
                allow_future=allow_future,
                pdf=pdf,
                units=units,
            )

        command.__doc__ = period_of.__doc__
        decorated: Callable[..., Any] = command
        for option in reversed(options):
            decorated = option(decorated)
        if with_pdf:
            decorated = _pdf(decorated)
        return cli.command(name=job)(_common(decorated))

    return decorate


@_measuring(
    "run",
    click.option("--from", "date_from", required=True, metavar="YYYY-MM-DD", help="First day (inclusive)."),
    click.option("--to", "date_to", required=True, metavar="YYYY-MM-DD", help="Last day (inclusive)."),
)
def run(date_from: str, date_to: str) -> tuple[Period, str, None]:
    """Measure a period and write results.json, unit workbooks and the committee workbook."""
    period = Period(parse_date(date_from, "--from"), parse_date(date_to, "--to"))
    return period, period.slug, None


@_measuring("annual", click.option("--year", type=int, required=True, help="The year to measure."))
def annual(year: int) -> tuple[Period, str, None]:
    """The annual sagstidsmåling for one calendar year (run store: <root>/annual/<year>)."""
    period = Period.year(year)
    return period, period.slug, None


@_measuring(
    "quarterly", click.option("--quarter", required=True, metavar="YYYYQn", help="The quarter, e.g. 2025Q3.")
)
def quarterly(quarter: str) -> tuple[Period, str, None]:
    """The quarterly status for the committee (run store: <root>/quarterly/<YYYYQn>)."""
    period = Period.quarter(quarter)
    return period, period.slug, None


@_measuring(
    "halfyear", click.option("--half", required=True, metavar="YYYYHn", help="The half year, e.g. 2025H1.")
)
def halfyear(half: str) -> tuple[Period, str, None]:
    """The half-yearly status for the Finance Committee (run store: <root>/halfyear/<YYYYHn>)."""
    period = Period.half(half)
    return period, period.slug, None


@_measuring(
    "nightly",
    click.option(
        "--as-of", "as_of", metavar="YYYY-MM-DD", help="The day the run measures up to (default: today)."
    ),
    with_pdf=False,
)
def nightly(as_of: str | None) -> tuple[Period, str, dt.date]:
    """The nightly run: the year to date up to --as-of (run store: <root>/nightly/<as-of>)."""
    day = parse_date(as_of, "--as-of") if as_of else settings.today()
    return Period(dt.date(day.year, 1, 1), day), day.isoformat(), day


@cli.command()
@click.option("--decision", "decision_id", metavar="ID", help="The decision_id to explain.")
@click.option("--complaint", "complaint_id", metavar="ID", help="The complaint_id to explain.")
@click.option("--db", help=settings.option_help("db"))
@click.option("--config", type=click.Path(path_type=Path), help=settings.option_help("config"))
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="The day an open case is judged on (default: today)."
)
def explain(
    decision_id: str | None, complaint_id: str | None, db: str | None, config: Path | None, as_of: str | None
) -> None:
    """Show, in Danish, how one decision's or complaint's deadline was worked out."""
    from sagstid.ops.explain import explain_case

    if (decision_id is None) == (complaint_id is None):
        raise click.UsageError("give exactly one of --decision ID and --complaint ID")
    day = parse_date(as_of, "--as-of") if as_of else settings.today()
    kind, key = ("decision", decision_id) if decision_id is not None else ("complaint", complaint_id)
    assert key is not None
    click.echo(
        explain_case(_resolve_db(db), config or settings.default_config_dir(), kind, key, day), nl=False
    )


@cli.command()
@click.argument("run_a")
@click.argument("run_b")
def diff(run_a: str, run_b: str) -> None:
    """Compare the figures of two runs (folders or run ids in the run store); exit 0 either way."""
    from sagstid.ops.revision_store import find_run, read_results
    from sagstid.report.revisions import da_value, diff_rows

    root = settings.default_out_dir()
    folder_a, folder_b = find_run(root, run_a), find_run(root, run_b)
    a, b = read_results(folder_a), read_results(folder_b)
    for name, folder, data in (("A", folder_a, a), ("B", folder_b, b)):
        period = data.get("period", {})
        click.echo(f"{name}: {folder} (periode {period.get('from')} - {period.get('to')})")
    rows = diff_rows(a, b)
    if not rows:
        click.echo("Ingen forskelle i de sammenlignede tal.")
        return
    width = max(len(label) for label, _, _ in rows)
    click.echo(f"{'Tal'.ljust(width)}  {'A':>10}  {'B':>10}")
    for label, old, new in rows:
        click.echo(f"{label.ljust(width)}  {da_value(old):>10}  {da_value(new):>10}")
    click.echo(f"{len(rows)} tal er forskellige.")


@cli.command()
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many runs to list.")
@click.option("--job", help="Only this job (nightly, quarterly, halfyear, annual, run).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="The runs into this --out folder (their journal is beside it) instead of the output root's.",
)
def runs(limit: int, job: str | None, out: Path | None) -> None:
    """List past runs, newest first, from <root>/runs.jsonl (or the journal beside --out)."""
    from sagstid.ops.outdir import OutFolder
    from sagstid.ops.runs_table import format_runs

    if out is not None:
        journal = OutFolder(out).journal_path
        lines, bad = format_runs(journal.parent, limit=limit, job=job, journal=journal)
    else:
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
