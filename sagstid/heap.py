"""Memory a run has freed goes back to the system (glibc on Linux; elsewhere nothing is done).

glibc serves a request of more than ``M_MMAP_THRESHOLD`` bytes with its own mapping, unmapped
when freed, and smaller ones from its heap, which keeps what is freed for later requests. The
threshold is dynamic by default: each time a mapped block is freed it rises to that block's
size (up to 32 MB), so after the first frees every array of a million rows (8 MB) comes from
the heap. A run allocates and frees such arrays stage after stage, so its heap grew to its
largest stage and stayed there, and a process forked from it (the flow trend's,
background.py) made its own copy of every heap page either of them wrote to again.

:func:`map_big_arrays` fixes the threshold at 2 MB: arrays of 256 K eight-byte values and more
are mapped and given back when freed; smaller ones (a million booleans, the many small
objects) stay on the heap, which is quicker for them. Measured on the benchmark (README): the
run's processes took 940-990 MB together at their peak, against 1,100-1,200 MB; a threshold of
128 KB took as little memory, but 1.3 CPU-s more (every mask mapped anew).
:func:`trim` gives back the free pages inside the heap itself.
"""

from __future__ import annotations

import ctypes
from contextlib import suppress

_M_MMAP_THRESHOLD = -3  # mallopt's parameter (malloc.h)
MAP_FROM_BYTES = 2 << 20


def _glibc() -> ctypes.CDLL | None:
    with suppress(OSError):
        libc = ctypes.CDLL(None)
        if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):
            return libc
    return None


def map_big_arrays(threshold: int = MAP_FROM_BYTES) -> bool:
    """Serve blocks of ``threshold`` bytes and more by mappings given back when freed, in this
    process and in those it forks. True if the C library took the setting."""
    libc = _glibc()
    return libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, threshold) == 1


def trim() -> None:
    """Give the free pages inside the heap back to the system now."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
