"""Steps a stop signal does not cut in two.

sagstid/ops/signals.py raises Interrupted in the main thread wherever it is when SIGTERM or
SIGINT arrives. A few steps must not be cut into: handing a job to the workbook processes
(the pool's own locks and queues would be left half-updated, and the clean-up could hang). Such
a step runs inside :func:`atomic`; a signal arriving meanwhile is held and sent again as the
step ends, so the run stops right after it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_inside = [0]  # atomic sections open (they may nest)
_held: list[int] = []  # signals that arrived inside one


@contextmanager
def atomic() -> Iterator[None]:
    """A step the signal handler does not interrupt: a signal that arrives inside is raised
    once the step is done."""
    _inside[0] += 1
    try:
        yield
    finally:
        _inside[0] -= 1
        if not _inside[0] and _held:
            signum = _held[0]
            _held.clear()
            os.kill(os.getpid(), signum)  # handled again, now outside: the run stops here


def hold(signum: int) -> bool:
    """For the signal handler: inside an atomic step, keep ``signum`` for the step's end and
    return True (the handler then does nothing yet); else False."""
    if _inside[0]:
        _held.append(signum)
        return True
    return False
