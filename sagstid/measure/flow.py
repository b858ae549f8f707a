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

import numpy as np
import pandas as pd

from sagstid.rules.deadlines import NO_ENTRY, CatalogueArrays, deadlines_for
from sagstid.rules.workdays import WorkCalendar
from sagstid.values import text_categorical

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


def _group_codes(rows: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """A group number per row and the groups' labels (as text; a missing code is a group of
    its own, last), sorted by label."""
    if not keys:
        return np.zeros(len(rows), dtype=np.int64), pd.DataFrame(index=[0])
    codes = np.zeros(len(rows), dtype=np.int64)
    parts = []
    for key in keys:
        text = text_categorical(rows[key])
        part = text.codes.astype(np.int64)
        uniques = np.asarray(text.categories, dtype=object)
        if (part < 0).any():  # the missing code: a group of its own, after every text
            part = np.where(part < 0, len(uniques), part)
            uniques = np.append(uniques, np.nan)
        codes = codes * len(uniques) + part
        parts.append(uniques)
    present, dense = np.unique(codes, return_inverse=True)
    labels = {}
    for key, uniques in zip(reversed(keys), reversed(parts), strict=True):
        labels[key] = uniques[present % len(uniques)]
        present = present // len(uniques)
    return dense.astype(np.int64), pd.DataFrame({k: labels[k] for k in keys})


def _month_figures(
    received: np.ndarray,
    decided: np.ndarray,
    deadline: np.ndarray,
    groupings: list[tuple[np.ndarray, int]],
    first: np.datetime64,
    end: np.datetime64,
) -> list[pd.DataFrame]:
    """One month's figures for each group of each grouping (codes, number of groups)."""
    got = (received >= first) & (received <= end)
    done = (decided >= first) & (decided <= end)  # NaT compares False
    still_open = (received <= end) & ~(decided <= end)
    overdue = still_open & (deadline < end)
    age = (end - received[still_open]).astype("timedelta64[D]").astype(np.int64)
    out = []
    for codes, groups in groupings:

        def count(mask: np.ndarray, codes: np.ndarray = codes, groups: int = groups) -> np.ndarray:
            return np.bincount(codes[mask], minlength=groups)

        table = pd.DataFrame(
            {
                "received": count(got),
                "decided": count(done),
                "open": count(still_open),
                "open_overdue": count(overdue),
            }
        )
        ages = pd.Series(age).groupby(codes[still_open])
        table["open_median_days"] = ages.median().reindex(range(groups)).astype(float).to_numpy()
        table["open_mean_days"] = ages.mean().reindex(range(groups)).astype(float).to_numpy()
        out.append(table)
    return out


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
    grouped = {name: _group_codes(rows, keys) for name, keys in groupings.items()}
    codes = [(c, len(labels)) for c, labels in grouped.values()]
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in groupings}
    for label, first, stop in months:
        tables = _month_figures(received, decided, deadline, codes, first, stop)
        for (name, (_, labels)), part in zip(grouped.items(), tables, strict=True):
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
