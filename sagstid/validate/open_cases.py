"""Open cases as of a date (docs/open-cases.md): every row gets a row status and, when it
cannot be evaluated, the first reason that applies; never dropped."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sagstid.rules.deadlines import NO_ENTRY, CatalogueArrays
from sagstid.validate.complaints import KINDS, parse_flags
from sagstid.validate.rows import (
    DateWindow,
    first_reason,
    parse_date_columns,
    parse_dates,
    reason_column,
    status_column,
    text_codes,
    unknown_unit,
)

ROW_STATUSES: tuple[str, ...] = ("open", "excluded", "not_received", "closed")
DECISION_REASONS: tuple[str, ...] = (
    "duplicate_id",
    "invalid_date",
    "missing_received",
    "unknown_unit",
    "no_deadline",
)
COMPLAINT_REASONS: tuple[str, ...] = (
    "duplicate_id",
    "invalid_date",
    "missing_received",
    "unknown_unit",
    "invalid_kind",
    "invalid_flag",
)
DECISION_NOTE_COLUMNS: dict[str, tuple[str, ...]] = {
    "placeholder_dates": ("delay_notice_date",),
    "padded_codes": ("unit_code", "case_area_code"),
}
COMPLAINT_NOTE_COLUMNS: dict[str, tuple[str, ...]] = {
    "placeholder_dates": ("deadline_date", "delay_notice_date"),
    "padded_codes": ("unit_code", "complaint_kind"),
}
_DECISION_DATES = ("received_date", "decided_date", "delay_notice_date")
_COMPLAINT_DATES = ("received_date", "deadline_date", "answered_date", "delay_notice_date")


def _classify(
    rows: pd.DataFrame,
    done_column: str,
    as_of: dt.date,
    conditions: list[np.ndarray],
    reasons: tuple[str, ...],
    invalid: np.ndarray,
) -> pd.DataFrame:
    """Row status (open / excluded / not_received / closed) and the first reason that applies.

    ``conditions`` are the reasons after duplicate_id, invalid_date and missing_received.
    """
    day = np.datetime64(as_of, "D")
    received = rows["received_date"].to_numpy().astype("datetime64[D]")
    done = rows[done_column].to_numpy().astype("datetime64[D]")
    not_received = ~np.isnat(received) & (received > day) & ~invalid
    closed = ~np.isnat(done) & (done <= day) & ~invalid & ~not_received
    candidate = ~not_received & ~closed
    duplicate = pd.to_numeric(rows["duplicate_id"], errors="coerce").fillna(0).to_numpy() == 1
    every = [duplicate, invalid, np.isnat(received), *conditions]
    reason = first_reason(candidate, every, reasons)
    rows["row_status"] = status_column(
        [not_received, closed, reason >= 0], ["not_received", "closed", "excluded"], "open", ROW_STATUSES
    )
    rows["reason"] = reason_column(reason, reasons)
    return rows


def _parse(
    raw: pd.DataFrame, dates: tuple[str, ...], window: DateWindow, keys: tuple[str, ...]
) -> tuple[pd.DataFrame, np.ndarray]:
    rows = raw.copy()
    invalid, _ = parse_date_columns(rows, dates, window, keys)
    if "duplicate_id" not in rows:
        rows["duplicate_id"] = 0
    return rows, invalid


def validate_open_decisions(
    raw: pd.DataFrame,
    units: pd.DataFrame,
    catalogue: CatalogueArrays,
    as_of: dt.date,
    window: DateWindow | None = None,
) -> pd.DataFrame:
    """Every row of open_decisions.sql with its row status, reason and catalogue ``entry``
    (NO_ENTRY unless open); the entry is the one valid on the received date."""
    window = window or DateWindow.default(as_of)
    rows, invalid = _parse(raw, _DECISION_DATES, window, ("received_date", "decided_date"))
    text_codes(rows, ("unit_code", "case_area_code"), ids=("case_id",))
    for column in ("unit_code", "case_area_code"):
        rows[column] = rows[column].astype("category")
    received = rows["received_date"].to_numpy()
    variant = rows.get("case_variant")  # optional (docs/contract.md §1.3)
    entry = catalogue.lookup(rows["case_area_code"], received, variant)
    rows = _classify(
        rows, "decided_date", as_of, [unknown_unit(rows, units), entry == NO_ENTRY], DECISION_REASONS, invalid
    )
    rows["entry"] = np.where(rows["row_status"].to_numpy() == "open", entry, NO_ENTRY)
    return rows


def validate_open_complaints(
    raw: pd.DataFrame, units: pd.DataFrame, as_of: dt.date, window: DateWindow | None = None
) -> pd.DataFrame:
    """Every row of open_complaints.sql with its row status and reason."""
    window = window or DateWindow.default(as_of)
    rows, invalid = _parse(raw, _COMPLAINT_DATES, window, ("received_date", "answered_date"))
    text_codes(rows, ("unit_code", "complaint_kind"), ids=("case_id",))
    bad_flag = parse_flags(rows)
    rows["unit_code"] = rows["unit_code"].astype("category")
    bad_kind = ~rows["complaint_kind"].isin(KINDS).to_numpy()
    conditions = [unknown_unit(rows, units), bad_kind, bad_flag]
    return _classify(rows, "answered_date", as_of, conditions, COMPLAINT_REASONS, invalid)


def received_by(raw: pd.DataFrame, as_of: dt.date, window: DateWindow) -> pd.DataFrame:
    """The rows of open_decisions.sql or open_complaints.sql that can be open as of ``as_of``:
    all but those whose received date is readable and after it. For a comparison snapshot,
    whose open figures alone are shown: the cases received later are not validated one by one
    (at the period before's end they are most of the rows read since)."""
    later = received_after(raw["received_date"], as_of, window)
    return raw if not later.any() else raw.loc[~later]


def received_after(received: pd.Series, as_of: dt.date, window: DateWindow) -> np.ndarray:
    """Where a received date is readable (within ``window``) and after ``as_of``: the rows
    :func:`received_by` leaves out."""
    days, _ = parse_dates(received, window)
    return np.asarray(days.to_numpy() > np.datetime64(as_of, "s"))  # NaT compares False
