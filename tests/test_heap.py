"""Freed arrays go back to the system (sagstid/heap.py), measured in fresh processes.

glibc's dynamic mmap threshold is provoked as a run provokes it: a big array is freed (the
threshold rises to its size), then arrays of a million values are made and freed below a small
block that pins the heap's top. Without :func:`heap.map_big_arrays` those 160 MB stay in the
process (the control); with it they go back, and inside :func:`heap.big_arrays_mapped` only;
:func:`heap.trim` gives them back afterwards.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from sagstid import heap

pytestmark = pytest.mark.skipif(heap._glibc() is None, reason="glibc (Linux) only")

# a script's own resident memory, in MB (both scripts below run in a fresh process)
_RSS_MB = textwrap.dedent(
    """
    def rss_mb():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    """
)

_SCRIPT = _RSS_MB + textwrap.dedent(
    """
    import sys
    import numpy as np
    from sagstid import heap

    def kept_mb(trimmed=False):
        big = np.ones(2 << 20)  # 16 MB, mapped: freeing it raises glibc's threshold to 16 MB
        del big
        before = rss_mb()
        arrays = [np.ones(1 << 20) for _ in range(20)]  # 20 x 8 MB, written
        pin = np.ones(1 << 15)  # 256 KB on the heap after them
        del arrays
        if trimmed:
            heap.trim()
        return rss_mb() - before

    mode = sys.argv[1]
    if mode == "mapped":
        assert heap.map_big_arrays()
    if mode == "inside":
        with heap.big_arrays_mapped():
            print(kept_mb())
    else:
        if mode == "after":
            with heap.big_arrays_mapped():
                pass
        print(kept_mb(trimmed=mode == "trimmed"))
    """
)


def _kept_mb(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", _SCRIPT, mode], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def test_freed_arrays_stay_in_the_heap_without_the_setting() -> None:
    # the control: this is the behaviour heap.py is there for
    assert _kept_mb("dynamic") > 120


def test_freed_arrays_go_back_with_big_arrays_mapped() -> None:
    assert _kept_mb("mapped") < 20


def test_trim_gives_the_heap_pages_back() -> None:
    assert _kept_mb("trimmed") < 20


def test_big_arrays_mapped_only_inside_the_block() -> None:
    assert _kept_mb("inside") < 20
    assert _kept_mb("after") > 120  # from the heap again afterwards, as without the setting


_ARROW_SCRIPT = _RSS_MB + textwrap.dedent(
    """
    import sys
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from sagstid import heap

    if sys.argv[1] == "c":
        heap.arrow_from_the_c_library()
    base = pa.array(np.arange(200_000).astype(str))
    before = rss_mb()
    kept = [pc.binary_join_element_wise(base, pa.scalar(str(k)), "-") for k in range(40)]  # ~100 MB
    del kept
    heap.trim()
    print(rss_mb() - before, pa.default_memory_pool().backend_name)
    """
)


def _arrow_kept(mode: str) -> tuple[float, str]:
    out = subprocess.run(
        [sys.executable, "-c", _ARROW_SCRIPT, mode], capture_output=True, text=True, check=True
    )
    kept, backend = out.stdout.split()
    return float(kept), backend


def test_freed_arrow_buffers_go_back_from_the_c_library() -> None:
    # 40 columns of text, 100 MB in all, let go of: with the setting nothing of them is kept
    kept, backend = _arrow_kept("c")
    assert backend == "system"
    assert kept < 10


def test_arrows_own_pool_keeps_freed_buffers() -> None:
    # the reason for the setting: Arrow's default pool (mimalloc) keeps what it frees
    kept, backend = _arrow_kept("default")
    if backend == "system":
        pytest.skip("this pyarrow's default pool is the C library's already")
    assert kept > 50
