"""Complaints (docs/contract.md §3.4): every row gets a status and the first exclusion reason."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sagstid.periods import Period
from sagstid.validate.decisions import STATUSES
from sagstid.validate.rows import (
    DateWindow,
    first_reason,
    parse_date_columns,
    parse_flag,
    reason_column,
    status_column,
    text_codes,
    unknown_unit,
)

COMPLAINT_REASONS: tuple[str, ...] = (
    "duplicate_id",
    "invalid_date",
    "missing_received",
    "answered_before_received",
    "unknown_unit",
    "invalid_kind",
    "invalid_flag",  # via_ombudsman, insured_unemployed or five_day_rule not a yes or a no
)
FLAG_COLUMNS = ("via_ombudsman", "insured_unemployed", "five_day_rule")
CODE_COLUMNS = ("unit_code", "complaint_kind", "outcome", "appeal_outcome")  # trimmed (§1.1)
DATE_COLUMNS = (
    "received_date",
    "deadline_date",
    "answered_date",
    "delay_notice_date",
    "forwarded_date",
    "appeal_decided_date",
)
# Why a row cannot be counted by its receipt (contract pace, per 1,000, surge), in this order:
# the receipt counts need only the id, the received date, the unit and the kind.
RECEIPT_REASONS: tuple[str, ...] = (
    "duplicate_id",
    "invalid_date",  # received_date cannot be read
    "missing_received",
    "unknown_unit",
    "invalid_kind",
)
KINDS = ("decision", "handling")
KEY_DATES = ("received_date", "answered_date")  # outside the plausible window: invalid_date
NOTE_COLUMNS: dict[str, tuple[str, ...]] = {
    "placeholder_dates": ("deadline_date", "delay_notice_date", "forwarded_date", "appeal_decided_date"),
    "padded_codes": CODE_COLUMNS,
}


def parse_flags(rows: pd.DataFrame) -> np.ndarray:
    """In place: the three 0/1 columns as 1/0 by the one rule of docs/contract.md §1.1 (NULL is
    no); returns the rows where any of them is neither a yes nor a no (``invalid_flag``)."""
    bad = np.zeros(len(rows), dtype=bool)
    for column in FLAG_COLUMNS:
        if column not in rows:
            rows[column] = None
        value, invalid = parse_flag(rows[column], null_is_false=True)
        rows[column] = value.astype(np.int64)
        bad |= invalid
    return bad


def validate_complaints(
    raw: pd.DataFrame, units: pd.DataFrame, period: Period, window: DateWindow | None = None
) -> pd.DataFrame:
    """Every complaint row with parsed dates, ``status``, ``reason`` (docs/contract.md §3.4),
    ``receipt_reason`` (why it cannot be counted by receipt) and ``readable`` (a unique id and
    every date readable: the rows whose appeal outcome can be counted)."""
    window = window or DateWindow.default(period.end)
    rows = raw.copy()
    text_codes(rows, CODE_COLUMNS, ids=("case_id",))
    bad_flag = parse_flags(rows)
    answered_present = rows["answered_date"].notna().to_numpy()
    invalid_any, invalid = parse_date_columns(rows, DATE_COLUMNS, window, KEY_DATES)
    answered_invalid, received_invalid = invalid["answered_date"], invalid["received_date"]
    duplicate = rows["complaint_id"].duplicated(keep=False).to_numpy()
    not_a_unit = unknown_unit(rows, units)
    invalid_kind = ~rows["complaint_kind"].isin(KINDS).to_numpy()
    answered = rows["answered_date"].to_numpy()
    received = rows["received_date"].to_numpy()
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    population = ((answered >= start) & (answered <= end)) | answered_invalid
    conditions = [
        duplicate,
        invalid_any,
        pd.isna(received),
        answered < received,
        not_a_unit,
        invalid_kind,
        bad_flag,
    ]
    reason = first_reason(population, conditions, COMPLAINT_REASONS)
    everyone = np.ones(len(rows), dtype=bool)
    receipt = first_reason(
        everyone, [duplicate, received_invalid, pd.isna(received), not_a_unit, invalid_kind], RECEIPT_REASONS
    )
    rows["receipt_reason"] = reason_column(receipt, RECEIPT_REASONS)
    rows["status"] = status_column(
        [population & (reason >= 0), population, ~answered_present],
        ["excluded", "measured", "open"],
        "out_of_period",
        STATUSES,
    )
    rows["reason"] = reason_column(reason, COMPLAINT_REASONS)
    rows["readable"] = ~duplicate & ~invalid_any
    return rows
