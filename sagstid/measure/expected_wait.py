"""The expected wait a citizen can read, per case area (rules in docs/flow.md).

Pure: recent decisions and the open backlog in, one row per case area out.

**Measured** (``days_within``): of the decisions decided in the window, the last ``months``
calendar months up to the as-of date A (decided after A - months, on or before A; A - months is
the same day that many months earlier, or that month's last day), the smallest whole number of
calendar days N within which at least ``share`` of them were decided: with n decisions and their
processing times (decided - received, calendar days) sorted, N is the k-th smallest with
k = ceil(share * n), computed exactly (share is read as the decimal it is written as, so
0.55 * 100 gives k = 55, where floating point gives 55.00000000000001 and k = 56). No
interpolation. "9 af 10 får svar inden for N dage".

**Projected** (``projected_days``): the open backlog of the area as of A divided by its recent
daily decisions (n / days in the window), rounded up to whole days: how long the cases already
waiting take to decide at the recent pace, which an application received on A waits behind if
cases are taken first come, first served.

An area with fewer than ``min_count`` decisions in the window gets neither figure
(``enough`` false: "for få sager"); both are NaN then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from sagstid.values import text_categorical

DEFAULT_MONTHS = 6
DEFAULT_SHARE = 0.9
DEFAULT_MIN_COUNT = 20
WAIT_COLUMNS: tuple[str, ...] = (
    "case_area_code",
    "decisions",
    "enough",
    "k",
    "days_within",
    "open",
    "daily_decisions",
    "projected_days",
)


def window_start(as_of: dt.date, months: int) -> dt.date:
    """A - months: the same day ``months`` months earlier, or that month's last day. The window
    is the days after it up to and including A."""
    if months < 1:
        raise ValueError(f"months must be at least 1 (got {months})")
    index = as_of.year * 12 + as_of.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return min(dt.date(year, month, 1) + dt.timedelta(days=as_of.day - 1), first_next - dt.timedelta(days=1))


def order_k(share: float, n: np.ndarray) -> np.ndarray:
    """k = ceil(share * n) for each n, exactly (share as its shortest decimal, e.g. 9/10)."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be above 0 and at most 1 (got {share})")
    exact = Fraction(str(share))
    n = np.asarray(n, dtype=np.int64)
    return -((-n * exact.numerator) // exact.denominator)


def expected_wait(
    decided: pd.DataFrame,
    open_cases: pd.DataFrame,
    as_of: dt.date,
    months: int = DEFAULT_MONTHS,
    share: float = DEFAULT_SHARE,
    min_count: int = DEFAULT_MIN_COUNT,
    areas: Sequence[str] = (),
) -> pd.DataFrame:
    """WAIT_COLUMNS, one row per case area (of the window's decisions, the open backlog and
    ``areas``), sorted by area.

    ``decided``: measured decisions with case_area_code, received_date and decided_date
    (datetime64); rows outside the window are ignored. ``open_cases``: the open decisions as of
    ``as_of`` (one row each) with case_area_code."""
    begin = np.datetime64(window_start(as_of, months), "D")
    end = np.datetime64(as_of, "D")
    days_in_window = int((end - begin).astype(np.int64))
    day = decided["decided_date"].to_numpy().astype("datetime64[D]")
    inside = (day > begin) & (day <= end)
    received = decided["received_date"].to_numpy().astype("datetime64[D]")[inside]
    # per area (as text; a missing area in none), its decisions' days in ascending order:
    # counted and sorted over the areas' codes, not a million strings
    area = text_categorical(decided["case_area_code"])
    codes = area.codes[inside].astype(np.int64)
    days = (day[inside] - received).astype(np.int64)
    known = codes >= 0
    codes, days = codes[known], days[known]
    labels = np.asarray(area.categories, dtype=object)
    count = np.bincount(codes, minlength=len(labels))
    seen = count > 0
    ordered = days[np.lexsort((days, codes))]
    counts = pd.Series(count[seen], index=labels[seen])
    backlog = open_cases["case_area_code"].astype(str).value_counts()
    names = sorted(set(counts.index) | set(backlog.index) | {str(a) for a in areas})
    out = pd.DataFrame({"case_area_code": names})
    out["decisions"] = counts.reindex(names, fill_value=0).to_numpy().astype(np.int64)
    out["enough"] = out["decisions"].to_numpy() >= min_count
    out["k"] = order_k(share, out["decisions"].to_numpy())
    # the k-th shortest of each area's days (k >= 1 wherever an area has decisions)
    kth = (np.cumsum(count) - count + order_k(share, count) - 1)[seen]
    out["days_within"] = pd.Series(ordered[kth], index=labels[seen]).reindex(names).astype(float).to_numpy()
    out["open"] = backlog.reindex(names, fill_value=0).to_numpy().astype(np.int64)
    out["daily_decisions"] = out["decisions"] / days_in_window
    # open / (n / days) computed as open * days / n, exact in whole numbers before rounding up
    projected = np.ceil(out["open"] * days_in_window / out["decisions"].where(out["decisions"] > 0))
    out["projected_days"] = projected.astype(float)
    for column in ("days_within", "projected_days"):
        out[column] = out[column].where(out["enough"])
    return out[list(WAIT_COLUMNS)]
