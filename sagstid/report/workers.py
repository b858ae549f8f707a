"""The workbook processes: started fresh, stopped with the run, and never outliving it.

* They are forked from a fork server (``multiprocessing``'s "forkserver", where there is one;
  elsewhere "spawn"): a clean process, not the run's, that imports the workbook writer once,
  so the processes share those pages (60 MB less in all than each importing it for itself)
  and start without importing. The server and the processes are started once the database is
  read (:func:`start`), while the main process validates and measures on one core.

* A run that fails or is stopped (SIGTERM, SIGINT: sagstid.ops.signals) while workbooks are
  written stops every workbook process at once (``pool``'s exit), instead of waiting for them.
* A workbook process whose main process dies, even by SIGKILL, exits within about a second: a
  watcher thread sees the main process gone (a zombie not yet reaped counts as gone) or its
  parent change (``os.getppid()``), and ends the process; on Linux the kernel also kills it
  when its parent, the fork server, ends (``prctl(PR_SET_PDEATHSIG)``). The fork server ends
  once the main process and the workbook processes are gone.
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
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext, suppress
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from sagstid import heap

_PR_SET_PDEATHSIG = 1
PARENT_CHECK_SECONDS = 0.5
_ready_cpu: list[float] = []  # a workbook process: its CPU seconds when its last job ended


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs. A main process killed is a zombie until its parent reaps it, and
    the workbook processes hold the fork server's pipe to it open, so the server does not see
    it gone: a zombie counts as ended (Linux ``/proc``; elsewhere only a process gone does)."""
    if Path("/proc/self/stat").exists():
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except (OSError, IndexError):
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        pass
    return True


def _die_with_parent(main: int, preload: tuple[str, ...] = (), importing: Any = None) -> None:
    """Worker initializer: end this process as soon as its parent (the fork server, or the
    ``main`` process) or the main process is gone; import ``preload`` (where the fork server
    has not), one process at a time (``importing``, a lock shared by the pool's processes):
    started while the main process measures, they then take one core between them, not both."""
    # The main process handles SIGINT/SIGTERM for the run and stops the workers itself; a
    # Ctrl-C sent to the whole process group must not make each worker print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with suppress(AttributeError, OSError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def attached() -> bool:
        return os.getppid() == parent and _alive(main)

    if not attached():  # gone before the lines above took effect
        os._exit(1)

    def watch() -> None:
        while attached():
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="sagstid-parent-watch", daemon=True).start()
    heap.map_big_arrays()  # its big arrays given back when freed (heap.py): 8 MB less at its peak
    heap.arrow_from_the_c_library()  # and Arrow's too: 25 MB less
    with importing if importing is not None else nullcontext():
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


def process_cpu_seconds() -> tuple[int, float] | None:
    """In a workbook process: its pid and all the CPU seconds it has used (its start-up
    included; not the fork server's import of the writer); None in any other process."""
    return (os.getpid(), time.process_time()) if _ready_cpu else None


def _ready() -> None:
    """A job that does nothing (:func:`start`)."""


def start(executor: Executor, workers: int) -> None:
    """Start the ``workers`` processes of a :func:`pool` now: a spawn pool starts a process
    only when a job is handed out and none is idle, so one empty job each starts them all."""
    for _ in range(workers):
        executor.submit(_ready)


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
def pool(workers: int, preload: tuple[str, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` fresh workbook processes tied to this one's life; on an exception
    (a failed workbook, a signal) the workers are stopped at once, not waited for. The fork
    server imports ``preload`` as it starts (once per main process), or else each process."""
    context: BaseContext = get_context("spawn")
    if "forkserver" in get_all_start_methods():
        server = get_context("forkserver")
        server.set_forkserver_preload(list(preload))
        context = server
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(), preload, context.Lock()),
    )
    try:
        yield executor
    except BaseException:
        _stop(executor)
        raise
    executor.shutdown(wait=True)
