"""The promised date in the delay notice (rules in docs/flow.md).

§ 3, stk. 2 requires the delay notice to tell the citizen when to expect a decision. The
optional source column ``decisions.promised_date`` holds that date. Pure: the measured decisions
(``evaluate_decisions``) with the raw ``promised_date`` in, per group out.

The population is the exceeded decisions notified in time (``exceeded_notified``: the notice
dated on or before the deadline, the numerator of ``notice_pct``). Of those:

* ``promised``: a readable promised date (ISO text or a SQL DATE, read as every other date);
* ``promised_unreadable``: a promised date that cannot be read; counted here, in the
  population's ``notified`` and in nothing else: the decision stays in every other figure
  (it is never an exclusion reason);
* ``promised_missing``: no promised date (``notified - promised - promised_unreadable``);
* ``promised_pct`` = 100 * promised / notified (NaN when none is notified);
* ``kept``: promised and decided on or before the promised date (the decided date, as the
  contract's deadline rule); ``missed`` = promised - kept;
* ``kept_pct`` = 100 * kept / promised (NaN when none has a readable promised date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sagstid.measure.accounting import sums_by_text
from sagstid.validate.rows import parse_dates

PROMISED_METRICS: tuple[str, ...] = (
    "notified",
    "promised",
    "promised_unreadable",
    "promised_missing",
    "promised_pct",
    "kept",
    "missed",
    "kept_pct",
)
GROUPINGS: dict[str, list[str]] = {
    "total": [],
    "by_unit": ["unit_code"],
    "by_area": ["case_area_code"],
    "by_unit_area": ["unit_code", "case_area_code"],
}


def promised_dates(cases: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The readable promised dates (datetime64[D], NaT where missing or unreadable) and a mask of
    the unreadable ones; a frame without the column has no promised dates at all."""
    if "promised_date" not in cases:
        return (
            np.full(len(cases), np.datetime64("NaT"), dtype="datetime64[D]"),
            np.zeros(len(cases), dtype=bool),
        )
    parsed, invalid = parse_dates(cases["promised_date"])
    return parsed.to_numpy().astype("datetime64[D]"), invalid


def promised(
    cases: pd.DataFrame, keys: list[str], dates: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """PROMISED_METRICS per group of ``keys`` (none: one row).

    ``cases``: measured decisions with ``exceeded_notified`` (bool), ``decided_date``
    (datetime64), optional ``promised_date`` (raw: text, date or datetime64) and the ``keys``
    columns. Every group of ``cases`` gets a row, zeros included. ``dates``: promised_dates(cases),
    if read already."""
    columns = [*keys, *PROMISED_METRICS]
    if cases.empty:
        return pd.DataFrame(columns=columns)
    day, unreadable = promised_dates(cases) if dates is None else dates
    notified = cases["exceeded_notified"].to_numpy(dtype=bool)
    decided = cases["decided_date"].to_numpy().astype("datetime64[D]")
    has_date = notified & ~np.isnat(day)
    counts = {
        "notified": notified,
        "promised": has_date,
        "promised_unreadable": notified & unreadable,
        "kept": has_date & (decided <= day),
    }
    out = sums_by_text(cases, keys, counts)
    out["promised_missing"] = out["notified"] - out["promised"] - out["promised_unreadable"]
    out["missed"] = out["promised"] - out["kept"]
    out["promised_pct"] = 100.0 * out["promised"] / out["notified"].where(out["notified"] > 0)
    out["kept_pct"] = 100.0 * out["kept"] / out["promised"].where(out["promised"] > 0)
    return out[columns]


def promised_groupings(cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``promised`` for total, by_unit, by_area and by_unit_area."""
    dates = promised_dates(cases)  # read once for every grouping
    return {name: promised(cases, keys, dates) for name, keys in GROUPINGS.items()}
