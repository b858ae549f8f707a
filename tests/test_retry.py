"""A database connection that really drops mid-extract is retried, then fails with one line.

Against the real PostgreSQL server of tests/servers.py: a SQLAlchemy ``before_cursor_execute``
hook ends the extracting session with ``pg_terminate_backend`` from a second connection just
before the period's decisions query is sent, so the query meets a connection the server has
closed. The figures of the run that recovered are the hand-worked ones of tests/test_measure.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from servers import copy_database
from test_measure import CALENDAR, DEADLINES, DECISIONS, TOTAL, row

from sagstid.cli import cli
from sagstid.errors import DatabaseError
from sagstid.source import db
from sagstid.source.db import reading_through

FAST = db.RetryPolicy(attempts=3, first_wait=0.05, max_wait=0.2)
PASSWORD = "hemmeligt-kodeord"  # trust authentication ignores it; it must never be printed


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "RETRY", FAST)


class Killer:
    """Terminates the session that is about to run the period's decisions query."""

    def __init__(self, admin_url: str, kills: int) -> None:
        url = sa.engine.make_url(admin_url)
        self.connect_args = {
            "host": url.host,
            "port": url.port,
            "user": url.username,
            "dbname": url.database,
            "autocommit": True,
        }
        self.kills_left = kills
        self.killed: list[int] = []
        self.attempts: list[str] = []  # the period start of each decisions_in_period query

    def __call__(self, conn: sa.Connection, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if conn.dialect.name != "postgresql" or "decided_date >=" not in statement:
            return
        if "COUNT(" in statement or "MIN(" in statement:
            return  # the history's count and its first day (source/history.py): no rows read
        self.attempts.append(parameters["date_from"])
        if self.kills_left == 0:
            return
        self.kills_left -= 1
        pid = conn.connection.driver_connection.info.backend_pid
        with psycopg.connect(**self.connect_args) as admin:
            # waits (up to 10 s) until the backend has really gone
            ended = admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,)).fetchone()
        assert ended == (True,)
        self.killed.append(pid)


@pytest.fixture
def killer(postgres_db: str) -> Iterator[Callable[[int], Killer]]:
    made: list[Killer] = []

    def make(kills: int) -> Killer:
        made.append(Killer(postgres_db, kills))
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", made[-1])
        return made[-1]

    yield make
    for hook in made:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", hook)


@pytest.fixture
def source(postgres_db: str, make_db: Callable[..., str]) -> str:
    """test_measure.py's hand-worked rows in PostgreSQL; the URL carries a password."""
    copy_database(make_db(decisions=[row(*r) for r in DECISIONS]), postgres_db)
    return postgres_db.replace("//sagstid@", f"//sagstid:{PASSWORD}@")


def _run(db: str, config: Path, out: Path) -> Any:
    # The retries are those of the SQLAlchemy path; the Arrow path (ADBC) falls back to it on
    # any failure (sagstid/source/db.py read_query), so the connections killed here are its.
    with reading_through("sqlalchemy"):
        return _invoke(db, config, out)


def _invoke(db: str, config: Path, out: Path) -> Any:
    return CliRunner().invoke(
        cli,
        [
            "run",
            "--db",
            db,
            "--config",
            str(config),
            "--from",
            "2025-04-01",
            "--to",
            "2025-06-30",
            "--out",
            str(out),
            "--workers",
            "1",
        ],
    )


def test_dropped_connection_is_retried_and_run_completes(
    source: str,
    killer: Callable[[int], Killer],
    make_config: Callable[..., Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = make_config(deadlines=DEADLINES, calendar=CALENDAR)
    kill = killer(1)
    with caplog.at_level(logging.WARNING, logger="sagstid.source.db"):
        result = _run(source, folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    # The one read of both quarters (from the comparison quarter's start) was killed on its
    # first attempt; the second, on a new connection, ran; the later reads (the flow figures'
    # decisions and main's other periods) ran undisturbed, once each.
    assert len(kill.killed) == 1
    assert kill.attempts[:2] == ["2025-01-01", "2025-01-01"]
    assert "2023-07-01" in kill.attempts[2:]  # the flow figures' 24 months ending June 2025
    retries = [r.getMessage() for r in caplog.records if r.name == "sagstid.source.db"]
    assert len(retries) == 1 and "decisions_in_period.sql" in retries[0]
    assert "attempt 1 of 3" in retries[0]
    # The figures are the hand-worked ones (test_measure.py: 10 measured, 6 within, 60 % ...).
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    total = results["decisions"]["total"]
    for name, value in TOTAL.items():
        assert total[name] == (None if value is None else pytest.approx(value)), name
    assert results["decisions"]["rows"] == {"measured": 10, "excluded": 1, "open": 1, "out_of_period": 1}


def test_connection_dropped_on_every_attempt_fails_with_one_line(
    source: str,
    killer: Callable[[int], Killer],
    make_config: Callable[..., Path],
    tmp_path: Path,
) -> None:
    folder = make_config(deadlines=DEADLINES, calendar=CALENDAR)
    kill = killer(99)
    result = _run(source, folder, tmp_path / "out")
    assert result.exit_code == 2, result.output  # DatabaseError is an InputError: exit 2
    assert len(kill.killed) == FAST.attempts == 3
    assert kill.attempts == ["2025-01-01"] * 3  # the run stopped at the one read of decisions
    errors = [line for line in result.stderr.splitlines() if line.startswith("sagstid:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("sagstid: error: ")
    assert (
        "decisions_in_period.sql: the database connection was lost and could not be "
        "restored (3 attempts): " in errors[0]
    )
    assert result.stderr.rstrip("\n").splitlines()[-1] == errors[0]
    assert PASSWORD not in result.output and PASSWORD not in result.stderr
    out = tmp_path / "out"  # the run may have made the folder, but wrote nothing into it
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def test_sql_error_is_not_retried(postgres_db: str) -> None:
    engine = db.connect(postgres_db)
    calls = []

    def work(connection: sa.Connection) -> object:
        calls.append(1)
        return connection.exec_driver_sql("SELECT no_such_column FROM pg_class").all()

    try:
        with pytest.raises(DatabaseError) as caught:
            db.with_retry(engine, work, "probe")
    finally:
        engine.dispose()
    assert len(calls) == 1
    assert str(caught.value).startswith("probe: the database refused the query: ")
    assert "no_such_column" in str(caught.value)


def test_refused_connection_is_retried_then_one_line(postgres_server: Any) -> None:
    """Nothing listens on a fresh free port: the connection is refused on every attempt."""
    from servers import free_port

    engine = db.connect(f"postgresql+psycopg://sagstid:{PASSWORD}@127.0.0.1:{free_port()}/x")
    calls = []

    def work(connection: sa.Connection) -> None:
        calls.append(1)  # never reached

    try:
        with pytest.raises(DatabaseError) as caught:
            db.with_retry(engine, work, "probe")
    finally:
        engine.dispose()
    message = str(caught.value)
    assert calls == []
    assert message.startswith("probe: cannot connect to the database (3 attempts): ")
    assert "Connection refused" in message and "\n" not in message and PASSWORD not in message


def test_server_refusing_the_login_is_retried_then_one_line(postgres_server: Any) -> None:
    """psycopg gives no SQLSTATE when a connection cannot be opened (the server's FATAL text may
    even be in the server's language), so a failed connect is retried like a refused one: a
    misspelt database costs the back-off (15 s by default) and then says what is wrong."""
    engine = db.connect(postgres_server.url("no_such_database"))
    try:
        with pytest.raises(DatabaseError) as caught:
            db.with_retry(engine, lambda c: None, "probe")
    finally:
        engine.dispose()
    message = str(caught.value)
    assert message.startswith("probe: cannot connect to the database (3 attempts): ")
    assert 'database "no_such_database" does not exist' in message


def test_local_sqlite_file_that_cannot_be_opened_is_not_retried(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Waiting does not help a local file: one attempt, no retry warnings."""
    # Built past db.connect, which refuses a SQLite file that does not exist before any connect.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}")
    try:
        with (
            caplog.at_level(logging.WARNING, logger="sagstid.source.db"),
            pytest.raises(DatabaseError) as caught,
        ):
            db.with_retry(engine, lambda c: None, "probe")
    finally:
        engine.dispose()
    assert str(caught.value) == (
        "probe: cannot connect to the database: (sqlite3.OperationalError) unable to open database file"
    )
    assert [r for r in caplog.records if r.name == "sagstid.source.db"] == []
