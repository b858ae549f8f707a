"""Work-capacity audit samples: every row gets a status and the first exclusion reason.

Population: samples whose ``audit_date`` is in the period (both ends inclusive). A row is
excluded with the first reason that applies: ``duplicate_id`` (its ``sample_id`` occurs more
than once in the whole table), ``invalid_date`` (``audit_date`` cannot be read), ``missing_date``
(no ``audit_date``), ``unknown_unit``, ``other_area`` (not one of the audited areas) and
``invalid_value`` (a finding that is not 0 or 1, NULL included). A row whose audit date is
unreadable or missing cannot be placed in a period, so it is counted in every measurement.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sagstid.periods import Period
from sagstid.validate.rows import (
    DateWindow,
    first_reason,
    parse_dates,
    parse_flag,
    reason_column,
    status_column,
    text_codes,
    unknown_unit,
)

AUDIT_AREAS: tuple[str, ...] = ("REVA", "FLEKS", "FOEP")
AUDIT_MEASURES: tuple[str, ...] = ("resource_profile", "citizen_involved", "deadline_met_or_notified")
AUDIT_REASONS: tuple[str, ...] = (
    "duplicate_id",
    "invalid_date",
    "missing_date",
    "unknown_unit",
    "other_area",
    "invalid_value",
)
AUDIT_STATUSES: tuple[str, ...] = ("measured", "excluded", "out_of_period")
NOTE_COLUMNS: dict[str, tuple[str, ...]] = {"padded_codes": ("unit_code", "case_area_code")}


def validate_audit(
    raw: pd.DataFrame, units: pd.DataFrame, period: Period, window: DateWindow | None = None
) -> pd.DataFrame:
    """Every sample row with its parsed ``audit_date``, ``status`` and ``reason``; an
    ``audit_date`` outside the plausible ``window`` is ``invalid_date``."""
    window = window or DateWindow.default(period.end)
    rows = raw.copy()
    present = rows["audit_date"].notna().to_numpy()
    rows["audit_date"], invalid = parse_dates(rows["audit_date"], window)
    day = rows["audit_date"].to_numpy()
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    population = ((day >= start) & (day <= end)) | invalid | ~present
    text_codes(rows, ("unit_code", "case_area_code"), ids=("case_id",))
    flags_ok = np.ones(len(rows), dtype=bool)
    for column in AUDIT_MEASURES:  # the one 0/1 rule (docs/contract.md §1.1); NULL is invalid
        rows[column], not_a_flag = parse_flag(rows[column], null_is_false=False)
        flags_ok &= ~not_a_flag
    conditions = [
        rows["sample_id"].duplicated(keep=False).to_numpy(),
        invalid,
        ~present,
        unknown_unit(rows, units),
        ~rows["case_area_code"].isin(AUDIT_AREAS).to_numpy(),
        ~flags_ok,
    ]
    reason = first_reason(population, conditions, AUDIT_REASONS)
    rows["status"] = status_column(
        [population & (reason >= 0), population], ["excluded", "measured"], "out_of_period", AUDIT_STATUSES
    )
    rows["reason"] = reason_column(reason, AUDIT_REASONS)
    return rows
