"""Placeholder and impossible dates never stop a run (docs/contract.md §1.1, docs/operations.md).

A real SQLite database with hand-chosen rows, measured for 2024 through the CLI. The plausible
window (measurement.yaml ``plausible_dates``, defaults) is 1990-01-01 to 2029-12-31 (five years
after the period's end). Catalogue: area A, 10 calendar days; complaints 4 weeks.

Decisions (received, decided, sent, notice); D = received + 10 days:
  1  2024-03-01  2024-03-05  2024-03-05  -           measured, within (D 03-11); gap 0
  2  0001-01-01  2024-03-05  -           -           invalid_date (received before 1990)
  3  2024-03-01  9999-12-31  -           -           invalid_date (decided after 2029); read by
                                                     the outside-period query, counted in every period
  4  2024-03-01  2024-03-20  0001-01-01  0001-01-01  measured, exceeded; sent and notice are
                                                     placeholders read as empty: not sent, not notified
  5  2024-03-01  2024-03-20  -           2024-03-08  measured, exceeded, notified in time
  6  1989-12-31  2024-03-05  -           -           invalid_date (the day before the window)
  7  1990-01-01  2024-03-05  -           -           measured (the window's first day), exceeded
  8  2024-03-01  2024-03-05  2030-01-01  -           measured, within; sent a day after the window:
                                                     read as not sent
  9  2024-03-01  2024-03-05  2029-12-31  -           measured, within; sent the window's last day
 10  0001-01-01  -           -           -           open (not decided)
 11  2024-12-01  -           -           0001-01-01  open (not decided)
 rows: measured 1, 4, 5, 7, 8, 9 = 6; excluded 2, 3, 6 = 3 (invalid_date); open 10, 11 = 2;
 total 11.
 within 1, 8, 9 = 3 of 6 = 50 %; exceeded 4, 5, 7 = 3, notified 5 = 1.
 placeholders: sent_date 4, 8 = 2; delay_notice_date 4 = 1.
 held gaps: 0: row 1; >20: row 9 (sent years later); not_sent: 4, 5, 7, 8 = 4.

Complaints (all kind decision, unit JC-NORD; received, answered):
  C1 2024-03-01 2024-03-10                          measured, on time (D 03-29)
  C2 0001-01-01 2024-03-10                          invalid_date
  C3 2024-03-01 9999-12-31                          invalid_date (answered is a placeholder)
  C4 2024-03-01 2024-05-01, deadline_date, delay_notice_date, forwarded_date 0001-01-01 and
     appeal_decided_date 9999-12-31: measured, late: its own deadline and its notice are read as
     empty, so D falls back to 4 weeks (03-29) and no notice counts
  C5 2024-03-01 -, deadline_date 9999-12-31         open; in the open snapshot (as of 12-31) open
                                                    with the 4-week deadline: overdue
 rows: measured 2, excluded 2 (invalid_date), open 1: 5. On time 1 of 2. Placeholders:
 deadline_date C4, C5 = 2; delay_notice_date, forwarded_date, appeal_decided_date C4 = 1 each.
 Open complaints read (answered NULL or after 12-31): C3 (invalid_date), C5 (open); deadline
 placeholder 1 (C5).
Open decisions read (decided NULL or after 12-31): 3 (decided 9999: invalid_date), 10
(received 0001: invalid_date) and 11: open, D 12-11 < 12-31 so overdue; its notice is a
placeholder read as empty, so the notice is missing (1 placeholder delay_notice_date).

Audit samples (REVA, all findings 1): 2024-05-01 measured; 0001-01-01 and 9999-12-31 invalid_date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from robust_run import Outcome, assert_no_traceback, run_cli
from servers import copy_database

from sagstid.config import load_config
from sagstid.errors import ConfigError
from sagstid.rules import workdays

DEADLINES = (
    "deadlines:\n  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 1980-01-01}\n"
)


def d(
    i: int, received: str | None, decided: str | None, sent: str | None = None, notice: str | None = None
) -> tuple:
    return (i, f"S-{i}", "x", "JC-NORD", "A", received, decided, sent, notice)


DECISIONS = [
    d(1, "2024-03-01", "2024-03-05", "2024-03-05"),
    d(2, "0001-01-01", "2024-03-05"),
    d(3, "2024-03-01", "9999-12-31"),
    d(4, "2024-03-01", "2024-03-20", "0001-01-01", "0001-01-01"),
    d(5, "2024-03-01", "2024-03-20", None, "2024-03-08"),
    d(6, "1989-12-31", "2024-03-05"),
    d(7, "1990-01-01", "2024-03-05"),
    d(8, "2024-03-01", "2024-03-05", "2030-01-01"),
    d(9, "2024-03-01", "2024-03-05", "2029-12-31"),
    d(10, "0001-01-01", None),
    d(11, "2024-12-01", None, None, "0001-01-01"),
]


def c(i: int, received: str, answered: str | None, **other: Any) -> dict[str, Any]:
    return {
        "complaint_id": i,
        "case_id": f"S-{i}",
        "unit_code": "JC-NORD",
        "complaint_kind": "decision",
        "via_ombudsman": 0,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": received,
        "answered_date": answered,
        "outcome": "upheld" if answered else None,
        **other,
    }


COMPLAINTS = [
    c(1, "2024-03-01", "2024-03-10"),
    c(2, "0001-01-01", "2024-03-10"),
    c(3, "2024-03-01", "9999-12-31"),
    c(
        4,
        "2024-03-01",
        "2024-05-01",
        deadline_date="0001-01-01",
        delay_notice_date="0001-01-01",
        forwarded_date="0001-01-01",
        appeal_decided_date="9999-12-31",
        appeal_outcome="confirmed",
    ),
    c(5, "2024-03-01", None, deadline_date="9999-12-31"),
]
AUDIT = [
    (1, "A-1", "JC-NORD", "REVA", "2024-05-01", 1, 1, 1),
    (2, "A-2", "JC-NORD", "REVA", "0001-01-01", 1, 1, 1),
    (3, "A-3", "JC-NORD", "REVA", "9999-12-31", 1, 1, 1),
]


def _run(url: str, config: Path, tmp_path: Path, name: str = "out") -> Outcome:
    outcome = run_cli(url, tmp_path / name, "2024-01-01", "2024-12-31", config)
    assert outcome.exit_code == 0, outcome.stderr
    assert_no_traceback(outcome)
    return outcome


@pytest.fixture
def db(make_db: Callable[..., str]) -> str:
    return make_db(decisions=DECISIONS, complaints=COMPLAINTS, audit_samples=AUDIT)


def test_decisions_with_placeholder_dates(
    db: str, make_config: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    years: list[int] = []
    build = workdays.WorkCalendar.__init__

    def recording(self: workdays.WorkCalendar, calendar: Any, wanted: Any) -> None:
        wanted = list(wanted)
        years.extend(wanted)
        build(self, calendar, wanted)

    monkeypatch.setattr(workdays.WorkCalendar, "__init__", recording)
    asked: list[tuple[int, int, int, int]] = []  # (first year, last year) asked, calendar's range

    def watch(name: str) -> None:
        method = getattr(workdays.WorkCalendar, name)

        def wrapped(self: workdays.WorkCalendar, *days: Any) -> Any:
            for value in days:
                array = np.asarray(value)
                if array.dtype.kind == "M" and (~np.isnat(array)).any():
                    known = array[~np.isnat(array)].astype("datetime64[Y]").astype(int) + 1970
                    asked.append((int(known.min()), int(known.max()), self.years[0], self.years[-1]))
            return method(self, *days)

        monkeypatch.setattr(workdays.WorkCalendar, name, wrapped)

    for name in ("is_working_day", "add_working_days", "roll_forward", "working_days_after"):
        watch(name)
    results = _run(db, make_config(DEADLINES), tmp_path).results
    # every day any calendar was asked about lies in that calendar's years
    assert asked and all(low <= first and last <= high for first, last, low, high in asked), asked
    section = results["decisions"]
    assert section["rows"] == {"measured": 6, "excluded": 3, "open": 2, "out_of_period": 0}
    assert sum(section["rows"].values()) == len(DECISIONS)
    assert section["excluded"]["invalid_date"] == 3
    total = section["total"]
    assert (total["decisions"], total["within_deadline"]) == (6, 3)
    assert total["compliance_pct"] == 50.0
    assert (total["exceeded"], total["exceeded_notified"]) == (3, 1)
    assert section["placeholder_dates"] == {"sent_date": 2, "delay_notice_date": 1}
    (unit,) = results["held_decisions"]["by_unit"]
    gaps = {k: v for k, v in unit["gap_working_days"].items() if v}
    assert gaps == {"0": 1, ">20": 1, "not_sent": 4}
    # The calendar is built only for years a date in the window can reach: from the year
    # before the earliest received date (1990) to a few years past the window's end (2029).
    assert min(years) == 1989 and max(years) <= 2029 + 2


def test_complaints_audit_and_open_cases_with_placeholder_dates(
    db: str, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    results = _run(db, make_config(DEADLINES), tmp_path).results
    complaints = results["complaints"]
    assert complaints["rows"] == {"measured": 2, "excluded": 2, "open": 1, "out_of_period": 0}
    assert complaints["excluded"]["invalid_date"] == 2
    assert (complaints["total"]["complaints"], complaints["total"]["on_time"]) == (2, 1)
    assert complaints["placeholder_dates"] == {
        "deadline_date": 2,
        "delay_notice_date": 1,
        "forwarded_date": 1,
        "appeal_decided_date": 1,
    }
    # C4's appeal date is a placeholder: no appeal decided in the period
    assert sum(complaints["appeals"].values()) == 0

    audit = results["audit"]
    assert audit["rows"] == {"measured": 1, "excluded": 2, "out_of_period": 0}
    assert audit["excluded"]["invalid_date"] == 2

    open_decisions = results["open_cases"]["decisions"]
    assert open_decisions["rows"] == {"open": 1, "excluded": 2, "not_received": 0, "closed": 0}
    assert open_decisions["excluded"]["invalid_date"] == 2
    assert open_decisions["placeholder_dates"] == {"delay_notice_date": 1}
    assert (open_decisions["total"]["overdue"], open_decisions["total"]["notice_missing"]) == (1, 1)
    open_complaints = results["open_cases"]["complaints"]
    assert open_complaints["rows"] == {"open": 1, "excluded": 1, "not_received": 0, "closed": 0}
    assert open_complaints["placeholder_dates"] == {"deadline_date": 1, "delay_notice_date": 0}
    assert open_complaints["total"]["overdue"] == 1


def test_the_window_is_configurable(db: str, make_config: Callable[..., Path], tmp_path: Path) -> None:
    """earliest 2000-01-01 makes row 7 (received 1990-01-01) invalid_date; years_after_period 0
    makes every date after 2024-12-31 a placeholder: row 9's sent date (2029-12-31) too."""
    config = make_config(DEADLINES)
    (config / "measurement.yaml").write_text(
        "plausible_dates:\n  earliest: 2000-01-01\n  years_after_period: 0\n", encoding="utf-8"
    )
    section = _run(db, config, tmp_path).results["decisions"]
    assert section["rows"] == {"measured": 5, "excluded": 4, "open": 2, "out_of_period": 0}
    assert section["placeholder_dates"] == {"sent_date": 3, "delay_notice_date": 1}


def test_the_same_dates_as_real_date_values_on_postgres(
    db: str, postgres_db: str, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """PostgreSQL DATE columns hand the driver's date objects (0001-01-01, 9999-12-31) to pandas
    instead of text: the same figures."""
    copy_database(db, postgres_db)
    config = make_config(DEADLINES)
    sqlite = _run(db, config, tmp_path, "sqlite").results
    postgres = _run(postgres_db, config, tmp_path, "postgres").results
    for key in ("decisions", "complaints", "audit", "open_cases", "held_decisions"):
        assert postgres[key] == sqlite[key], key


def test_plausible_dates_settings_are_checked(make_config: Callable[..., Path]) -> None:
    config = make_config(DEADLINES)
    (config / "measurement.yaml").write_text("plausible_dates:\n  earliest: 0001-01-01\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="earliest: must be 1800-01-01 or later"):
        load_config(config)
    (config / "measurement.yaml").write_text(
        "plausible_dates:\n  years_after_period: 1000\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="years_after_period: Input should be less than or equal to 100"):
        load_config(config)
    (config / "measurement.yaml").write_text("plausible_dates:\n  years_after_period: 2\n", encoding="utf-8")
    window = load_config(config).measurement.plausible_dates.window(dt.date(2024, 2, 29))
    assert window == (dt.date(1990, 1, 1), dt.date(2026, 2, 28))


def test_infinite_and_far_dates_on_postgres(
    db: str, postgres_db: str, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """PostgreSQL dates no Python date can hold: 'infinity', '-infinity' and 10000-01-01. The
    driver cannot hand them over as dates; they are read as placeholders like 9999-12-31 and
    0001-01-01 (the same figures as the SQLite run, where those stand)."""
    import sqlalchemy as sa

    copy_database(db, postgres_db)
    engine = sa.create_engine(postgres_db)
    try:
        with engine.begin() as connection:
            run = connection.exec_driver_sql
            run("UPDATE decisions SET decided_date = 'infinity' WHERE decision_id = 3")
            run("UPDATE decisions SET sent_date = '-infinity' WHERE decision_id = 4")
            run("UPDATE decisions SET sent_date = '10000-01-01' WHERE decision_id = 8")
            run("UPDATE complaints SET answered_date = 'infinity' WHERE complaint_id = 3")
            run("UPDATE audit_samples SET audit_date = '-infinity' WHERE sample_id = 2")
    finally:
        engine.dispose()
    config = make_config(DEADLINES)
    sqlite = _run(db, config, tmp_path, "sqlite").results
    postgres = _run(postgres_db, config, tmp_path, "postgres").results
    for key in ("decisions", "complaints", "audit", "open_cases", "held_decisions"):
        assert postgres[key] == sqlite[key], key


@pytest.mark.parametrize("binary", [False, True])
def test_postgres_dates_beyond_python_in_text_and_binary_results(postgres_db: str, binary: bool) -> None:
    """The lenient loaders in both of psycopg's result formats (SQLAlchemy uses text)."""
    from sagstid.source.db import connect

    engine = connect(postgres_db)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor(binary=binary)  # type: ignore[union-attr]
            cursor.execute(
                "SELECT 'infinity'::date, '-infinity'::date, '10000-01-01'::date, '0044-03-15 BC'::date,"
                " '2024-03-01'::date, 'infinity'::timestamp, '-infinity'::timestamptz"
            )
            row = cursor.fetchone()
        finally:
            raw.close()
    finally:
        engine.dispose()
    assert row is not None
    assert row[:5] == (dt.date.max, dt.date.min, dt.date.max, dt.date.min, dt.date(2024, 3, 1))
    assert row[5] == dt.datetime.max
    assert row[6] == dt.datetime.min.replace(tzinfo=dt.UTC)


def test_timestamp_columns_on_postgres(
    db: str, postgres_db: str, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """A view may hand over timestamps, with or without a time zone, instead of dates: each is
    read as its day on its own clock, placeholders included (the same figures as SQLite)."""
    import sqlalchemy as sa

    copy_database(db, postgres_db)
    engine = sa.create_engine(postgres_db)
    try:
        with engine.begin() as connection:
            run = connection.exec_driver_sql
            run("ALTER TABLE decisions ALTER COLUMN received_date TYPE timestamp")
            run("ALTER TABLE decisions ALTER COLUMN decided_date TYPE timestamptz")
            run("ALTER TABLE decisions ALTER COLUMN sent_date TYPE timestamptz")
            run("ALTER TABLE complaints ALTER COLUMN answered_date TYPE timestamptz")
            run("ALTER TABLE audit_samples ALTER COLUMN audit_date TYPE timestamp")
    finally:
        engine.dispose()
    config = make_config(DEADLINES)
    sqlite = _run(db, config, tmp_path, "sqlite").results
    postgres = _run(postgres_db, config, tmp_path, "postgres").results
    for key in ("decisions", "complaints", "audit", "open_cases", "held_decisions"):
        assert postgres[key] == sqlite[key], key
