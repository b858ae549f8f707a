"""The benchmark's memory of all a run's processes at one moment (sagstid/dev/tree_memory.py).

A process holding 200 MB forks a child: while the child only reads the array, the two take
200 MB together (each page counted once), though each one's resident set is 200 MB; once the
child writes to its copy they take 400 MB. A grandchild is found and counted too.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sagstid.dev.tree_memory import TreeMemory, descendants, pss_mb

pytestmark = pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux only")

_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np

    shared = np.ones(25 << 20)  # 200 MB, written
    if os.fork() == 0:
        if sys.argv[1] == "write":
            shared[:] = 2.0  # the child's own copy of every page
        if sys.argv[1] == "grandchild" and os.fork() == 0:
            own = np.ones(12 << 20)  # 96 MB of its own
        print("ready", flush=True)
        time.sleep(30)
        os._exit(0)
    time.sleep(30)
    """
)


def _sampled(mode: str, ready: int) -> TreeMemory:
    """The tree of the script in ``mode`` sampled for a second once its ``ready`` processes
    are set up; the script is killed afterwards."""
    process = subprocess.Popen([sys.executable, "-c", _SCRIPT, mode], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        for _ in range(ready):
            assert process.stdout.readline().strip() == "ready"
        with TreeMemory(process.pid, every=0.05) as memory:
            time.sleep(1.0)
        return memory
    finally:
        for pid in descendants(process.pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)
        process.kill()
        process.wait()


def test_pages_a_child_shares_count_once() -> None:
    memory = _sampled("read", 1)
    assert len(memory.at_peak) == 2
    # 200 MB and two interpreters with numpy (some 30 MB each, partly shared), not 400 MB
    assert 200 < memory.peak_mb < 290


def test_pages_a_child_wrote_count_twice() -> None:
    memory = _sampled("write", 1)
    assert 400 < memory.peak_mb < 490


def test_a_grandchild_is_counted() -> None:
    memory = _sampled("grandchild", 2)
    assert len(memory.at_peak) == 3
    assert 296 < memory.peak_mb < 390
    # each process's share is its own figure; they add up to the peak
    assert abs(sum(memory.at_peak.values()) - memory.peak_mb) < 1e-6
    assert all(memory.own_peak_mb[pid] >= share for pid, share in memory.at_peak.items())


def test_a_process_that_has_ended_counts_nothing() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert pss_mb(process.pid) == 0.0
    assert descendants(process.pid) == []
