"""A decision sent before it was decided is ``sent_before_decided`` by its dates, whatever the
working days between them (docs/held.md), through a real run on a small SQLite database.

Area A: 10 calendar days. Period Mon 2024-02-26 to Fri 2024-03-08; all received 2024-02-20.
Working days in (sent, decided] do not decide the bucket:
  1  decided Fri 03-01, sent Thu 02-29: (Thu, Fri] holds one working day -> sent_before_decided
     (the working-day count alone, busday_count(Fri, Fri), gave 0 before).
  2  decided Tue 02-27, sent Mon 02-26                                  -> sent_before_decided
  3  decided Mon 03-04, sent Sat 03-02 (no working day in (Sat, Sun])   -> sent_before_decided
  4  decided Sun 03-03, sent Sat 03-02 (no working day at all between)  -> sent_before_decided
  5  decided Fri 03-01, sent Fri 03-01                                  -> 0
  6  decided Fri 03-01, sent Mon 03-04 (one working day: Mon)           -> 1
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from robust_run import assert_no_traceback, run_cli

DEADLINES = (
    "deadlines:\n  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
)
ROWS = [
    (1, "S-1", "x", "JC-NORD", "A", "2024-02-20", "2024-03-01", "2024-02-29", None),
    (2, "S-2", "x", "JC-NORD", "A", "2024-02-20", "2024-02-27", "2024-02-26", None),
    (3, "S-3", "x", "JC-NORD", "A", "2024-02-20", "2024-03-04", "2024-03-02", None),
    (4, "S-4", "x", "JC-NORD", "A", "2024-02-20", "2024-03-03", "2024-03-02", None),
    (5, "S-5", "x", "JC-NORD", "A", "2024-02-20", "2024-03-01", "2024-03-01", None),
    (6, "S-6", "x", "JC-NORD", "A", "2024-02-20", "2024-03-01", "2024-03-04", None),
]


def test_sent_before_decided_by_the_dates(
    make_db: Callable[..., str], make_config: Callable[..., Path], tmp_path: Path
) -> None:
    outcome = run_cli(
        make_db(decisions=ROWS), tmp_path / "out", "2024-02-26", "2024-03-08", make_config(DEADLINES)
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert_no_traceback(outcome)
    results = outcome.results
    assert sum(results["decisions"]["rows"].values()) == len(ROWS)
    assert results["decisions"]["rows"]["measured"] == 6
    (unit,) = results["held_decisions"]["by_unit"]
    gaps = unit["gap_working_days"]
    assert gaps["sent_before_decided"] == 4
    assert gaps["0"] == 1
    assert gaps["1"] == 1
    assert sum(gaps.values()) == 6
    # none of them is held: the four sent early are sent, the others within 2 working days
    assert unit["held"] == 0
