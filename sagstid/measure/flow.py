"""Flow and backlog per calendar month (rules in docs/flow.md).

Pure: decision rows in, one row per month and group out. For each calendar month M from the
period's first month to its last, with F = the month's first day and A = its end (the month's
last day, or the period's last day for a month the period ends inside):

* ``received``: rows with F <= received_date <= A;
* ``decided``: rows with F <= decided_date <= A;
* ``clearance_pct`` = 100 * decided / received (NaN when nothing was received: undefined, not 0;
  it can exceed 100 when the backlog shrinks);
* ``open``: rows open at A, i.e. received_date <= A and (decided_date is NaT or > A), the rule
  of the open-case snapshot (docs/open-cases.md) applied at each month's end;
* ``open_median_days`` / ``open_mean_days``: of the open rows, A - received_date in calendar
  days (NaN when none is open);
* ``open_overdue``: open rows with deadline_date < A (past their deadline at the month's end);
  a row whose deadline_date is NaT is open but never counted as overdue.

Receipts and decisions before the period matter only through the backlog: a case received
before the period and still open at a month's end is in that month's ``open``.

The loop runs over the months (at most a few dozen); each month is one vectorised pass over the
rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from sagstid.measure.accounting import group_numbers
from sagstid.rules.deadlines import NO_ENTRY, CatalogueArrays, deadlines_for
from sagstid.rules.workdays import WorkCalendar

FLOW_METRICS: tuple[str, ...] = (
    "received",
    "decided",
    "clearance_pct",
    "open",
    "open_median_days",
    "open_mean_days",
    "open_overdue",
)
GROUPINGS: dict[str, list[str]] = {
    "total": [],
    "by_unit": ["unit_code"],
    "by_area": ["case_area_code"],
    "by_unit_area": ["unit_code", "case_area_code"],
}
_COUNTS = ("received", "decided", "open", "open_overdue")


def with_deadlines(rows: pd.DataFrame, catalogue: CatalogueArrays, calendar: WorkCalendar) -> pd.DataFrame:
    """``rows`` (case_area_code, received_date as datetime64) with ``deadline_date`` added:
    the deadline of docs/contract.md §3.2 from the catalogue entry valid on the received date, NaT where there
    is none (no entry, or no received date). ``calendar`` must cover the received dates."""
    received = rows["received_date"].to_numpy().astype("datetime64[D]")
    entry = catalogue.lookup(rows["case_area_code"], received)
    known = entry != NO_ENTRY
    deadline = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    deadline[known] = deadlines_for(catalogue, entry[known], received[known], calendar)
    return rows.assign(deadline_date=deadline.astype("datetime64[s]"))


def month_ends(start: dt.date, end: dt.date) -> list[tuple[str, np.datetime64, np.datetime64]]:
    """(label 'YYYY-MM', first day, end day) for each calendar month from ``start``'s month to
    ``end``'s; the last month ends on ``end`` (and the first starts on its 1st, whatever
    ``start``'s day)."""
    first = np.datetime64(start, "M")
    last = np.datetime64(end, "M")
    out = []
    for month in np.arange(first, last + 1):
        begin = month.astype("datetime64[D]")
        stop = min((month + 1).astype("datetime64[D]") - np.timedelta64(1, "D"), np.datetime64(end, "D"))
        out.append((str(month), begin, stop))
    return out


def _medians_and_means(age: np.ndarray, codes: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """The median and the mean of ``age`` (whole days, in ascending order) per group of
    ``codes``, NaN for a group without a value: what pandas' grouped median and mean give,
    worked out from one stable sort by group (the ages stay in order within each group)."""
    count = np.bincount(codes, minlength=groups)
    small = codes.astype(np.int16) if groups <= np.iinfo(np.int16).max else codes  # sorted by radix
    by_group = age[np.argsort(small, kind="stable")]
    begin = np.cumsum(count) - count
    some = count > 0
    low = by_group[(begin + (count - 1) // 2)[some]]
    high = by_group[(begin + count // 2)[some]]
    median = np.full(groups, np.nan)
    median[some] = (low + high) / 2.0
    mean = np.full(groups, np.nan)
    mean[some] = np.bincount(codes, weights=age, minlength=groups)[some] / count[some]
    return median, mean


def _month_index(stops: np.ndarray, days: np.ndarray, side: Literal["left", "right"]) -> np.ndarray:
    """Per day, the first month whose end is on or after it (``side='left'``) or after it
    (``'right'``); ``len(stops)`` for a day after the last month's end or NaT."""
    index = np.searchsorted(stops, days, side=side)
    index[np.isnat(days)] = len(stops)
    return index


def _month_figures(
    received: np.ndarray,
    decided: np.ndarray,
    deadline: np.ndarray,
    groupings: list[tuple[np.ndarray, int]],
    months: list[tuple[str, np.datetime64, np.datetime64]],
) -> list[list[pd.DataFrame]]:
    """Each month's figures for each group of each grouping (codes, number of groups): per
    grouping, one table per month. Every count is made once for all months: a row is received
    (decided) in the month its date falls in; it is open at the ends of the months from the one
    it was received in to the one before it was decided, and overdue at those from the first
    whose end is after its deadline."""
    stops = np.array([stop for _, _, stop in months], dtype="datetime64[D]")
    first, count_months = months[0][1], len(months)
    # the month each row is received in (the first month, for one received before it: never
    # counted as received, but open from then on) and the first month-end it no longer is open
    arrived = _month_index(stops, received, "left")
    in_month = _month_index(stops, decided, "left")
    closed = np.maximum(in_month, arrived)
    overdue_from = np.maximum(_month_index(stops, deadline, "right"), arrived)
    got = received >= first
    done = decided >= first  # NaT compares False
    counts = [
        (
            _cells(codes[got], arrived[got], groups, count_months),
            _cells(codes[done], in_month[done], groups, count_months),
            _spans(codes, arrived, closed, groups, count_months),
            _spans(codes, overdue_from, closed, groups, count_months),
        )
        for codes, groups in groupings
    ]
    # the ages of the rows open at each month's end, per group: the rows that ever are, latest
    # received first (so each month's ages come in ascending order)
    ever = np.flatnonzero(closed > arrived)
    ever = ever[np.argsort(received[ever], kind="stable")[::-1]]
    since, until, days = arrived[ever], closed[ever], received[ever]
    ever_codes = [codes[ever] for codes, _ in groupings]
    out: list[list[pd.DataFrame]] = [[] for _ in groupings]
    for m, (_, _, stop) in enumerate(months):
        still_open = (since <= m) & (until > m)
        age = (stop - days[still_open]).astype("timedelta64[D]").astype(np.int64)
        for k, ((_, groups), (received_n, decided_n, open_n, overdue_n)) in enumerate(
            zip(groupings, counts, strict=True)
        ):
            median, mean = _medians_and_means(age, ever_codes[k][still_open], groups)
            out[k].append(
                pd.DataFrame(
                    {
                        "received": received_n[:, m],
                        "decided": decided_n[:, m],
                        "open": open_n[:, m],
                        "open_overdue": overdue_n[:, m],
                        "open_median_days": median,
                        "open_mean_days": mean,
                    }
                )
            )
    return out


def _spans(codes: np.ndarray, begin: np.ndarray, stop: np.ndarray, groups: int, months: int) -> np.ndarray:
    """Per group and month, the rows whose span of months [begin, stop) holds that month: +1
    at each span's first month, -1 at the month after its last, summed along the months."""
    some = stop > begin
    starts = _cells(codes[some], begin[some], groups, months)
    return np.cumsum(starts - _cells(codes[some], stop[some], groups, months), axis=1)


def _cells(codes: np.ndarray, month: np.ndarray, groups: int, months: int) -> np.ndarray:
    """Rows per group and month (``month`` may be ``months``, past the last: not counted)."""
    width = months + 1
    return np.bincount(codes * width + month, minlength=groups * width).reshape(groups, width)[:, :months]


def flow_by_month(cases: pd.DataFrame, start: dt.date, end: dt.date, keys: list[str]) -> pd.DataFrame:
    """The flow figures (FLOW_METRICS) per month and group of ``keys`` (none: one group).

    ``cases``: one row per decision, with ``received_date`` (datetime64, never NaT),
    ``decided_date`` (datetime64, NaT while open), ``deadline_date`` (datetime64, NaT if not
    known) and the ``keys`` columns. Every group with a row that counts in some month (received
    by the last month's end and not decided before the first month) gets a row for every month,
    zeros included; columns ``keys + ['month', 'month_end'] + FLOW_METRICS``, sorted by keys and
    month."""
    return _flow_tables(cases, start, end, {"only": keys})["only"]


def _flow_tables(
    cases: pd.DataFrame, start: dt.date, end: dt.date, groupings: dict[str, list[str]]
) -> dict[str, pd.DataFrame]:
    """:func:`flow_by_month` for several groupings at once: each month's masks are made once."""
    months = month_ends(start, end)
    if cases.empty or not months:
        return {
            name: pd.DataFrame(columns=[*keys, "month", "month_end", *FLOW_METRICS])
            for name, keys in groupings.items()
        }
    received = cases["received_date"].to_numpy().astype("datetime64[D]")
    decided = cases["decided_date"].to_numpy().astype("datetime64[D]")
    deadline = cases["deadline_date"].to_numpy().astype("datetime64[D]")
    # only rows that count in some month: received by the last end, not decided before the
    # first month began
    usable = (
        ~np.isnat(received) & (received <= months[-1][2]) & (np.isnat(decided) | (decided >= months[0][1]))
    )
    received, decided, deadline = received[usable], decided[usable], deadline[usable]
    rows = cases[list(dict.fromkeys(k for keys in groupings.values() for k in keys))][usable]  # the keys only
    grouped = {name: group_numbers(rows, keys) for name, keys in groupings.items()}
    codes = [(c, len(labels)) for c, labels in grouped.values()]
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in groupings}
    figures = _month_figures(received, decided, deadline, codes, months)
    for (name, (_, labels)), tables in zip(grouped.items(), figures, strict=True):
        for (label, _, stop), part in zip(months, tables, strict=True):
            part.insert(0, "month_end", pd.Timestamp(stop))
            part.insert(0, "month", label)
            parts[name].append(pd.concat([labels.reset_index(drop=True), part], axis=1))
    out = {}
    for name, keys in groupings.items():
        table = pd.concat(parts[name], ignore_index=True)
        for column in _COUNTS:
            table[column] = table[column].astype(np.int64)
        table["clearance_pct"] = 100.0 * table["decided"] / table["received"].where(table["received"] > 0)
        table = table.sort_values([*keys, "month"], kind="stable").reset_index(drop=True)
        out[name] = table[[*keys, "month", "month_end", *FLOW_METRICS]]
    return out


def flow(cases: pd.DataFrame, start: dt.date, end: dt.date) -> dict[str, pd.DataFrame]:
    """``flow_by_month`` for each grouping of GROUPINGS (total, by_unit, by_area,
    by_unit_area); ``cases`` needs unit_code and case_area_code besides the dates."""
    return _flow_tables(cases, start, end, GROUPINGS)
