"""Memory a run has freed goes back to the system (glibc on Linux; elsewhere nothing is done).

glibc serves a request of more than ``M_MMAP_THRESHOLD`` bytes with its own mapping, unmapped
when freed, and smaller ones from its heap, which keeps what is freed for later requests. The
threshold is dynamic by default: each time a mapped block is freed it rises to that block's
size (up to 32 MB), so after the first frees every array of a million rows (8 MB) comes from
the heap, and what the heap holds stays in the process.

That is the quicker way, except while the flow trend's forked process (background.py) shares
the run's pages: the heap's garbage is then held by both, and every heap page either of them
writes to again is copied. :func:`big_arrays_mapped` fixes the threshold at 2 MB for that
while: arrays of 256 K eight-byte values and more are mapped and given back when freed;
smaller ones (a million booleans, the many small objects) stay on the heap. Measured on the
benchmark (README): the run's processes took 972–991 MB together at their peak, against
1,100 MB; mapping from the run's start took 944–952 MB but about a CPU second more (every
big array's pages new to the process), and a threshold of 128 KB 1.3 CPU-s more still.
:func:`trim` gives back the free pages inside the heap itself.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager, suppress

_M_MMAP_THRESHOLD = -3  # mallopt's parameter (malloc.h)
MAPPED_FROM = 2 << 20
HEAP_UP_TO = 32 << 20  # the dynamic threshold's ceiling on 64-bit glibc, where a run's ends


def _glibc() -> ctypes.CDLL | None:
    with suppress(OSError):
        libc = ctypes.CDLL(None)
        if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):
            return libc
    return None


def map_big_arrays(threshold: int = MAPPED_FROM) -> bool:
    """Serve blocks of ``threshold`` bytes and more by mappings given back when freed, in this
    process and in those it forks from now on. True if the C library took the setting."""
    libc = _glibc()
    return libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, threshold) == 1


@contextmanager
def big_arrays_mapped() -> Iterator[None]:
    """Inside, blocks of 2 MB and more are mappings given back when freed; afterwards blocks
    up to 32 MB come from the heap again."""
    map_big_arrays(MAPPED_FROM)
    try:
        yield
    finally:
        map_big_arrays(HEAP_UP_TO)


def arrow_from_the_c_library() -> None:
    """Arrow's buffers (the rows read, pandas' Arrow text) from the C library's allocator in
    this process, so that the settings above apply to them and what Arrow frees is given back.
    Arrow's own default, mimalloc, keeps freed memory for reuse: on the benchmark's 1 M run a
    workbook process held 25 MB more with it, the main process 15 MB more."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def trim() -> None:
    """Give the free pages inside the heap back to the system now."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
