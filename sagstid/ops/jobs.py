"""One run from start to record: lock, measure, write, manifest, publish, prune, journal.

The CLI builds a RunRequest and calls ``execute``; errors pass through unchanged (after the
run is recorded) so that the CLI alone turns them into exit codes.

Two ways to place the reports:

* the run store (``out=None``, the scheduled commands): ``<root>/<job>/<stamp>`` and
  ``<root>/<job>/latest``, see sagstid.ops.runstore;
* a folder of the caller's (``out=DIR``, ``sagstid run --out DIR``): the files are staged and
  moved into DIR one by one (sagstid.report.publish), then manifest.json.

Either way the run holds ``<root>/.sagstid.lock`` throughout and is appended to
``<root>/runs.jsonl`` however it ends.
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
from sagstid.files import make_dirs
from sagstid.ops import manifest
from sagstid.ops.runstore import LockHeld, RunStore
from sagstid.periods import Period
from sagstid.source.db import redact

Stage = Callable[[str], AbstractContextManager[None]]

log = logging.getLogger("sagstid.alerts")


@contextmanager
def _silent(_: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class RunRequest:
    """What to measure and where the reports go."""

    job: str  # "nightly", "quarterly", "annual" (run store) or "run"
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


def _parameters(request: RunRequest, root: Path) -> dict[str, Any]:
    return {
        "db": redact(request.db_url),
        "config": str(request.config_dir),
        "period": {"from": request.period.start.isoformat(), "to": request.period.end.isoformat()},
        "as_of": request.as_of.isoformat() if request.as_of else None,
        "stamp": request.stamp,
        "out": str(request.out) if request.out else None,
        "root": str(root),
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
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def execute(request: RunRequest, root: Path, keep: int, stage: Stage = _silent) -> RunOutcome:
    """Run ``request`` under the lock at ``root`` and record it, whatever happens."""
    started = manifest.now()
    run_id = manifest.new_run_id(started)
    store = RunStore(root)
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
        with store.lock(holder):
            checkpoint("locked")
            return _locked_run(request, store, keep, record, stage)
    except LockHeld as exc:
        _record_end(store, record, manifest.OUTCOME_REFUSED, exc)
        raise


def _locked_run(
    request: RunRequest, store: RunStore, keep: int, record: dict[str, Any], stage: Stage
) -> RunOutcome:
    recorded = False
    try:
        record["config"] = _config_record(request.config_dir)
        if request.out is not None:
            folder = write_dir = request.out
            make_dirs(folder)
        else:
            store.clean_leftovers(request.job)
            write_dir = store.new_run_dir(request.job, request.stamp, record["run_id"])
            folder = store.job_dir(request.job) / request.stamp
        record["folder"] = str(folder)
        summary = _measure(request, write_dir, stage)
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
        if request.out is None:
            moved = store.publish(request.job, request.stamp, write_dir)
            checkpoint("published")
            pruned = store.prune(request.job, keep)
        if request.job == "nightly":
            _send_alerts(request.config_dir, results, summary, store.root)
        manifest.append_journal(store.root / manifest.JOURNAL_FILE, record)
        recorded = True
        return RunOutcome(record["run_id"], folder, summary, record, moved, pruned)
    except BaseException as exc:
        if request.out is None:
            with suppress(OSError):  # this run's folder, unless a stamp already points at it
                store.clean_leftovers(request.job)
        if not recorded:
            _record_end(store, record, manifest.OUTCOME_FAILED, exc)
        raise


def _send_alerts(config_dir: Path, results: dict[str, Any], summary: Any, root: Path) -> None:
    """E-mail the run's new alerts to the units' contacts (docs/alerts.md); never fails the run."""
    from sagstid.config import load_config
    from sagstid.ops.alerts import send_alerts

    try:
        send_alerts(results, summary.unit_names, load_config(config_dir).alerts, root)
    except OSError as exc:  # the remembered-alerts file: logged, the reports stand
        log.warning("alerts: not sent (%s)", type(exc).__name__)


def _record_end(store: RunStore, record: dict[str, Any], outcome: str, exc: BaseException) -> None:
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
        manifest.append_journal(store.root / manifest.JOURNAL_FILE, record)
