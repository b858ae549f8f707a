"""Extract: one fetch function per query in queries/, each returning DataFrames.

Only the columns the rules need are read. Of the decisions table only the rows decided in the
periods measured are read; the rest is counted by the database, and the duplicate ids are read
on their own (docs/database.md, What a run reads). The
complaints table is small and read whole (without ``citizen_ref``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from sagstid.errors import DatabaseError
from sagstid.periods import Period
from sagstid.source.db import optional_columns, read_query, read_query_in_parts, read_small
from sagstid.source.history import count_outside, read_duplicates
from sagstid.source.lean import COMPLAINT_LEAN_COLUMNS, concat_rows, lean
from sagstid.validate.decision_table import DecisionExtract
from sagstid.validate.open_cases import received_after
from sagstid.validate.rows import DateWindow
from sagstid.values import distinct, taken


def read_parts() -> int:
    """Into how many parts a run's decisions are split to be read side by side on an Arrow
    path: four per core, so that parts of unequal size still keep every core busy; one on a
    machine with one core."""
    cores = os.cpu_count() or 1
    return 1 if cores <= 1 else min(8, 4 * cores)


def day_parts(first: dt.date, last: dt.date, parts: int) -> list[tuple[dt.date, dt.date]]:
    """``first`` to ``last`` in at most ``parts`` runs of (nearly) equal days, as (first day,
    first day of the next part); the last part's second day is ``last`` itself."""
    days = (last - first).days + 1
    count = max(1, min(parts, days))
    starts = [first + dt.timedelta(days=days * k // count) for k in range(count)]
    return [*itertools.pairwise(starts), (starts[-1], last)]


def extract_decisions(
    engine: Engine,
    period: Period,
    with_promised: bool = False,
    through: Period | None = None,
    parts: int | None = None,
    plan: str | None = None,
) -> DecisionExtract:
    """The decisions decided from ``period``'s start to the end of ``through`` (default: the
    period itself) read whole (:func:`read_decided`, with ``parts`` and ``plan``), the rest of
    the table counted, and the duplicate ids. ``with_promised``: the table has the optional
    column promised_date, read with the period's decisions
    (queries/decisions_in_period_promised.sql). The counting and the duplicate ids are read
    meanwhile, each on a thread of its own and split into parts of its index read side by side
    (source/history.py), since the database does their work: over a table of ten years, one
    after the other and whole they took longer than the rows' read (2.0 and 3.3 s against
    about 3 s), and the stage waited for them."""
    last = through or period
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="sagstid-count") as side:
        outside = side.submit(count_outside, engine, period.start, last.end, read_parts())
        duplicates = side.submit(read_duplicates, engine, read_parts())
        rows = lean(read_decided(engine, period.start, last.end, with_promised, parts, plan))
        return DecisionExtract(in_period=rows, outside=outside.result(), duplicates=duplicates.result())


PLANS = ("days", "rows")


def read_decided(
    engine: Engine,
    first: dt.date,
    last: dt.date,
    with_promised: bool = False,
    parts: int | None = None,
    plan: str | None = None,
) -> pd.DataFrame:
    """The decisions decided from ``first`` to ``last`` (queries/decisions_in_period.sql), on
    an Arrow path read in ``parts`` (default :func:`read_parts`) side by side, split by
    ``plan``:

    - "days": each part a run of days, every part but the last through
      queries/decisions_in_part.sql (its end not included, so the parts' bounds meet), the
      last through decisions_in_period.sql. The database finds the rows through its index on
      decided_date.
    - "rows" (SQLite only): each part a range of rowids (queries/decisions_in_rows.sql), the
      ranges together the span in which queries/decisions_row_span.sql found the period's
      rows. SQLite reads a range straight from the table, without a look-up per row.

    By default (None) "rows" where the period's rows fill at least half of their span (a
    table written roughly in time order, or holding little besides the periods read), else
    "days". The rows come in the plan's order; no result depends on it."""
    if plan not in (None, *PLANS):
        raise ValueError(f"unknown plan {plan!r}: one of {', '.join(PLANS)}")
    count = read_parts() if parts is None else parts
    plan, span = _planned(engine, first, last, plan)
    if plan == "rows" and span is not None:
        return _read_rows(engine, first, last, with_promised, count, span)
    in_period = "decisions_in_period_promised" if with_promised else "decisions_in_period"
    in_part = "decisions_in_part_promised" if with_promised else "decisions_in_part"
    *inner, (final, _) = day_parts(first, last, count)
    split: list[tuple[str, dict[str, object]]] = [
        (in_part, {"date_from": start.isoformat(), "date_before": before.isoformat()})
        for start, before in inner
    ]
    split.append((in_period, {"date_from": final.isoformat(), "date_to": last.isoformat()}))
    whole: dict[str, object] = {"date_from": first.isoformat(), "date_to": last.isoformat()}
    return read_query_in_parts(engine, in_period, whole, split)


def _row_span(engine: Engine, first: dt.date, last: dt.date) -> tuple[int, int, int] | None:
    """(first rowid, last rowid, rows) of the decisions decided from ``first`` to ``last``
    (queries/decisions_row_span.sql); None where the database is not SQLite, the period has
    no rows, or the table has no rowid (a view, a table WITHOUT ROWID)."""
    if engine.dialect.name != "sqlite":
        return None
    try:
        span = read_small(engine, "decisions_row_span", date_from=first.isoformat(), date_to=last.isoformat())
    except DatabaseError:
        return None
    low, high, rows = span.iloc[0].tolist() if len(span) == 1 else (None, None, 0)
    if not rows or not isinstance(low, int) or not isinstance(high, int):
        return None
    return low, high, rows


def read_plan(engine: Engine, first: dt.date, last: dt.date) -> str:
    """The plan :func:`read_decided` follows by default for ``first`` to ``last``."""
    return _planned(engine, first, last, None)[0]


def _planned(
    engine: Engine, first: dt.date, last: dt.date, plan: str | None
) -> tuple[str, tuple[int, int, int] | None]:
    """The plan to read by and the rows' span of rowids (None where there is none to read by):
    ``plan`` if given, else "rows" where the rows fill at least half of their span."""
    if plan == "days":
        return plan, None
    span = _row_span(engine, first, last)
    if plan is None:
        low, high, rows = span or (0, 0, 0)
        plan = "rows" if span is not None and 2 * rows >= high - low + 1 else "days"
    return plan, span


def row_parts(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """The rowids ``low`` to ``high`` in at most ``parts`` ranges of (nearly) equal length,
    as (first, last) rowid, both included; the ranges meet and cover the whole."""
    width = high - low + 1
    count = max(1, min(parts, width))
    starts = [low + width * k // count for k in range(count)] + [high + 1]
    return [(start, after - 1) for start, after in itertools.pairwise(starts)]


def _read_rows(
    engine: Engine, first: dt.date, last: dt.date, with_promised: bool, parts: int, span: tuple[int, int, int]
) -> pd.DataFrame:
    name = "decisions_in_rows_promised" if with_promised else "decisions_in_rows"
    dates = {"date_from": first.isoformat(), "date_to": last.isoformat()}
    low, high, _ = span
    split: list[tuple[str, dict[str, object]]] = [
        (name, {"row_from": start, "row_to": end, **dates}) for start, end in row_parts(low, high, parts)
    ]
    return read_query_in_parts(engine, name, {"row_from": low, "row_to": high, **dates}, split)


def extract_decision_periods(
    engine: Engine, period: Period, previous: Period, with_promised: bool = False
) -> tuple[DecisionExtract, DecisionExtract]:
    """The decisions of ``period`` and of the period before it, read once (one query covering
    both): the same rows for each, validation tells the periods apart. promised_date is read
    for ``period`` only."""
    both = extract_decisions(engine, previous, with_promised, through=period)
    earlier = replace(both, in_period=both.in_period.drop(columns="promised_date", errors="ignore"))
    return both, earlier


def extract_units(engine: Engine) -> pd.DataFrame:
    return read_query(engine, "units")


def extract_open_cases(
    engine: Engine, as_of: dt.date, duplicates: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(decisions, complaints) received on or before ``as_of`` and not decided/answered on or
    before it (queries/open_decisions.sql, queries/open_complaints.sql). ``duplicates``: the
    rows queries/decision_duplicates.sql gave (read here if not given), from which each
    decision gets its duplicate_id flag (1: its decision_id occurs more than once in the
    table), placed after delay_notice_date."""
    decisions = lean(read_query(engine, "open_decisions", as_of=as_of.isoformat()))
    if duplicates is None:
        duplicates = read_duplicates(engine, read_parts())
    flag = _duplicate_flag(decisions["decision_id"], duplicates)
    decisions.insert(list(decisions.columns).index("delay_notice_date") + 1, "duplicate_id", flag)
    return decisions, extract_open_complaints(engine, as_of)


def _duplicate_flag(ids: pd.Series, duplicates: pd.DataFrame) -> np.ndarray:
    """1 where an id is one of the table's repeated ids (``duplicates``' non-NULL ids), else 0
    (a NULL id too: a NULL never equals another)."""
    repeated = duplicates["decision_id"].dropna()
    return (ids.isin(repeated).to_numpy() & ids.notna().to_numpy()).astype(np.int64)


def extract_open_complaints(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Complaints received on or before ``as_of`` and not answered on or before it."""
    return read_query(engine, "open_complaints", as_of=as_of.isoformat())


def extract_complaints(engine: Engine) -> pd.DataFrame:
    """Every complaint row (queries/complaints.sql), its dates and flags held lean."""
    return lean(read_query(engine, "complaints"), COMPLAINT_LEAN_COLUMNS)


def extract_complaint_case_areas(engine: Engine, first: dt.date, last: dt.date) -> pd.DataFrame:
    """The decisions of the cases of the complaints received from ``first`` to ``last``, to
    give each such complaint its case area (queries/complaint_case_areas.sql)."""
    after = last + dt.timedelta(days=1)
    return read_query(
        engine, "complaint_case_areas", date_from=first.isoformat(), date_after=after.isoformat()
    )


def extract_audit_samples(engine: Engine) -> pd.DataFrame:
    """Every audit sample row (queries/audit_samples.sql)."""
    return read_query(engine, "audit_samples")


def has_promised_date(engine: Engine) -> bool:
    """Whether the decisions table has the optional column promised_date."""
    return "promised_date" in optional_columns(engine, "decisions")


def extract_flow(
    engine: Engine, date_from: dt.date, date_to: dt.date, duplicates: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Decisions received by ``date_to`` and open or decided from ``date_from`` on, for the
    backlog trend and the expected wait (queries/flow_decisions.sql), each with its
    duplicate_id flag from ``duplicates`` (queries/decision_duplicates.sql; read if not given)."""
    bounds = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    rows = lean(read_query(engine, "flow_decisions", **bounds))
    if duplicates is None:
        duplicates = read_duplicates(engine, read_parts())
    return rows.assign(duplicate_id=_duplicate_flag(rows["decision_id"], duplicates))


def open_decisions_before(
    read: DecisionExtract, open_now: pd.DataFrame, day: dt.date, received_window: DateWindow | None = None
) -> pd.DataFrame:
    """The rows queries/open_decisions.sql gives as of ``day`` (the period before's last day),
    taken from rows the run has read already instead of reading them again: ``read`` holds the
    rows decided from before ``day`` to the as-of day, ``open_now`` the rows open_decisions.sql
    gave for the as-of day (decided after it or not at all). A row is open as of ``day`` when its
    decided_date is NULL or after ``day``, compared as the database compares it (:func:`_compare`).

    With ``received_window``, the rows read whose received date is readable (in that window)
    and after ``day`` are left out, as validate/open_cases.received_by leaves them out of the
    comparison snapshot, the only use of these rows: at the period before's end they are most
    of the rows read since, and taking them would copy a million rows of text for nothing."""
    keep = _compare(read.in_period["decided_date"], ">", day)
    if received_window is not None:
        keep = keep & ~received_after(read.in_period["received_date"], day, received_window)
    return _read_already(read, open_now, list(open_now.columns), keep)


def flow_rows(
    read: DecisionExtract, open_now: pd.DataFrame, date_from: dt.date, date_to: dt.date
) -> pd.DataFrame:
    """The rows queries/flow_decisions.sql gives, taken from rows the run has read already:
    ``read`` holds every row decided from ``date_from`` (or earlier) to ``date_to``, the as-of
    day, and ``open_now`` the rows open_decisions.sql gave for ``date_to``. A row is taken when
    its received_date is on or before ``date_to`` and its decided_date NULL or on or after
    ``date_from``, compared as the database compares them."""
    rows = read.in_period
    columns = ["decision_id", "unit_code", "case_area_code", "received_date", "decided_date", "duplicate_id"]
    keep = _compare(rows["decided_date"], ">=", date_from) & _compare(rows["received_date"], "<=", date_to)
    still_open = _compare(open_now["received_date"], "<=", date_to)
    return _read_already(read, open_now.loc[still_open], columns, keep)


def _read_already(
    read: DecisionExtract, open_now: pd.DataFrame, columns: list[str], keep: np.ndarray
) -> pd.DataFrame:
    """The rows of ``read.in_period`` where ``keep`` holds, then ``open_now``'s, in ``columns``;
    a row of ``read`` gets duplicate_id 1 when its decision_id is one of the table's repeated ids
    (``read.duplicates``), as open_decisions.sql's own flag is (a NULL id: 0)."""
    # only the columns wanted are taken: taking rows of Arrow text costs a copy per column
    later = read.in_period[[c for c in columns if c != "duplicate_id"]].loc[keep]
    flagged = later.assign(duplicate_id=_duplicate_flag(later["decision_id"], read.duplicates))[columns]
    if open_now.empty:
        return flagged.reset_index(drop=True)
    return concat_rows([flagged, open_now[columns]])


_OPS: dict[str, Callable[[Any, Any], Any]] = {">": operator.gt, ">=": operator.ge, "<=": operator.le}


def _compare(values: pd.Series, op: str, day: dt.date) -> np.ndarray:
    """``values <op> day`` as the database compares a date column with the ISO text of ``day``:
    dates and timestamps by time, text by its characters (SQLite: an ISO date as text), a
    number as less than any text (SQLite's order), NULL never."""
    compare = _OPS[op]
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamp = pd.Timestamp(day).tz_localize(getattr(values.dtype, "tz", None))
        return np.asarray(compare(values, stamp).to_numpy(dtype=bool, na_value=False))
    if isinstance(values.dtype, pd.StringDtype):
        return np.asarray(compare(values, day.isoformat()).to_numpy(dtype=bool, na_value=False))
    codes, uniques = distinct(values)  # a categorical's categories, each compared once
    return taken(codes, np.array([_value_compare(v, compare, day) for v in uniques], dtype=bool), False)


def _value_compare(value: object, compare: Callable[[Any, Any], Any], day: dt.date) -> bool:
    if isinstance(value, str):
        return bool(compare(value, day.isoformat()))
    if isinstance(value, dt.datetime):
        return bool(compare(value.replace(tzinfo=None), dt.datetime.combine(day, dt.time())))
    if isinstance(value, dt.date):
        return bool(compare(value, day))
    if isinstance(value, np.datetime64):
        return bool(compare(value, np.datetime64(day)))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return bool(compare(0, 1))  # a number sorts before any text: less than the day
    return False
