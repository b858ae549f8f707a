"""Report folders and files: permissions whatever the umask, and flushing to disk."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o750
"""Report folders: owner and group only, whatever the umask."""
FILE_MODE = 0o640
"""Report files: owner read-write, group read, others nothing, whatever the umask."""


def make_dirs(path: Path) -> None:
    """Create ``path`` and any missing parents, each created folder with mode 0o750."""
    missing: list[Path] = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entry to disk (so a power cut cannot undo a rename)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
