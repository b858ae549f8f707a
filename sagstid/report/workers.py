"""The workbook processes: started fresh ("spawn"), stopped with the run, and never outliving it.

* They can be started at the run's beginning (:func:`start`): each imports the workbook
  writer while the main process reads the database, so the imports (about a CPU second each)
  are done on the core that reading leaves idle, not at the report stage.

* A run that fails or is stopped (SIGTERM, SIGINT: sagstid.ops.signals) while workbooks are
  written stops every workbook process at once (``pool``'s exit), instead of waiting for them.
* A workbook process whose main process dies, even by SIGKILL, exits within about a second:
  on Linux the kernel sends it SIGKILL (``prctl(PR_SET_PDEATHSIG)``), and everywhere a watcher
  thread sees its parent change (``os.getppid()``) and ends the process.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from multiprocessing import get_context

_PR_SET_PDEATHSIG = 1
PARENT_CHECK_SECONDS = 0.5
_ready_cpu: list[float] = []  # a workbook process: its CPU seconds when its last job ended


def _die_with_parent(parent: int, preload: tuple[str, ...] = ()) -> None:
    """Worker initializer: end this process as soon as ``parent`` is gone; import ``preload``."""
    # The main process handles SIGINT/SIGTERM for the run and stops the workers itself; a
    # Ctrl-C sent to the whole process group must not make each worker print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with suppress(AttributeError, OSError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="sagstid-parent-watch", daemon=True).start()
    for module in preload:
        importlib.import_module(module)
    _ready_cpu[:] = [time.process_time()]


def job_cpu_seconds() -> float | None:
    """In a workbook process: the CPU seconds since its start-up or its previous job ended
    (what this job cost, its arguments' unpickling included); None in any other process."""
    if not _ready_cpu:
        return None
    now = time.process_time()
    used, _ready_cpu[0] = now - _ready_cpu[0], now
    return used


def _ready() -> None:
    """A job that does nothing: handing one to each process makes the pool start it now."""


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: pending work is cancelled, running work is killed."""
    children = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for child in children:
        if child.is_alive():
            child.terminate()
    for child in children:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join(timeout=5)


@contextmanager
def pool(workers: int, preload: tuple[str, ...] = (), start: bool = False) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` fresh workbook processes tied to this one's life; on an exception
    (a failed workbook, a signal) the workers are stopped at once, not waited for. Each
    process imports ``preload`` as it starts; ``start``: start them all now (a spawn pool
    otherwise starts a process only when a job is handed out)."""
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(), preload),
    )
    try:
        if start:
            for _ in range(workers):  # no process is idle yet, so each hand-out starts one
                executor.submit(_ready)
        yield executor
    except BaseException:
        _stop(executor)
        raise
    executor.shutdown(wait=True)
