"""The decisions the backlog trend and the expected wait are measured from (docs/flow.md).

queries/flow_decisions.sql reads every decision received by the period's end and not decided
before the trend's first month. A row counts when it can be placed in time: not a duplicate
id (over the whole table), a known unit, a readable received date, a decided date that is
empty (open) or readable and not before the received date. The others are left out of these
figures, as docs/contract.md §3.3 leaves them out of the compliance figures; they are counted
(``left_out``) but not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.validate.rows import DateWindow, parse_date_columns, unknown_unit
from sagstid.values import text_categorical

FLOW_COLUMNS: tuple[str, ...] = (
    "decision_id",
    "unit_code",
    "case_area_code",
    "received_date",
    "decided_date",
)


@dataclass(frozen=True)
class FlowRows:
    # unit_code, case_area_code (text, categorical from a lean read), received_date and
    # decided_date (datetime64, NaT open)
    cases: pd.DataFrame
    left_out: int


def validate_flow(raw: pd.DataFrame, units: pd.DataFrame, window: DateWindow | None = None) -> FlowRows:
    rows = raw.copy(deep=False)  # copy-on-write: the parsed dates replace columns of this frame only
    dates = ("received_date", "decided_date")
    invalid_any, _ = parse_date_columns(rows, dates, window, keys=dates)  # placeholders: left out
    received = rows["received_date"].to_numpy()
    decided = rows["decided_date"].to_numpy()
    duplicate = pd.to_numeric(rows["duplicate_id"], errors="coerce").fillna(0).to_numpy() == 1
    bad = (
        duplicate
        | invalid_any
        | np.isnat(received)
        | (~np.isnat(decided) & (decided < received))
        | unknown_unit(rows, units)
    )
    keep = rows.loc[~bad, ["unit_code", "case_area_code", "received_date", "decided_date"]]
    # the codes as text (what astype(str) makes of them), held as categories
    keep = keep.assign(
        unit_code=text_categorical(keep["unit_code"]), case_area_code=text_categorical(keep["case_area_code"])
    )
    return FlowRows(keep.reset_index(drop=True), int(bad.sum()))
