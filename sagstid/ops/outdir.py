"""A report folder of the caller's (``--out DIR``), replaced whole: all or nothing.

sagstid owns DIR. Each run writes into a new hidden sibling, ``.DIR.sagstid-new-<run id>``,
complete with its manifest, and only then swaps it with DIR in one step (Linux
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, which a run killed between them leaves
for the next run to undo). So a reader of DIR, and anything that fails or is killed before the
swap, sees the previous run's files, every one byte for byte; after the swap, the new run's.

DIR must be new, empty, or a folder sagstid made (its marker file ``.sagstid-out``, and no
file that its manifest does not list): sagstid refuses any other folder and never deletes a
file it did not write. The lock and the journal sit beside DIR, where a swap cannot touch
them: ``.DIR.sagstid.lock`` and ``.DIR.runs.jsonl`` in DIR's parent folder.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import sys
from pathlib import Path

from sagstid.errors import InputError
from sagstid.faults import checkpoint
from sagstid.files import DIR_MODE, FILE_MODE, fsync_path, make_dirs

MARKER = ".sagstid-out"
_MARKER_TEXT = "Denne mappe skrives af sagstid og erstattes helt ved hver kørsel.\n"
_NEW = ".sagstid-new-"
_OLD = ".sagstid-old-"
_MANIFEST = "manifest.json"
_STAGING = ".staging-"


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders' names in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(
        ctypes.c_int(at_fdcwd),
        ctypes.c_char_p(os.fsencode(first)),
        ctypes.c_int(at_fdcwd),
        ctypes.c_char_p(os.fsencode(second)),
        ctypes.c_uint(rename_exchange),
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


class OutFolder:
    """``--out DIR``: where its run writes, its lock and journal, and the swap."""

    def __init__(self, path: Path) -> None:
        given = Path(path)
        if not given.name or given.name in (".", ".."):
            raise InputError(f"--out {str(path)!r}: give a folder by its name (not '.' or '..')")
        self.path = Path(os.path.abspath(given))
        self.parent = self.path.parent.resolve() if self.path.parent.exists() else self.path.parent
        self.path = self.parent / self.path.name
        self.name = self.path.name

    @property
    def lock_path(self) -> Path:
        return self.parent / f".{self.name}.sagstid.lock"

    @property
    def journal_path(self) -> Path:
        return self.parent / f".{self.name}.runs.jsonl"

    def check(self) -> None:
        """Refuse a DIR that is not a folder sagstid may replace (bad input, exit 2)."""
        if self.path.is_symlink():
            raise InputError(f"--out {self.path}: is a symbolic link; give the folder itself")
        if self.path.exists() and not self.path.is_dir():
            raise InputError(f"--out {self.path}: is a file, not a folder")
        foreign = self.foreign_files()
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise InputError(
                f"--out {self.path}: the folder holds files sagstid did not write ({shown}); sagstid "
                "replaces its --out folder whole on every run, so give it a new or empty folder"
            )

    def check_parent(self) -> None:
        """Refuse a DIR whose nearest existing ancestor is a file (bad input, exit 2): the lock
        and journal beside DIR could not be made."""
        ancestor = self.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise InputError(f"--out {self.path}: {ancestor} is a file, not a folder")

    def foreign_files(self) -> list[str]:
        """Names in DIR that a run of sagstid did not write (sorted); [] for a new or empty DIR."""
        if not self.path.is_dir():
            return []
        names = sorted(entry.name for entry in self.path.iterdir())
        if not names:
            return []
        ours = self._listed()
        if ours is None:
            return names
        return [name for name in names if name not in ours and not name.startswith(_STAGING)]

    def _listed(self) -> set[str] | None:
        """The names DIR's manifest lists (and the manifest and marker), if DIR is sagstid's:
        it has the marker, or (written before the marker existed) a sagstid manifest."""
        try:
            record = json.loads((self.path / _MANIFEST).read_text(encoding="utf-8"))
            outputs = set(record["outputs"]) if "manifest_version" in record else None
        except (OSError, ValueError, KeyError, TypeError):
            outputs = None
        if outputs is None:
            return {MARKER} if (self.path / MARKER).is_file() else None
        return outputs | {_MANIFEST, MARKER}

    def clean_leftovers(self) -> None:
        """Undo or remove what a killed run left beside DIR. Only call while holding the lock."""
        if not self.parent.is_dir():
            return
        prefix = f".{self.name}"
        olds = sorted(p for p in self.parent.glob(f"{prefix}{_OLD}*") if p.is_dir())
        if olds and not self.path.exists():  # killed between the two renames of the fallback
            os.rename(olds[-1], self.path)
            olds = olds[:-1]
        for leftover in [*olds, *self.parent.glob(f"{prefix}{_NEW}*")]:
            shutil.rmtree(leftover, ignore_errors=True)

    def new_dir(self, run_id: str) -> Path:
        """A fresh hidden sibling of DIR for one run, with the marker file."""
        make_dirs(self.parent)
        folder = self.parent / f".{self.name}{_NEW}{run_id}"
        folder.mkdir()
        os.chmod(folder, DIR_MODE)
        marker = folder / MARKER
        marker.write_text(_MARKER_TEXT, encoding="utf-8")
        os.chmod(marker, FILE_MODE)
        return folder

    def publish(self, new_dir: Path, run_id: str) -> None:
        """Make the complete ``new_dir`` DIR in one step and remove the previous DIR."""
        for entry in new_dir.iterdir():
            fsync_path(entry)
        fsync_path(new_dir)
        checkpoint("swapping")
        if not self.path.exists():
            os.rename(new_dir, self.path)
            fsync_path(self.parent)
            return
        os.chmod(new_dir, self.path.stat().st_mode & 0o7777)  # an existing folder keeps its mode
        if _exchange(new_dir, self.path):
            old = new_dir
        else:
            old = self.parent / f".{self.name}{_OLD}{run_id}"
            os.rename(self.path, old)
            os.rename(new_dir, self.path)
        fsync_path(self.parent)
        checkpoint("swapped")
        shutil.rmtree(old, ignore_errors=True)
