"""The fault tests' pause hook (tests/test_faults.py): lets a test stop a run at a named stage
and kill it there. Does nothing unless ``SAGSTID_TEST_PAUSE_AT`` names the stage."""

from __future__ import annotations

import os
import time
from pathlib import Path


def checkpoint(name: str) -> None:
    """Test hook for the fault tests: with ``SAGSTID_TEST_PAUSE_AT=name`` the run writes its pid
    to ``$SAGSTID_TEST_PAUSE_FILE`` and waits here to be killed. A no-op otherwise."""
    if os.environ.get("SAGSTID_TEST_PAUSE_AT") != name:
        return
    marker = os.environ.get("SAGSTID_TEST_PAUSE_FILE")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    while True:  # until the test kills the process
        time.sleep(1)
