"""The memory a process and its descendants take together, sampled while they run (Linux).

Each process's share is its proportional set size (PSS, ``/proc/PID/smaps_rollup``): a page
that n processes share counts 1/n in each, so the sum over the processes is what they take of
the machine together, and the pages a forked child still shares with its parent count once.
Adding up each process's own peak (its resident set at its highest) counts those pages in
every process and adds peaks that never meet: the benchmark prints both.

Elsewhere than Linux nothing is sampled and every figure is 0.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

SAMPLE_SECONDS = 0.025


def descendants(pid: int) -> list[int]:
    """``pid``'s children, their children and so on (Linux ``/proc/PID/task/*/children``)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                children = [int(child) for child in task.read_text().split()]
            except (OSError, ValueError):
                continue
            found += children
            todo += children
    return found


def pss_mb(pid: int) -> float:
    """``pid``'s proportional set size in MB (0 once it has ended, or where there is none)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


class TreeMemory:
    """Samples ``pid`` and its descendants every ``every`` seconds from a thread, while in
    the ``with`` block: ``peak_mb`` the largest sum at one moment, ``at_peak`` each process's
    share at that moment (pid -> MB), ``own_peak_mb`` each process's largest share."""

    def __init__(self, pid: int, every: float = SAMPLE_SECONDS) -> None:
        self.pid, self.every = pid, every
        self.peak_mb = 0.0
        self.at_peak: dict[int, float] = {}
        self.own_peak_mb: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, name="sagstid-memory", daemon=True)

    def sample(self) -> None:
        shares = {pid: pss_mb(pid) for pid in [self.pid, *descendants(self.pid)]}
        for pid, mb in shares.items():
            self.own_peak_mb[pid] = max(mb, self.own_peak_mb.get(pid, 0.0))
        total = sum(shares.values())
        if total > self.peak_mb:
            self.peak_mb, self.at_peak = total, shares

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> TreeMemory:
        self.sample()
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
