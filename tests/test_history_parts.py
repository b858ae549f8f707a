"""The table's history counted and grouped in parts side by side (sagstid/source/history.py).

The rows outside the periods are counted in ranges of days, and the duplicate ids grouped in
ranges of decision_id; the ranges meet, so every row must be counted exactly once whatever its
value. The table below is chosen for that: rows on the very days where the parts meet, text that
is no date (sorting before, inside and after the history), dates stored as numbers (SQLite's
DATE affinity), a placeholder day, NULLs, and ids stored as numbers and as text. The expected
counts are worked out by hand from SQLite's order (NULL first, then numbers, then text compared
byte by byte), and every split from one part to more parts than rows must give them, on both
read paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from servers import copy_database

from sagstid.source.db import connect, reading_through
from sagstid.source.history import count_outside, first_day, history_starts, id_bounds, read_duplicates

A, B = "JC-NORD", "JC-SYD"
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2025, 12, 31)  # the periods read: 2024 and 2025

# (decision_id, unit_code, decided_date)
ROWS: list[tuple[object, str, object]] = [
    (1, A, "2019-01-01"),  # the first day: where the parts begin
    (2, A, "2019-01-01"),
    (3, A, "2020-01-01"),  # on a bound of the split in five parts (below)
    (4, B, "2020-06-15"),
    (5, A, "2022-02-30"),  # no such day, but text within the history's range
    (6, B, "2022-12-31"),  # on a bound
    (7, A, "2023-12-31"),  # the last day before the periods
    (7, B, "2024-01-01"),  # in the periods; id 7 twice: both rows are duplicates
    (8, B, "2025-06-30"),  # in the periods
    (9, A, "2025-12-31"),  # in the periods, its last day
    (10, A, "2025-12-31T10:00"),  # text after the last day: counted, after the periods
    (11, B, "2026-01-05"),  # after the periods
    (12, A, "31/02/2024"),  # sorts after every ISO date ('3' > '2')
    (13, B, ""),  # sorts before every date
    (14, A, "0001-01-01"),  # a placeholder, before the first day looked for
    (15, A, 20190304),  # a number: before all text
    (16, B, 20240304.5),
    (17, A, None),  # open
    (18, A, None),
    (19, B, None),
    (100, A, "2020-03-01"),  # id 100 three times, all in history
    (100, B, "2021-07-01"),
    (100, B, "2021-07-01"),
    ("X-1", A, "2021-01-01"),  # an id kept as text by the INTEGER column, twice
    ("X-1", B, "2024-05-05"),
    ("X-2", A, "2022-01-01"),
    (None, A, "2023-03-03"),  # no id: the two are duplicates of each other
    (None, B, "2025-03-03"),
]

# by hand: every row but the four decided 2024-01-01 to 2025-12-31 (ids 7 B, 8, 9, X-1 B)
# and the one in 2025 without an id
OUTSIDE: dict[tuple[str, object], int] = {
    (A, "2019-01-01"): 2,
    (A, "2020-01-01"): 1,
    (B, "2020-06-15"): 1,
    (A, "2022-02-30"): 1,
    (B, "2022-12-31"): 1,
    (A, "2023-12-31"): 1,
    (A, "2025-12-31T10:00"): 1,
    (B, "2026-01-05"): 1,
    (A, "31/02/2024"): 1,
    (B, ""): 1,
    (A, "0001-01-01"): 1,
    (A, 20190304): 1,
    (B, 20240304.5): 1,
    (A, None): 2,
    (B, None): 1,
    (A, "2020-03-01"): 1,
    (B, "2021-07-01"): 2,
    (A, "2021-01-01"): 1,
    (A, "2022-01-01"): 1,
    (A, "2023-03-03"): 1,
}

DUPLICATES = sorted(
    [
        (7, A, "2023-12-31"),
        (7, B, "2024-01-01"),
        (100, A, "2020-03-01"),
        (100, B, "2021-07-01"),
        (100, B, "2021-07-01"),
        ("X-1", A, "2021-01-01"),
        ("X-1", B, "2024-05-05"),
        (None, A, "2023-03-03"),
        (None, B, "2025-03-03"),
    ],
    key=repr,
)

SPLITS = [1, 2, 3, 4, 5, 7, 12, 50]


def _table(make_db: Callable[..., str], rows: list[tuple[object, str, object]] = ROWS) -> str:
    return make_db(
        decisions=[
            {
                "decision_id": decision_id,
                "case_id": f"S-{k}",
                "unit_code": unit,
                "case_area_code": "KH-ANS",
                "received_date": "2019-01-01",
                "decided_date": decided,
            }
            for k, (decision_id, unit, decided) in enumerate(rows)
        ]
    )


def _counts(frame: pd.DataFrame) -> dict[tuple[str, object], int]:
    out: dict[tuple[str, object], int] = {}
    for unit, day, count in frame[["unit_code", "decided_date", "row_count"]].itertuples(index=False):
        key = (unit, None if pd.isna(day) else day)
        assert key not in out, f"{key} counted in two parts"
        out[key] = int(count)
    return out


def _rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return sorted(
        (
            (None if pd.isna(i) else i, u, d)
            for i, u, d in frame[["decision_id", "unit_code", "decided_date"]].itertuples(index=False)
        ),
        key=repr,
    )


@pytest.mark.parametrize(
    ("day", "first", "parts", "starts"),
    [
        (None, FIRST, 8, []),  # no history
        (dt.date(2024, 1, 1), FIRST, 8, []),  # history begins with the periods
        (dt.date(2024, 3, 1), FIRST, 8, []),
        (dt.date(2019, 1, 1), FIRST, 1, []),  # one part: the whole query
        (dt.date(2023, 12, 31), FIRST, 8, []),  # one day: one part
        (dt.date(2023, 12, 30), FIRST, 8, [dt.date(2023, 12, 31)]),  # two days, two parts
        # 1,826 days (2020 is a leap year) in fifths: 365, 730, 1,095 and 1,460 days on
        (
            dt.date(2019, 1, 1),
            FIRST,
            5,
            [dt.date(2020, 1, 1), dt.date(2020, 12, 31), dt.date(2021, 12, 31), dt.date(2022, 12, 31)],
        ),
        (dt.date(2019, 1, 1), FIRST, 2, [dt.date(2021, 7, 2)]),  # 913 days on
    ],
)
def test_history_starts(day: dt.date | None, first: dt.date, parts: int, starts: list[dt.date]) -> None:
    assert history_starts(day, first, parts) == starts


def test_first_day_passes_over_placeholders_numbers_and_empty_text(make_db: Callable[..., str]) -> None:
    engine = connect(_table(make_db))
    # 0001-01-01 is before 1994 (30 years before 2024), '' and the numbers sort before it
    assert first_day(engine, FIRST) == dt.date(2019, 1, 1)


def test_first_day_that_is_no_date_means_no_split(make_db: Callable[..., str]) -> None:
    # '1995/01/01' sorts after '1994-01-01' and before every real date here: not readable
    engine = connect(_table(make_db, [*ROWS, (200, A, "1995/01/01")]))
    assert first_day(engine, FIRST) is None
    with reading_through("arrow"):
        counted = _counts(count_outside(engine, FIRST, LAST, 8))
    assert counted == {**OUTSIDE, (A, "1995/01/01"): 1}


@pytest.mark.parametrize("reader", ["arrow", "sqlalchemy"])
@pytest.mark.parametrize("parts", SPLITS)
def test_every_split_counts_each_row_once(make_db: Callable[..., str], reader: str, parts: int) -> None:
    engine = connect(_table(make_db))
    with reading_through(reader):
        counted = _counts(count_outside(engine, FIRST, LAST, parts))
    assert counted == OUTSIDE
    assert sum(counted.values()) == len(ROWS) - 5


@pytest.mark.parametrize("reader", ["arrow", "sqlalchemy"])
@pytest.mark.parametrize("parts", SPLITS)
def test_every_split_finds_the_same_duplicates(make_db: Callable[..., str], reader: str, parts: int) -> None:
    engine = connect(_table(make_db))
    with reading_through(reader):
        assert _rows(read_duplicates(engine, parts)) == DUPLICATES


def test_id_bounds_are_ids_of_the_table_in_sqlites_order(make_db: Callable[..., str]) -> None:
    engine = connect(_table(make_db))
    bounds = id_bounds(engine, 4)
    # three ids of rows spread over the 28 rowids; numbers before text, as SQLite orders them
    assert len(bounds) == 3
    ids = {i for i, _, _ in ROWS if i is not None}
    assert set(bounds) <= ids
    numbers = [b for b in bounds if isinstance(b, int)]
    texts = [b for b in bounds if isinstance(b, str)]
    assert bounds == sorted(numbers) + sorted(texts)
    assert id_bounds(engine, 1) == []


def test_a_view_has_no_rowid_so_the_ids_are_grouped_whole(make_db: Callable[..., str]) -> None:
    url = _table(make_db)
    import sqlite3

    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "ALTER TABLE decisions RENAME TO decisions_kept; CREATE VIEW decisions AS SELECT * FROM decisions_kept;"
        )
    engine = connect(url)
    assert id_bounds(engine, 4) == []
    assert _rows(read_duplicates(engine, 4)) == DUPLICATES
    assert _counts(count_outside(engine, FIRST, LAST, 4)) == OUTSIDE


def test_postgres_counts_in_parts(make_db: Callable[..., str], postgres_db: str) -> None:
    """Real DATE columns: no text to misread; the history still counted in parts of days (the
    duplicate ids, without rowid, in one query)."""
    clean = [row for row in ROWS if isinstance(row[0], int) and (row[2] is None or _iso(row[2]))]
    copy_database(_table(make_db, clean), postgres_db)
    engine = connect(postgres_db)
    expected: dict[tuple[str, object], int] = {}
    for _, unit, day in clean:
        if day is None or not FIRST.isoformat() <= str(day) <= LAST.isoformat():
            key = (unit, None if day is None else dt.date.fromisoformat(str(day)))
            expected[key] = expected.get(key, 0) + 1
    assert first_day(engine, FIRST) == dt.date(2019, 1, 1)
    for parts in (1, 5, 12):
        assert _counts(count_outside(engine, FIRST, LAST, parts)) == expected
    assert id_bounds(engine, 4) == []
    found = _rows(read_duplicates(engine, 4))
    assert found == sorted(
        [
            (7, A, dt.date(2023, 12, 31)),
            (7, B, dt.date(2024, 1, 1)),
            (100, A, dt.date(2020, 3, 1)),
            (100, B, dt.date(2021, 7, 1)),
            (100, B, dt.date(2021, 7, 1)),
        ],
        key=repr,
    )


def _iso(value: object) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10
