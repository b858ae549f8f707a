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

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


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
        if stopping or _committing:
            return
        stopping = True
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
