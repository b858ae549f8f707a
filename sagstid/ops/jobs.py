"""One run from start to record: lock, measure, write, manifest, publish, prune, journal.

The CLI builds a RunRequest and calls ``execute``; errors pass through unchanged (after the
run is recorded) so that the CLI alone turns them into exit codes.

Two ways to place the reports:

* the run store (``out=None``, the scheduled commands): ``<root>/<job>/<stamp>`` and
  ``<root>/<job>/latest``, see sagstid.ops.runstore;
* a folder (``out=DIR``: ``--out DIR``, or ``<root>/<period>`` of ``sagstid run``): the run
  is written whole into a hidden sibling and swapped with DIR in one step
  (sagstid.ops.outdir), so DIR shows the previous run or this one, never a mix.

The run holds its lock throughout and is appended to its journal however it ends: at the
output root (``<root>/.sagstid.lock``, ``<root>/runs.jsonl``), or for an --out folder beside it
(``.DIR.sagstid.lock``, ``.DIR.runs.jsonl`` in DIR's parent) so that ad hoc runs into different
folders do not block each other and two into the same folder do.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sagstid.errors import InputError
from sagstid.faults import checkpoint
from sagstid.ops import manifest
from sagstid.ops.outdir import OutFolder
from sagstid.ops.runstore import LOCK_FILE, LockHeld, RunStore, run_lock
from sagstid.ops.signals import Interrupted, uninterruptible
from sagstid.periods import Period
from sagstid.report.results_json import period_record
from sagstid.source.urls import describe, scrub

Stage = Callable[[str], AbstractContextManager[None]]

log = logging.getLogger("sagstid.alerts")


@contextmanager
def _silent(_: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class RunRequest:
    """What to measure and where the reports go."""

    job: str  # "nightly", "quarterly", "halfyear", "annual" (run store) or "run"
    period: Period
    db_url: str
    config_dir: Path
    stamp: str  # the run folder's name: the as-of date (nightly) or the period's slug
    out: Path | None = None  # write straight into this folder instead of the run store
    workers: int = 1
    as_of: dt.date | None = None  # nightly: the day the run measures up to
    command: str = ""  # e.g. "sagstid nightly", for the manifest
    options: dict[str, Any] = field(default_factory=dict)  # further parameters to record


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    folder: Path  # the name a reader uses: <root>/<job>/<stamp> or the --out folder
    summary: Any  # sagstid.pipeline.RunSummary
    manifest: dict[str, Any]
    latest_moved: bool = False
    pruned: list[str] = field(default_factory=list)


def _measure(request: RunRequest, out_dir: Path, stage: Stage) -> Any:
    """The pipeline call. The open-case snapshot is taken as of the period's last day, which for
    the nightly run is ``request.as_of``; nightly unit workbooks open on their action list."""
    from sagstid.pipeline import run_period

    return run_period(
        request.db_url,
        request.config_dir,
        request.period,
        out_dir,
        workers=request.workers,
        stage=stage,
        worklist_first=request.job == "nightly",
    )


def _parameters(request: RunRequest, root: Path | None) -> dict[str, Any]:
    return {
        "db": describe(request.db_url),
        "config": str(request.config_dir),
        "period": period_record(request.period),
        "as_of": request.as_of.isoformat() if request.as_of else None,
        "stamp": request.stamp,
        "out": str(request.out) if request.out else None,
        "root": str(root) if root is not None else None,
        "workers": request.workers,
        **request.options,
    }


def _config_record(config_dir: Path) -> dict[str, Any]:
    from sagstid.config import load_config

    config = load_config(config_dir)
    return {"files": dict(sorted(config.file_hashes.items())), "catalogue_version": config.catalogue_version}


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _error_line(exc: BaseException) -> str:
    text = scrub(str(exc)).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _journal_and_lock(request: RunRequest, root: Path | None) -> tuple[Path, Path]:
    """Where the run's lock and journal are: beside an --out folder the caller gave (root
    None), else at the output root."""
    if root is None:
        if request.out is None:
            raise ValueError("a run without an output root needs an --out folder")
        folder = OutFolder(request.out)
        folder.check_parent()
        return folder.lock_path, folder.journal_path
    return root / LOCK_FILE, root / manifest.JOURNAL_FILE


def execute(
    request: RunRequest, root: Path | None, keep: int, stage: Stage = _silent, today: dt.date | None = None
) -> RunOutcome:
    """Run ``request`` under its lock and record it in its journal, whatever happens.

    ``root`` is the output root (the run store, or where ``sagstid run`` puts ``<period>``
    folders); None for a run into an --out folder of the caller's, whose lock and journal sit
    beside that folder. ``today``: the day ``latest`` is judged against (default: the date)."""
    started = manifest.now()
    run_id = manifest.new_run_id(started)
    lock_path, journal = _journal_and_lock(request, root)
    record: dict[str, Any] = {
        "manifest_version": manifest.MANIFEST_VERSION,
        "run_id": run_id,
        "job": request.job,
        "command": request.command,
        "parameters": _parameters(request, root),
        "code_version": manifest.code_version(),
        "host": socket.gethostname(),
        "user": _user(),
        "pid": os.getpid(),
        "started": started.isoformat(),
    }
    holder = f"pid {os.getpid()}, {request.command or request.job}, started {started.isoformat()}"
    try:
        with run_lock(lock_path, holder):
            checkpoint("locked")
            return _locked_run(request, root, keep, record, stage, journal, today or dt.date.today())
    except LockHeld as exc:
        _record_end(journal, record, manifest.OUTCOME_REFUSED, exc)
        raise


def _locked_run(
    request: RunRequest,
    root: Path | None,
    keep: int,
    record: dict[str, Any],
    stage: Stage,
    journal: Path,
    today: dt.date,
) -> RunOutcome:
    recorded = False
    store = RunStore(root) if request.out is None and root is not None else None
    target = OutFolder(request.out) if request.out is not None else None
    try:
        record["config"] = _config_record(request.config_dir)
        if target is not None:
            target.check()
            target.clean_leftovers()
            folder = target.path
            write_dir = target.new_dir(record["run_id"])
        else:
            assert store is not None
            store.clean_leftovers(request.job)
            write_dir = store.new_run_dir(request.job, request.stamp, record["run_id"])
            folder = store.job_dir(request.job) / request.stamp
        record["folder"] = str(folder)
        shown, hidden = str(folder), str(write_dir)

        def named(label: str) -> AbstractContextManager[None]:  # the stages name the folder readers use
            return stage(label.replace(hidden, shown))

        summary = _measure(request, write_dir, named)
        checkpoint("written")
        results = json.loads((write_dir / "results.json").read_text(encoding="utf-8"))
        record["counts"] = manifest.counts_from_results(results)
        record["general_compliance_pct"] = summary.general_compliance
        record["outputs"] = manifest.checksums(write_dir, [p.name for p in summary.files])
        record["finished"] = manifest.now().isoformat()
        record["outcome"] = manifest.OUTCOME_OK
        record["error"] = None
        manifest.write_manifest(write_dir, record)
        checkpoint("manifest-written")
        moved, pruned = False, []
        with uninterruptible():  # complete: a signal from here on does not stop it half-visible
            if target is not None:
                target.publish(write_dir, record["run_id"])
            else:
                assert store is not None
                moved = store.publish(request.job, request.stamp, write_dir, request.period.end, today)
                checkpoint("published")
                pruned = store.prune(request.job, keep)
            if request.job == "nightly":  # the alerts remembered at the root, or beside --out
                _send_alerts(
                    request.config_dir, results, summary, root if root is not None else journal.parent
                )
            manifest.append_journal(journal, record)
            recorded = True
        return RunOutcome(record["run_id"], folder, summary, record, moved, pruned)
    except BaseException as exc:
        with suppress(OSError):  # this run's hidden folder, unless a name already points at it
            if store is not None:
                store.clean_leftovers(request.job)
            elif target is not None:
                target.clean_leftovers()
        if not recorded:
            outcome = (
                manifest.OUTCOME_INTERRUPTED if isinstance(exc, Interrupted) else manifest.OUTCOME_FAILED
            )
            _record_end(journal, record, outcome, exc)
        raise


def _send_alerts(config_dir: Path, results: dict[str, Any], summary: Any, root: Path) -> None:
    """E-mail the run's new alerts to the units' contacts (docs/alerts.md); never fails the run."""
    from sagstid.config import load_config
    from sagstid.ops.alerts import send_alerts

    try:
        send_alerts(results, summary.unit_names, load_config(config_dir).alerts, root)
    except OSError as exc:  # the remembered-alerts file: logged, the reports stand
        log.warning("alerts: not sent (%s)", type(exc).__name__)


def _record_end(journal: Path, record: dict[str, Any], outcome: str, exc: BaseException) -> None:
    """Append a run that did not complete to the journal; a journal that cannot be written
    (the disk that made the run fail is full) must not hide the run's own error."""
    record.update(
        finished=manifest.now().isoformat(),
        outcome=outcome,
        error=_error_line(exc),
        bad_input=isinstance(exc, InputError),
    )
    record.pop("outputs", None)
    with suppress(OSError):
        manifest.append_journal(journal, record)
