"""The same extract-and-measure runs against a real PostgreSQL server give the SQLite figures.

The server is Debian's PostgreSQL, installed if absent and started on 127.0.0.1 by
tests/servers.py (a test that cannot get it fails, it never skips). The source rows are built
in SQLite exactly as the SQLite tests build them (conftest make_db, the demo generator) and
copied into PostgreSQL tables created through SQLAlchemy with real DATE and INTEGER columns.
A DATE column cannot hold an unreadable text such as ``31/02/2024``, so the ``invalid_date``
rule is the one rule these runs cannot exercise; every other exclusion is present.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pandas.testing import assert_frame_equal
from servers import copy_database
from test_measure import (
    BY_AREA,
    BY_UNIT,
    CALENDAR,
    DEADLINES,
    DECISIONS,
    PERIOD,
    TOTAL,
    row,
)

from sagstid.cli import cli
from sagstid.dev import demo
from sagstid.periods import Period
from sagstid.pipeline import build_context
from sagstid.schema import REQUIRED_COLUMNS, SQLITE_DDL

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _close(actual: Any, expected: Any, where: str) -> None:
    if expected is None:
        assert actual is None or actual != actual, (where, actual)
    else:
        assert actual == pytest.approx(expected, rel=1e-12, abs=1e-12), (where, actual, expected)


def _by_key(frame: pd.DataFrame, key: str) -> dict[str, pd.Series]:
    return {str(r[key]): r for _, r in frame.iterrows()}


def _cases(measurement: Any) -> pd.DataFrame:
    """The measured decisions, in a fixed order, with plain (not categorical) codes."""
    cases = measurement.cases.sort_values("decision_id").reset_index(drop=True)
    for column in cases.columns:
        if isinstance(cases[column].dtype, pd.CategoricalDtype):
            cases[column] = cases[column].astype(object)
    return cases


def test_tables_have_real_date_columns(postgres_db: str, make_db: Callable[..., str]) -> None:
    copied = copy_database(make_db(decisions=[row(*r) for r in DECISIONS]), postgres_db)
    assert copied["decisions"] == len(DECISIONS) == 13 and copied["units"] == 3
    engine = sa.create_engine(postgres_db)
    try:
        columns = {c["name"]: c["type"] for c in sa.inspect(engine).get_columns("decisions")}
        with engine.connect() as connection:
            kind = connection.exec_driver_sql(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'decisions' AND column_name = 'decided_date'"
            ).scalar()
    finally:
        engine.dispose()
    assert kind == "date"
    assert isinstance(columns["received_date"], sa.Date)
    assert isinstance(columns["decision_id"], sa.Integer)


def test_hand_worked_decisions_same_on_postgres(
    postgres_db: str,
    make_db: Callable[..., str],
    make_config: Callable[..., Path],
    measure: Callable[..., Any],
) -> None:
    """tests/test_measure.py's hand-worked table (13 rows, working in that file) on both servers."""
    folder = make_config(deadlines=DEADLINES, calendar=CALENDAR)
    sqlite_url = make_db(decisions=[row(*r) for r in DECISIONS])
    copy_database(sqlite_url, postgres_db)

    on_sqlite = measure(sqlite_url, folder, PERIOD)
    on_pg = measure(postgres_db, folder, PERIOD)

    # The hand-worked figures (10 measured, 6 within, 60 %, ... see test_measure.py).
    for name, value in TOTAL.items():
        _close(on_pg.total[name], value, f"total.{name}")
    for key, groups, expected in (
        ("case_area_code", on_pg.by_area, BY_AREA),
        ("unit_code", on_pg.by_unit, BY_UNIT),
    ):
        found = _by_key(groups, key)
        assert sorted(found) == sorted(expected)
        for code, metrics in expected.items():
            for name, value in metrics.items():
                _close(found[code][name], value, f"{code}.{name}")
    # 10 measured, 1 excluded (ZZ: no_deadline), 1 open (13), 1 out of period (11)
    assert on_pg.status_counts() == {"measured": 10, "excluded": 1, "open": 1, "out_of_period": 1}
    assert on_pg.reason_counts()["no_deadline"] == 1

    # And row for row the same as SQLite.
    assert_frame_equal(_cases(on_pg), _cases(on_sqlite), check_dtype=False)
    assert on_pg.status_counts() == on_sqlite.status_counts()
    assert on_pg.reason_counts() == on_sqlite.reason_counts()


# --- the demo database, through the whole command ---------------------------------------


def _readable_copy(source: Path, target: Path) -> int:
    """Copy the demo tables into a new SQLite file, leaving out rows with an unreadable date
    text (which no DATE column can hold); returns how many rows were left out."""
    dates = {
        "received_date",
        "decided_date",
        "sent_date",
        "delay_notice_date",
        "deadline_date",
        "answered_date",
        "forwarded_date",
        "appeal_decided_date",
        "audit_date",
    }
    dropped = 0
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        dst.executescript(SQLITE_DDL)
        for table, columns in REQUIRED_COLUMNS.items():
            names = ", ".join(columns)
            marks = ", ".join("?" for _ in columns)
            rows = src.execute(f"SELECT {names} FROM {table}").fetchall()
            date_at = [i for i, c in enumerate(columns) if c in dates]

            def readable(values: tuple[Any, ...], date_at: list[int] = date_at) -> bool:
                for i in date_at:
                    text = values[i]
                    if text is None:
                        continue
                    if not ISO.fullmatch(text):
                        return False
                    try:
                        dt.date.fromisoformat(text)
                    except ValueError:
                        return False
                return True

            kept = [r for r in rows if readable(r)]
            dropped += len(rows) - len(kept)
            dst.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", kept)
    return dropped


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("pgdemo")
    raw = folder / "raw.sqlite"
    demo.build_demo_database(raw, years=(2024, 2025), decisions_per_year=3000, complaints_per_year=400)
    readable = folder / "readable.sqlite"
    return readable, _readable_copy(raw, readable)


def _run(db: str, config: Path, out: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--db",
            db,
            "--config",
            str(config),
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--out",
            str(out),
            "--workers",
            "1",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_demo_run_same_on_postgres(
    demo_sources: tuple[Path, int],
    postgres_db: str,
    config_dir: Path,
    tmp_path: Path,
) -> None:
    readable, dropped = demo_sources
    assert dropped > 0  # the demo's unreadable dates were there, and are left out of both
    sqlite_url = f"sqlite:///{readable}"
    copied = copy_database(sqlite_url, postgres_db)
    with sqlite3.connect(readable) as con:
        for table, count in copied.items():
            assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == count, table

    on_sqlite = _run(sqlite_url, config_dir, tmp_path / "sqlite")
    on_pg = _run(postgres_db, config_dir, tmp_path / "pg")
    assert on_pg == on_sqlite
    assert sorted(p.name for p in (tmp_path / "pg").iterdir()) == sorted(
        p.name for p in (tmp_path / "sqlite").iterdir()
    )

    # The comparison is not trivial: every exclusion but invalid_date occurs, and every status.
    decisions = on_pg["decisions"]
    assert decisions["total"]["decisions"] > 1000
    assert decisions["excluded"]["invalid_date"] == 0
    for reason in (
        "duplicate_id",
        "missing_received",
        "decided_before_received",
        "unknown_unit",
        "no_deadline",
    ):
        assert decisions["excluded"][reason] > 0, reason
    assert all(count > 0 for count in decisions["rows"].values()), decisions["rows"]
    assert on_pg["complaints"]["total"]["complaints"] > 100


def test_demo_key_tables_same_on_postgres(
    demo_sources: tuple[Path, int],
    postgres_db: str,
    config_dir: Path,
) -> None:
    readable, _ = demo_sources
    sqlite_url = f"sqlite:///{readable}"
    copy_database(sqlite_url, postgres_db)
    period = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    a = build_context(sqlite_url, config_dir, period)
    b = build_context(postgres_db, config_dir, period)
    for name in ("current", "previous"):
        left, right = getattr(a, name), getattr(b, name)
        assert_frame_equal(_cases(right), _cases(left), check_dtype=False, obj=f"{name}.cases")
        for table in ("by_area", "by_unit", "by_unit_area", "by_month", "accounting"):
            assert_frame_equal(
                getattr(right, table).reset_index(drop=True).astype(object),
                getattr(left, table).reset_index(drop=True).astype(object),
                check_dtype=False,
                obj=f"{name}.{table}",
            )
    order = ["complaint_id", "case_id", "received_date", "answered_date"]
    pg_rows = b.complaints.rows.sort_values(order).reset_index(drop=True)
    lite_rows = a.complaints.rows.sort_values(order).reset_index(drop=True)
    columns = ["complaint_id", "case_id", "status", "reason", "deadline_date", "on_time", "days"]
    assert_frame_equal(
        pg_rows[columns].astype(object),
        lite_rows[columns].astype(object),
        check_dtype=False,
        obj="complaints.rows",
    )
    assert b.units["unit_code"].tolist() == a.units["unit_code"].tolist()
