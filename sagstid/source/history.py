"""The decisions table's history, left to the database: the rows outside the periods counted,
and the ids occurring more than once (docs/database.md, What a run reads).

Both go over the whole table, so over ten years of history they are most of what a run pays
for history. Their work is the database's, through an index, and where the table is read from
disk rather than from memory it waits on the disk's look-ups. So each is split into ranges of
its index read side by side, each on a connection and thread of its own (``read_query_in_parts``):

* the rows before the periods in ranges of equal days, from the table's first decided day
  (queries/decisions_first_day.sql, decisions_outside_part.sql); the first part is
  decisions_outside_period.sql itself, with its open rows and the rows after the periods;
* the duplicate ids (SQLite) in ranges of decision_id between ids taken from rows spread evenly
  over the table (decision_id_bounds.sql, decision_duplicates_before/_in_part/_from.sql).

The ranges' bounds meet, so every row is in exactly one range whatever its value (a text that is
no date, an id stored as a number); through SQLAlchemy the whole query is read once. On this
project's ten-year benchmark table, read from disk, the count took 6.2-7.0 s and the ids
4.5-4.8 s, one query each; in eight parts on two threads the read stage they run beside took
4.8-5.4 s in all (README, Benchmark).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
from sqlalchemy.engine import Engine

from sagstid.errors import DatabaseError
from sagstid.source.db import read_query, read_query_in_parts, read_small
from sagstid.validate.rows import parse_dates

HISTORY_YEARS = 30  # decisions_first_day.sql looks no further back than this before the periods


def count_outside(engine: Engine, first: dt.date, last: dt.date, parts: int) -> pd.DataFrame:
    """queries/decisions_outside_period.sql's rows for the periods ``first`` to ``last``: the
    rows before ``first`` counted in up to ``parts`` ranges of days side by side."""
    whole: dict[str, object] = {"date_from": first.isoformat(), "date_to": last.isoformat()}
    starts = history_starts(first_day(engine, first), first, parts)
    if not starts:
        return read_query(engine, "decisions_outside_period", **whole)
    split: list[tuple[str, dict[str, object]]] = [
        ("decisions_outside_period", {"date_from": starts[0].isoformat(), "date_to": last.isoformat()})
    ]
    split += [
        ("decisions_outside_part", {"date_from": start.isoformat(), "date_before": before.isoformat()})
        for start, before in itertools.pairwise([*starts, first])
    ]
    return read_query_in_parts(engine, "decisions_outside_period", whole, split)


def first_day(engine: Engine, first: dt.date) -> dt.date | None:
    """The table's first decided day at most :data:`HISTORY_YEARS` before ``first``
    (queries/decisions_first_day.sql), read as validation reads a date; None if there is none
    or it cannot be read."""
    not_before = dt.date(first.year - HISTORY_YEARS, 1, 1)
    value = read_small(engine, "decisions_first_day", not_before=not_before.isoformat())["first_day"]
    day = parse_dates(value.astype(object))[0].iloc[0]
    return None if pd.isna(day) else day.date()


def history_starts(day: dt.date | None, first: dt.date, parts: int) -> list[dt.date]:
    """Where the ranges after the first part begin: the days from ``day`` to ``first`` in up to
    ``parts`` runs of (nearly) equal days, without the first run's start (the first part, the
    whole query, counts every row before the second run). Empty if there is no history before
    ``first`` or only one part."""
    if day is None or day >= first or parts <= 1:
        return []
    days = (first - day).days
    count = min(parts, days)
    return sorted({day + dt.timedelta(days=days * k // count) for k in range(1, count)})


def read_duplicates(engine: Engine, parts: int) -> pd.DataFrame:
    """queries/decision_duplicates.sql's rows, on SQLite grouped in up to ``parts`` ranges of
    decision_id side by side."""
    whole: dict[str, object] = {}
    bounds = id_bounds(engine, parts)
    if not bounds:
        return read_query(engine, "decision_duplicates")
    split: list[tuple[str, dict[str, object]]] = [("decision_duplicates_before", {"id_before": bounds[0]})]
    split += [
        ("decision_duplicates_in_part", {"id_from": low, "id_before": high})
        for low, high in itertools.pairwise(bounds)
    ]
    split.append(("decision_duplicates_from", {"id_from": bounds[-1]}))
    return read_query_in_parts(engine, "decision_duplicates", whole, split)


def id_bounds(engine: Engine, parts: int) -> list[object]:
    """Up to ``parts`` - 1 decision ids in the column's order, between which the duplicate ids
    are grouped (queries/decision_id_bounds.sql); none where the database is not SQLite or the
    table has no rowid (a view, a table WITHOUT ROWID)."""
    if engine.dialect.name != "sqlite" or parts <= 1:
        return []
    try:
        return read_small(engine, "decision_id_bounds", parts=parts)["decision_id"].tolist()
    except DatabaseError:
        return []
