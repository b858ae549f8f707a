"""The order unit workbooks are handed to the workbook processes: the biggest first.

With two processes and the units in alphabetical order, the largest unit (a third of all
exceeded decisions in the benchmark) was handed out last and written alone at the end; handed
out first, the other process writes the rest meanwhile (README, Benchmark).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd

from sagstid.report.publish import largest_first


def test_most_exceeded_decisions_first_ties_in_given_order() -> None:
    by_unit = pd.DataFrame(
        {"unit_code": ["A", "B", "C", "D"], "exceeded": [5, 163_789, 5, np.nan]}  # D: no decisions
    )
    ctx = cast(Any, SimpleNamespace(current=SimpleNamespace(by_unit=by_unit)))
    # E has no row at all (no decisions in the period): size 0, after the others, as D
    assert largest_first(ctx, ["A", "B", "C", "D", "E"]) == ["B", "A", "C", "D", "E"]
