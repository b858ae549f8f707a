"""Every read path gives the same results.json, byte for byte (docs/database.md, Reading).

A whole run (extract, validate, measure, results.json and the workbooks) is made twice on the
same database: once reading every query through Arrow (ADBC: the default where the URL has an
Arrow path) and once through SQLAlchemy (``pd.read_sql``). The reference is the SQLAlchemy path,
whose figures the hand-worked tests (tests/test_measure.py, tests/test_validate.py) check by
hand; here the check is that the Arrow path changes nothing. The databases: the hand-worked
ones of those two tests, one with SQLite's mixed storage classes in every date column and the
unit code (tests/test_arrow_read.py's bad rows, placed after more rows than ADBC's first
batch), the demo with its bad rows, and the demo's readable rows on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from servers import copy_database
from test_arrow_read import GOOD_ROWS, _bad, _good
from test_measure import CALENDAR, DEADLINES, DECISIONS, PERIOD, row
from test_postgres import _readable_copy
from test_validate import CATALOGUE_TEXT, ROWS, decision_dict

from sagstid.dev import demo
from sagstid.periods import Period
from sagstid.pipeline import run_period
from sagstid.source.db import reading_through


def _results(url: str, config: Path, period: Period, out: Path, reader: str) -> bytes:
    with reading_through(reader):
        run_period(url, config, period, out, workers=1)
    return (out / "results.json").read_bytes()


def _same_on_both_paths(url: str, config: Path, period: Period, tmp_path: Path) -> dict[str, Any]:
    arrow = _results(url, config, period, tmp_path / "arrow", "arrow")
    reference = _results(url, config, period, tmp_path / "sqlalchemy", "sqlalchemy")
    assert arrow == reference
    decisions: dict[str, Any] = json.loads(arrow)["decisions"]
    return decisions


def test_reading_through_an_unknown_reader_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown reader"), reading_through("odbc"):
        pass


def test_hand_worked_measure_database(
    make_db: Callable[..., str], make_config: Callable[..., Path], tmp_path: Path
) -> None:
    url = make_db(decisions=[row(*r) for r in DECISIONS])
    config = make_config(deadlines=DEADLINES, calendar=CALENDAR)
    decisions = _same_on_both_paths(url, config, PERIOD, tmp_path)
    # tests/test_measure.py works out 10 measured, 1 excluded, 1 open and 1 out of period
    assert decisions["rows"] == {"measured": 10, "excluded": 1, "open": 1, "out_of_period": 1}


@pytest.mark.parametrize("year", [2024, 2023, 2022])
def test_hand_worked_validate_database(
    make_db: Callable[..., str], make_config: Callable[..., Path], tmp_path: Path, year: int
) -> None:
    url = make_db(decisions=[decision_dict(r) for r in ROWS])
    config = make_config(deadlines=CATALOGUE_TEXT)
    _same_on_both_paths(url, config, Period.year(year), tmp_path)


def test_mixed_storage_classes(
    make_db: Callable[..., str], config_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # 20250304 in a DATE column is stored as an integer, 20250304.5 as a real, 7 in unit_code
    # as an integer: the Arrow reader must read them as sqlite3 returns them, or fall back.
    url = make_db(decisions=_good(GOOD_ROWS, start=100) + _bad(start=10_000))
    caplog.set_level(logging.WARNING)
    decisions = _same_on_both_paths(url, config_dir, Period.year(2025), tmp_path)
    # Of the six bad rows, 20250304, 20250304.5 and '' are unreadable, 0001-01-01 is a
    # placeholder outside the plausible dates (docs/contract.md §1.1): all four invalid_date.
    # None is open and 2025-03-04 is measured. Of the good rows 100..1599, the 300
    # multiples of 5 are open; of the other 1,200 the 108 multiples of 11 (136 multiples of 11
    # in 100..1599 less the 28 of 55) are out of the period (2024-12-30), so 1,092 are measured.
    assert decisions["excluded"]["invalid_date"] == 4
    assert decisions["rows"] == {"measured": 1093, "excluded": 4, "open": 301, "out_of_period": 108}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    demo.build_demo_database(path, years=(2024, 2025), decisions_per_year=3000, complaints_per_year=400)
    return path


def test_demo_with_its_bad_rows(demo_db: Path, config_dir: Path, tmp_path: Path) -> None:
    decisions = _same_on_both_paths(f"sqlite:///{demo_db}", config_dir, Period.year(2025), tmp_path)
    assert decisions["excluded"]["invalid_date"] > 0 and decisions["total"]["decisions"] > 1000


def test_demo_on_postgres(demo_db: Path, config_dir: Path, postgres_db: str, tmp_path: Path) -> None:
    readable = tmp_path / "readable.sqlite"
    _readable_copy(demo_db, readable)
    copy_database(f"sqlite:///{readable}", postgres_db)
    decisions = _same_on_both_paths(postgres_db, config_dir, Period.year(2025), tmp_path)
    assert decisions["total"]["decisions"] > 1000


def test_the_arrow_path_really_reads(tmp_path: Path) -> None:
    """Sensitivity: the comparisons above compare two different readers only if ADBC is there
    and reads a SQLite file; a missing driver would make both paths SQLAlchemy's."""
    import sqlite3

    from sagstid.source.arrow import read_frame

    path = tmp_path / "one.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x INTEGER, d TEXT)")
        connection.execute("INSERT INTO t VALUES (1, '2025-01-02')")
    frame = read_frame(f"sqlite:///{path}", "SELECT x, d FROM t WHERE x = :x", {"x": 1})
    assert frame is not None
    assert frame.to_dict("records") == [{"x": 1, "d": "2025-01-02"}]
