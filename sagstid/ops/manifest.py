"""The audit trail: a manifest.json beside each run's reports and the journal runs.jsonl.

The manifest says what was run (command, parameters with the database URL redacted, code
version, config file hashes, catalogue version), what it read (row counts per table, status and
exclusion reason, taken from results.json), what it wrote (SHA-256 of each file) and when and
how it ended. ``<root>/runs.jsonl`` holds one manifest per line for every run, failed and
refused runs included: each line is appended with a single write and flushed to disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import subprocess
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from sagstid import __version__
from sagstid.files import FILE_MODE, fsync_path, make_dirs

MANIFEST_FILE = "manifest.json"
JOURNAL_FILE = "runs.jsonl"
MANIFEST_VERSION = 1

OUTCOME_OK = "ok"
OUTCOME_FAILED = "failed"
OUTCOME_REFUSED = "refused"
OUTCOME_INTERRUPTED = "interrupted"


def now() -> dt.datetime:
    """The local time with its UTC offset, to the second."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def new_run_id(started: dt.datetime) -> str:
    """A unique, time-ordered run id: UTC start time and 6 random hex digits."""
    return f"{started.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def git_describe() -> str | None:
    """``git describe`` of the checkout sagstid runs from, or None (an installed wheel)."""
    checkout = Path(__file__).resolve().parents[2]
    if not (checkout / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), "describe", "--always", "--dirty", "--tags"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def code_version() -> dict[str, str | None]:
    return {"sagstid": __version__, "git": git_describe()}


def sha256_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def checksums(folder: Path, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """SHA-256 and size of each named file in ``folder``, by name (sorted)."""
    return {
        name: {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
        for name in sorted(names)
    }


def counts_from_results(results: dict[str, Any]) -> dict[str, Any]:
    """Row counts per table, per status and per exclusion reason, as results.json has them."""
    counts: dict[str, Any] = {}
    for table in ("decisions", "complaints"):
        section = results.get(table)
        if isinstance(section, dict):
            counts[table] = {"rows": section.get("rows"), "excluded": section.get("excluded")}
    appeals = (results.get("complaints") or {}).get("appeals")
    if appeals is not None:
        counts["appeals"] = appeals
    return counts


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_manifest(folder: Path, record: dict[str, Any]) -> Path:
    """Write ``folder/manifest.json`` whole (temporary file, flush, rename), mode 0o640."""
    target = folder / MANIFEST_FILE
    temporary = folder / f".{MANIFEST_FILE}.tmp"
    data = dumps(record).encode("utf-8")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, target)
    fsync_path(folder)
    return target


def append_journal(path: Path, record: dict[str, Any]) -> None:
    """Append ``record`` as one line to the journal with a single write, then fsync.

    If an earlier write was cut short (a full disk), the line is started afresh so that only
    the damaged line is unreadable."""
    make_dirs(path.parent)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        size = os.fstat(fd).st_size
        if not size:
            with suppress(PermissionError):  # a new journal: 0o640 whatever the umask
                os.fchmod(fd, FILE_MODE)
        if size and _last_byte(path, size) != b"\n":
            line = "\n" + line
        _write_all(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_journal(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Every readable record of the journal (oldest first) and the number of unreadable lines."""
    if not path.exists():
        return [], 0
    records: list[dict[str, Any]] = []
    bad = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if isinstance(record, dict):
            records.append(record)
        else:
            bad += 1
    return records, bad


def _last_byte(path: Path, size: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(size - 1)
        return handle.read(1)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
