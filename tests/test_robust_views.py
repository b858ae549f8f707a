"""Source tables given as views pass the schema check and are measured as tables are
(docs/contract.md §1.1): on SQLite, and on a real PostgreSQL server (tests/servers.py).

The case system's own tables have other names and columns (``sag_afgoerelse`` with Danish
column names); the DBA maps them onto the contract's names with views, as docs/database.md
says. The same rows as plain tables give the same results.json sections.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from robust_run import assert_no_traceback, run_cli
from servers import copy_database

# KH-ANS from 2024-07-01 is 3 weeks (config/deadlines.yaml): received Thu 2024-08-01 -> D = 2024-08-22.
DECISIONS = [
    (1, "S-1", "x", "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None),  # within
    (
        2,
        "S-2",
        "x",
        "JC-SYD",
        "KH-ANS",
        "2024-08-01",
        "2024-08-23",
        "2024-08-23",
        "2024-08-15",
    ),  # over, notified
    (3, "S-3", "x", "JC-SYD", "KH-ANS", "2024-08-01", None, None, None),  # open
    (4, "S-4", "x", "NOPE", "KH-ANS", "2024-08-01", "2024-08-20", None, None),  # unknown_unit
]
COMPLAINTS = [
    {
        "complaint_id": 1,
        "case_id": "S-2",
        "unit_code": "JC-SYD",
        "complaint_kind": "decision",
        "via_ombudsman": 0,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": "2024-09-02",
        "answered_date": "2024-09-10",
        "outcome": "upheld",
    }
]
# The case system's own tables: other names, other column names; the views map them.
VIEWS = {
    "units": "SELECT enhed AS unit_code, navn AS unit_name, type AS unit_type FROM sag_enhed",
    "decisions": (
        "SELECT id AS decision_id, sag AS case_id, cpr AS citizen_ref, enhed AS unit_code, "
        "omraade AS case_area_code, modtaget AS received_date, afgjort AS decided_date, "
        "sendt AS sent_date, varslet AS delay_notice_date FROM sag_afgoerelse"
    ),
}
RENAMES = {
    "units": ("sag_enhed", {"unit_code": "enhed", "unit_name": "navn", "unit_type": "type"}),
    "decisions": (
        "sag_afgoerelse",
        {
            "decision_id": "id",
            "case_id": "sag",
            "citizen_ref": "cpr",
            "unit_code": "enhed",
            "case_area_code": "omraade",
            "received_date": "modtaget",
            "decided_date": "afgjort",
            "sent_date": "sendt",
            "delay_notice_date": "varslet",
        },
    ),
}


def _as_views(connection: Any, execute: Callable[[str], object]) -> None:
    """Rename units and decisions (and their columns) to the case system's names and put the
    contract's names back as views; complaints and audit_samples become plain views too."""
    for table, (new_name, columns) in RENAMES.items():
        execute(f"ALTER TABLE {table} RENAME TO {new_name}")
        for old, new in columns.items():
            execute(f"ALTER TABLE {new_name} RENAME COLUMN {old} TO {new}")
        execute(f"CREATE VIEW {table} AS {VIEWS[table]}")
    for table in ("complaints", "audit_samples"):
        execute(f"ALTER TABLE {table} RENAME TO src_{table}")
        execute(f"CREATE VIEW {table} AS SELECT * FROM src_{table}")


def _sections(results: dict[str, Any]) -> dict[str, Any]:
    return {key: results[key] for key in ("decisions", "complaints", "open_cases", "audit")}


def test_views_on_sqlite(make_db: Callable[..., str], tmp_path: Path) -> None:
    tables_url = make_db(decisions=DECISIONS, complaints=COMPLAINTS, name="tables.sqlite")
    views_url = make_db(decisions=DECISIONS, complaints=COMPLAINTS, name="views.sqlite")
    connection = sqlite3.connect(views_url.removeprefix("sqlite:///"))
    _as_views(connection, connection.execute)
    connection.commit()
    kinds = dict(
        connection.execute("SELECT name, type FROM sqlite_master WHERE name IN ('units', 'decisions')")
    )
    connection.close()
    assert kinds == {"units": "view", "decisions": "view"}

    plain = run_cli(tables_url, tmp_path / "tables", "2024-01-01", "2024-12-31")
    viewed = run_cli(views_url, tmp_path / "views", "2024-01-01", "2024-12-31")
    assert plain.exit_code == 0 and viewed.exit_code == 0, viewed.stderr
    assert_no_traceback(viewed)
    results = viewed.results
    # measured 1, 2 (2024); open 3; excluded 4 (unknown_unit): 4 rows
    assert results["decisions"]["rows"] == {"measured": 2, "excluded": 1, "open": 1, "out_of_period": 0}
    assert results["decisions"]["excluded"]["unknown_unit"] == 1
    assert results["complaints"]["rows"]["measured"] == 1
    assert _sections(results) == _sections(plain.results)


def test_a_view_lacking_a_column_is_named(make_db: Callable[..., str], tmp_path: Path) -> None:
    url = make_db(decisions=DECISIONS)
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    connection.execute("ALTER TABLE decisions RENAME TO src")
    connection.execute(
        "CREATE VIEW decisions AS SELECT decision_id, case_id, citizen_ref, unit_code, "
        "case_area_code, received_date, decided_date, delay_notice_date FROM src"
    )
    connection.commit()
    connection.close()
    outcome = run_cli(url, tmp_path / "out", "2024-01-01", "2024-12-31")
    assert outcome.exit_code == 2
    assert_no_traceback(outcome)
    assert outcome.error_lines() == ["sagstid: error: the source database lacks required decisions.sent_date"]
    assert not (tmp_path / "out" / "results.json").exists()


def test_views_on_postgres(postgres_db: str, make_db: Callable[..., str], tmp_path: Path) -> None:
    source = make_db(decisions=DECISIONS, complaints=COMPLAINTS)
    copy_database(source, postgres_db)
    engine = sa.create_engine(postgres_db)
    try:
        with engine.begin() as connection:
            _as_views(connection, connection.exec_driver_sql)
            # and one materialized view
            connection.exec_driver_sql("DROP VIEW audit_samples")
            connection.exec_driver_sql(
                "CREATE MATERIALIZED VIEW audit_samples AS SELECT * FROM src_audit_samples"
            )
        inspector = sa.inspect(engine)
        views, tables = set(inspector.get_view_names()), set(inspector.get_table_names())
        materialized = set(inspector.get_materialized_view_names())
    finally:
        engine.dispose()
    assert {"units", "decisions", "complaints"} <= views and materialized == {"audit_samples"}
    assert not {"units", "decisions", "complaints", "audit_samples"} & tables

    plain = run_cli(source, tmp_path / "sqlite", "2024-01-01", "2024-12-31")
    viewed = run_cli(postgres_db, tmp_path / "postgres", "2024-01-01", "2024-12-31")
    assert viewed.exit_code == 0, viewed.stderr
    assert_no_traceback(viewed)
    assert viewed.results["decisions"]["rows"] == {
        "measured": 2,
        "excluded": 1,
        "open": 1,
        "out_of_period": 0,
    }
    assert _sections(viewed.results) == _sections(plain.results)
