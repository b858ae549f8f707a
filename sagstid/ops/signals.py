"""A run stopped by SIGTERM or SIGINT: stop at once, clean up, record it, exit 128 + signal.

``stop_on_signals`` turns the first SIGTERM or SIGINT into ``Interrupted`` (a BaseException,
so no ``except Exception`` swallows it), raised in the main thread wherever it is. The run's
own clean-up then runs: the workbook processes are stopped (sagstid.report.publish), the
run's hidden folder is removed, the journal gets a line with outcome ``interrupted``, and the
CLI exits 130 (SIGINT) or 143 (SIGTERM). A second signal during that clean-up is ignored, so
the clean-up is not cut short.
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


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Raise Interrupted on the first SIGTERM or SIGINT while inside (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = False

    def handler(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
