"""Work done in a forked process while this one goes on (a run's flow tables, pipeline.py).

On Linux the work runs in a child made by fork: the child sees the run's measured rows as they
are, without their being copied or sent (the pages are shared until one side writes to them),
and sends back only its result, pickled (a few hundred kilobytes). Elsewhere (no fork, or fork
not safe: macOS, Windows) the work is done in this process when its result is asked for.

The child never outlives the run: the kernel kills it when this process dies, even by SIGKILL
(``prctl(PR_SET_PDEATHSIG)``); it ignores SIGINT and SIGTERM, which this process handles for
the run; and :func:`started` kills it if the run fails or is stopped before taking the result.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1

# For the benchmark: the memory each child added of its own (MB: private pages, those it wrote
# or copied on write, when its work was done) and the CPU seconds it used.
private_mb: list[float] = []
cpu_s: list[float] = []


class Pending(Generic[T]):
    """The result of ``work``, being worked out in a child process (Linux) or not yet."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._process: BaseProcess | None = None
        self._reader: Connection | None = None
        if sys.platform.startswith("linux"):
            context = get_context("fork")
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(
                target=_child, args=(writer, work, os.getpid()), name="sagstid-background", daemon=True
            )
            process.start()
            writer.close()
            self._process, self._reader = process, reader

    def result(self) -> T:
        """The work's result (its exception raised here if it failed). The work is let go of
        once its result is here: what it was given is not kept alive by this object."""
        work, self._work = self._work, _done
        if self._process is None or self._reader is None:
            return work()
        del work
        try:
            ok, value, private, used = self._reader.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                f"the background work ended without a result (exit code {self._process.exitcode})"
            ) from None
        finally:
            self._reader.close()
        self._process.join()
        self._process = None
        private_mb.append(private)
        cpu_s.append(used)
        if not ok:
            raise value
        result: T = value
        return result

    def stop(self) -> None:
        """Kill the child if it is still working."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)


def _done() -> Any:
    raise RuntimeError("the background work's result was taken already")


@contextmanager
def started(work: Callable[[], T]) -> Iterator[Pending[T]]:
    """``work`` started now; the child is killed when the block is left without its result
    (an exception, a stop signal)."""
    pending = Pending(work)
    del work  # held by ``pending`` only, which lets go of it with the result
    try:
        yield pending
    finally:
        pending.stop()


def _child(writer: Connection, work: Callable[[], Any], parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with suppress(AttributeError, OSError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    try:
        outcome: tuple[bool, Any] = (True, work())
    except BaseException as exc:
        outcome = (False, exc)
    try:
        writer.send((*outcome, _private_mb(), time.process_time()))
    except Exception as exc:  # an exception or result that cannot be pickled
        failed = RuntimeError(f"background work: {type(exc).__name__}: {exc}")
        writer.send((False, failed, 0.0, time.process_time()))
    writer.close()


def _private_mb() -> float:
    """This process's private memory in MB (Linux ``smaps_rollup``; 0 where there is none)."""
    try:
        lines = Path("/proc/self/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0.0
    kb = sum(int(line.split()[1]) for line in lines if line.startswith(("Private_Clean:", "Private_Dirty:")))
    return kb / 1024.0
