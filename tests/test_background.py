"""Work done in a forked process while the run goes on (sagstid/background.py: a run's flow
tables). The result must be the work's own, worked out in another process; a failure must
reach the run as the work's own exception; a run that fails or is stopped must not leave the
child behind; and a Ctrl-C sent to the whole process group must not stop the child's work
(the run handles it).
"""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from sagstid import background

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork children: Linux only")


def _pid_and_sum(numbers: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def test_the_result_is_the_works_worked_out_in_a_child() -> None:
    numbers = list(range(1, 101))  # 1 + ... + 100 = 5050
    with background.started(lambda: _pid_and_sum(numbers)) as pending:
        pid, total = pending.result()
    assert total == 5050
    assert pid != os.getpid()  # another process did the work
    assert background.private_mb and background.private_mb[-1] >= 0


def _fails() -> None:
    raise ValueError("no such month: 2025-13")


def test_a_failure_is_raised_in_the_run_as_the_works_own() -> None:
    with background.started(_fails) as pending, pytest.raises(ValueError, match="no such month: 2025-13"):
        pending.result()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (ended, not yet reaped) counts as gone
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def _run_that_fails(children: list[int]) -> None:
    with background.started(lambda: time.sleep(60)) as pending:
        assert pending._process is not None and pending._process.pid is not None
        children.append(pending._process.pid)
        raise RuntimeError("the run failed")


def test_a_run_that_fails_before_taking_the_result_stops_the_child() -> None:
    children: list[int] = []
    with pytest.raises(RuntimeError, match="the run failed"):
        _run_that_fails(children)
    assert children and not _alive(children[0])


def _sleep_then_answer() -> int:
    time.sleep(1.0)
    return 42


def test_the_child_ignores_a_ctrl_c_sent_to_the_process_group() -> None:
    with background.started(_sleep_then_answer) as pending:
        assert pending._process is not None and pending._process.pid is not None
        time.sleep(0.3)  # the child has set its signal handling
        os.kill(pending._process.pid, signal.SIGINT)
        os.kill(pending._process.pid, signal.SIGTERM)
        assert pending.result() == 42


def test_modules_imported_meanwhile_and_a_failing_one_left_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    # pipeline.build_context imports what later stages need on a side thread while the database
    # is read; a module that cannot be imported is reported by the stage that imports it, not
    # by the thread (no traceback on stderr).
    import sys

    from sagstid.pipeline import LATER_IMPORTS, _import_meanwhile

    sys.modules.pop("colorsys", None)
    thread = _import_meanwhile(["sagstid_no_such_module", "colorsys"])
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert "colorsys" in sys.modules  # imported after the failing one
    out, err = capfd.readouterr()
    assert err == "" and out == ""
    # what measure/surge.py imports; report/suppress.py's optimiser is imported when the
    # committee workbook is written, not while the main process is at its peak
    assert LATER_IMPORTS == ("scipy.special",)


class _Rows:
    """Stands for the rows a background work is given."""


def _count(rows: _Rows) -> int:
    return 1


def test_the_work_and_what_it_was_given_are_let_go_of_once_the_result_is_here() -> None:
    # the run keeps the pending result to the end of its stages: it must not keep the rows
    # the work was given alive (pipeline.flow_trend_of: 120 MB on the 1 M benchmark)
    import functools
    import gc
    import weakref

    rows = _Rows()
    gone = weakref.ref(rows)
    with background.started(functools.partial(_count, rows)) as pending:
        del rows
        assert pending.result() == 1
        gc.collect()
        assert gone() is None
        with pytest.raises(RuntimeError, match="taken already"):
            pending.result()
