"""A run stopped by SIGTERM or SIGINT: stop at once, clean up, record it, exit 128 + signal.

``stop_on_signals`` turns the first SIGTERM or SIGINT into ``Interrupted`` (a BaseException,
so no ``except Exception`` swallows it), raised in the main thread wherever it is. The run's
own clean-up then runs: the workbook processes are stopped (sagstid.report.publish), the
run's hidden folder is removed, the journal gets a line with outcome ``interrupted``, and the
CLI exits 130 (SIGINT) or 143 (SIGTERM). A second signal during that clean-up is ignored, so
the clean-up is not cut short. Once a run is complete and is being made visible and recorded
(``uninterruptible``), a signal no longer stops it: the run finishes as done.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from sagstid import atomic


class Interrupted(BaseException):
    """The run was stopped by a signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"stopped by {self.name}")

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


_committing = False
RESEND_SECONDS = 0.05


@contextmanager
def uninterruptible() -> Iterator[None]:
    """A section a signal must not cut in two: making the complete run visible and recording
    it. A SIGTERM or SIGINT arriving inside is not raised; the run completes (it was done)."""
    global _committing
    _committing = True
    try:
        yield
    finally:
        _committing = False


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Raise Interrupted on the first SIGTERM or SIGINT while inside (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = False

    def handler(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping or _committing or atomic.hold(signum):
            return
        stopping = True
        raise Interrupted(signum)

    def swallowed(info: Any) -> None:
        # Python runs a signal's handler between any two steps of the main thread, also inside a
        # weakref callback or a __del__ (the garbage collector runs them when it likes), where it
        # prints an exception and drops it. Interrupted dropped there would leave the run going
        # on: the signal is sent again, a moment later, so that it is raised once that is done.
        nonlocal stopping
        if not isinstance(info.exc_value, Interrupted):
            hook_before(info)
            return
        stopping = False
        resend = threading.Timer(RESEND_SECONDS, os.kill, (os.getpid(), info.exc_value.signum))
        resend.daemon = True
        resend.start()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    hook_before, sys.unraisablehook = sys.unraisablehook, swallowed
    try:
        yield
    finally:
        sys.unraisablehook = hook_before
        for sig, old in previous.items():
            signal.signal(sig, old)
