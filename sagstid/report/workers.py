"""The workbook processes: started fresh ("spawn"), stopped with the run, and never outliving it.

* A run that fails or is stopped (SIGTERM, SIGINT: sagstid.ops.signals) while workbooks are
  written stops every workbook process at once (``pool``'s exit), instead of waiting for them.
* A workbook process whose main process dies, even by SIGKILL, exits within about a second:
  on Linux the kernel sends it SIGKILL (``prctl(PR_SET_PDEATHSIG)``), and everywhere a watcher
  thread sees its parent change (``os.getppid()``) and ends the process.
"""

from __future__ import annotations

import ctypes
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


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end this process as soon as ``parent`` is gone."""
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
def pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` fresh workbook processes tied to this one's life; on an exception
    (a failed workbook, a signal) the workers are stopped at once, not waited for."""
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield executor
    except BaseException:
        _stop(executor)
        raise
    executor.shutdown(wait=True)
