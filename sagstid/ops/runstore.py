"""The run store: each scheduled run in its own folder, pointers moved atomically, retention,
and the lock that keeps two runs from overlapping.

Layout under the output root R (``$SAGSTID_OUT``)::

    R/.sagstid.lock                          the lock (fcntl.flock)
    R/runs.jsonl                             the journal of every run (sagstid.ops.manifest)
    R/<job>/.runs/<stamp>.<run id>/          a run's real folder, written whole before any
                                             name a reader uses points at it
    R/<job>/<stamp> -> .runs/<stamp>.<id>    the stamp's current run (a symlink)
    R/<job>/latest -> <stamp>                the newest stamp that completed (a symlink)

A pointer is moved by creating a symlink under a temporary name and renaming it over the old
one (``os.replace``, atomic), so a reader opening ``latest/results.json`` gets either the old
run's file or the new run's, never a mix or a partial file. Re-running a stamp writes a new
real folder and then moves the stamp's pointer, so the old run stays readable until the new
one is complete. A run killed at any point leaves only hidden leftovers (``.runs/...`` not
pointed at, ``.tmp-*`` links), which the next run removes while it holds the lock.

The lock is ``flock(2)`` on ``R/.sagstid.lock``: the kernel releases it when the holder's
process ends in any way (even SIGKILL), so there is no stale lock to clear by hand.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path

from sagstid.faults import checkpoint
from sagstid.files import DIR_MODE, FILE_MODE, fsync_path, make_dirs

LOCK_FILE = ".sagstid.lock"
LATEST = "latest"
RUNS_DIR = ".runs"
_TMP_PREFIX = ".tmp-"


class LockHeld(Exception):
    """Another run holds the lock: this run is refused (exit 1, one line)."""


@contextmanager
def run_lock(path: Path, holder: str) -> Iterator[None]:
    """Hold the run lock at ``path`` or raise LockHeld at once, naming the holder if known."""
    make_dirs(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = os.pread(fd, 500, 0).decode("utf-8", "replace").strip()
            raise LockHeld(
                f"another run holds the lock {path}"
                + (f" ({who})" if who else "")
                + "; this run was not started"
            ) from None
        with suppress(PermissionError):  # someone else's file: the lock still works
            os.fchmod(fd, FILE_MODE)
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def _point(link: Path, target: str) -> None:
    """Make ``link`` a symlink to ``target`` atomically (temporary name, then os.replace)."""
    temporary = link.parent / f"{_TMP_PREFIX}{link.name}-{uuid.uuid4().hex[:8]}"
    os.symlink(target, temporary)
    os.replace(temporary, link)


class RunStore:
    """The folders of the scheduled jobs under one output root."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_FILE

    def lock(self, holder: str) -> AbstractContextManager[None]:
        return run_lock(self.lock_path, holder)

    def job_dir(self, job: str) -> Path:
        return self.root / job

    def stamps(self, job: str) -> list[str]:
        """The job's published stamps, oldest first (stamps sort in time order)."""
        folder = self.job_dir(job)
        if not folder.is_dir():
            return []
        return sorted(
            entry.name
            for entry in folder.iterdir()
            if entry.is_symlink() and entry.name != LATEST and not entry.name.startswith(".")
        )

    def latest(self, job: str) -> str | None:
        """The stamp ``latest`` points at, or None."""
        try:
            return os.readlink(self.job_dir(job) / LATEST)
        except OSError:
            return None

    def new_run_dir(self, job: str, stamp: str, run_id: str) -> Path:
        """A fresh hidden folder for one run of ``stamp``; nothing points at it yet."""
        _check_stamp(stamp)
        folder = self.job_dir(job) / RUNS_DIR / f"{stamp}.{run_id}"
        make_dirs(folder.parent)
        folder.mkdir()
        os.chmod(folder, DIR_MODE)
        return folder

    def measured_to(self, job: str, stamp: str) -> dt.date | None:
        """The last day the run behind ``<job>/<stamp>`` measured, from its manifest, or None."""
        try:
            record = json.loads((self.job_dir(job) / stamp / "manifest.json").read_text(encoding="utf-8"))
            period = record["parameters"]["period"]
            return dt.date.fromisoformat(period.get("measured_to") or period["to"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _moves_latest(self, job: str, stamp: str, measured: dt.date | None, today: dt.date | None) -> bool:
        """Whether a complete run of ``stamp`` that measured up to ``measured`` becomes latest:
        the newest complete run by its measurement date (ties: the newer run). A run measured
        past ``today`` (asked for with --allow-future) never does; a latest that was is replaced.
        Without a date to go by, the stamps are compared (they sort in time order)."""
        current = self.latest(job)
        if current is None or not (self.job_dir(job) / current).exists():
            return True
        if measured is None:
            return stamp >= current
        if today is not None and measured > today:
            return False
        held = self.measured_to(job, current)
        if held is None or (today is not None and held > today):
            return True
        return measured >= held

    def publish(
        self,
        job: str,
        stamp: str,
        run_dir: Path,
        measured_to: dt.date | None = None,
        today: dt.date | None = None,
    ) -> bool:
        """Point ``<job>/<stamp>`` at the complete ``run_dir``, then ``latest`` at the stamp if
        the run is the newest by its measurement date ``measured_to`` (see ``_moves_latest``).
        Returns whether ``latest`` moved."""
        _check_stamp(stamp)
        job_dir = self.job_dir(job)
        for entry in run_dir.iterdir():
            fsync_path(entry)
        fsync_path(run_dir)
        fsync_path(run_dir.parent)
        moved = self._moves_latest(job, stamp, measured_to, today)
        link = job_dir / stamp
        replaced = _target(link)
        _point(link, os.path.relpath(run_dir, job_dir))
        checkpoint("stamp-linked")
        if moved:
            _point(job_dir / LATEST, stamp)
        fsync_path(job_dir)
        if replaced is not None and replaced.resolve() != run_dir.resolve():
            shutil.rmtree(replaced, ignore_errors=True)
        return moved

    def prune(self, job: str, keep: int) -> list[str]:
        """Remove all but the newest ``keep`` stamps, never the one ``latest`` points at.
        Each stamp's pointer goes first (atomic), then its folder. Returns the removed stamps."""
        if keep < 1:
            raise ValueError("keep must be at least 1")
        latest = self.latest(job)
        stamps = self.stamps(job)
        removed = [s for s in stamps[: max(0, len(stamps) - keep)] if s != latest]
        for stamp in removed:
            link = self.job_dir(job) / stamp
            target = _target(link)
            link.unlink()
            if target is not None:
                shutil.rmtree(target, ignore_errors=True)
        self.clean_leftovers(job)
        return removed

    def clean_leftovers(self, job: str) -> list[Path]:
        """Remove what interrupted runs left: run folders no stamp points at and temporary
        links. Only call while holding the lock."""
        job_dir = self.job_dir(job)
        if not job_dir.is_dir():
            return []
        removed: list[Path] = []
        for entry in job_dir.iterdir():
            if entry.name.startswith(_TMP_PREFIX) and entry.is_symlink():
                entry.unlink()
                removed.append(entry)
        runs = job_dir / RUNS_DIR
        if runs.is_dir():
            in_use = {t.resolve() for s in self.stamps(job) if (t := _target(job_dir / s)) is not None}
            for folder in runs.iterdir():
                if folder.resolve() not in in_use:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
        return removed


def _target(link: Path) -> Path | None:
    """The folder a stamp link points at (unresolved further), or None when absent."""
    try:
        return link.parent / os.readlink(link)
    except OSError:
        return None


def _check_stamp(stamp: str) -> None:
    if not stamp or "/" in stamp or stamp.startswith(".") or stamp == LATEST:
        raise ValueError(f"not a usable stamp for a run folder: {stamp!r}")
