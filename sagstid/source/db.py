"""The database: connection, retry, credential redaction, schema check and running a query.

A connection that drops (the server restarts, a network blip, an administrator ends the
session) is retried with exponential back-off (tenacity); each query is retried as a whole on a
fresh connection, so a retried extract reads every row exactly once. SQL errors are not retried.
After the last attempt the run stops with one line saying which query and what happened.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa
import tenacity
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from sagstid.errors import DatabaseError, SchemaError
from sagstid.schema import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from sagstid.source import urls
from sagstid.source.arrow import ArrowReadError, read_frames
from sagstid.source.pg_dates import lenient_dates
from sagstid.source.queries import Query, load_query

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often a dropped connection is retried: ``attempts`` in all, waiting ``first_wait``
    seconds before the second, doubling each time up to ``max_wait``."""

    attempts: int = 5
    first_wait: float = 1.0
    max_wait: float = 30.0


RETRY = RetryPolicy()  # 1 + 2 + 4 + 8 = 15 s of waiting before a run gives up

# SQLSTATEs of a lost or refused connection: class 08 (connection exception: PostgreSQL, and
# ODBC's 08S01 "communication link failure" and 08001 "cannot connect" from SQL Server),
# PostgreSQL's 57P01-57P03 (administrator/crash shutdown, cannot connect now) and ODBC's HYT00
# (timeout expired).
_TRANSIENT_SQLSTATE_CLASSES = ("08",)
_TRANSIENT_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "HYT00"})


def _sqlstate(error: BaseException | None) -> str | None:
    """The SQLSTATE of a DBAPI error: psycopg's ``sqlstate``, pyodbc's first argument."""
    state = getattr(error, "sqlstate", None)
    if state is None and error is not None and error.args and isinstance(error.args[0], str):
        first = error.args[0]
        state = first if len(first) == 5 and first.isalnum() else None
    return state


def _transient_state(state: str | None) -> bool:
    return state is not None and (
        state.startswith(_TRANSIENT_SQLSTATE_CLASSES) or state in _TRANSIENT_SQLSTATES
    )


class ConnectFailed(Exception):
    """Opening a connection failed; ``retryable`` unless the server gave a reason that will
    not go away by waiting (wrong password, no such database)."""

    def __init__(self, error: DBAPIError, retryable: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.retryable = retryable


def is_transient(exc: BaseException) -> bool:
    """True for a lost connection or one that could not be opened for a passing reason (worth
    retrying); False for anything else, such as an SQL error, which fails the same way again."""
    if isinstance(exc, ConnectFailed):
        return exc.retryable
    if not isinstance(exc, DBAPIError):
        return False
    return bool(exc.connection_invalidated) or _transient_state(_sqlstate(exc.orig))


def _open(engine: Engine) -> sa.Connection:
    """A connection; a failure to open one is raised as ConnectFailed.

    A failure with no SQLSTATE (refused, unreachable: the server is restarting) or a
    connection-class one is retryable, except for SQLite, a local file, where waiting does not
    help. psycopg gives no SQLSTATE for any failed connect, so on PostgreSQL even a wrong
    password is retried before it is reported; pyodbc does (28000, login failed: not retried).
    """
    try:
        return engine.connect()
    except DBAPIError as exc:
        state = _sqlstate(exc.orig)
        network = engine.dialect.name != "sqlite"
        raise ConnectFailed(exc, network and (state is None or _transient_state(state))) from exc


def _log_retry(what: str, policy: RetryPolicy) -> Callable[[tenacity.RetryCallState], None]:
    def before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "%s: database connection lost or refused (attempt %d of %d: %s); retrying in %.1f s",
            what,
            state.attempt_number,
            policy.attempts,
            _first_line(exc) if exc else "?",
            wait,
        )

    return before_sleep


def with_retry(engine: Engine, work: Callable[[sa.Connection], T], what: str) -> T:
    """``work(connection)`` on a new connection; retried with back-off (policy ``RETRY``) on a
    fresh connection while it fails because the connection was lost or could not be opened.

    Fails with DatabaseError, one line starting with ``what``: at once for an SQL error or a
    connection the server refuses for good (a wrong password), else after the last attempt.
    """
    policy = RETRY

    def attempt() -> T:
        with _open(engine) as connection:
            return work(connection)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.attempts),
        wait=tenacity.wait_exponential(multiplier=policy.first_wait, max=policy.max_wait),
        retry=tenacity.retry_if_exception(is_transient),
        before_sleep=_log_retry(what, policy),
        reraise=True,
    )
    try:
        return retrying(attempt)
    except ConnectFailed as exc:
        tries = f" ({policy.attempts} attempts)" if exc.retryable else ""
        raise DatabaseError(
            f"{what}: cannot connect to the database{tries}: {_first_line(exc.error)}"
        ) from None
    except SQLAlchemyError as exc:
        if is_transient(exc):
            raise DatabaseError(
                f"{what}: the database connection was lost and could not be restored "
                f"({policy.attempts} attempts): {_first_line(exc)}"
            ) from None
        raise DatabaseError(f"{what}: the database refused the query: {_first_line(exc)}") from None


def connect(url: str) -> Engine:
    """An engine for ``url``; a malformed URL or missing driver is bad input.

    ``pool_pre_ping`` checks a pooled connection before use, so one the server has dropped
    is replaced instead of failing the next query.
    """
    urls.remember_secrets(url)
    try:
        engine = sa.create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise DatabaseError(
            f"database URL cannot be used: {urls.describe(url)} ({urls.scrub(str(exc), address=True)})"
        ) from None
    urls.check_sqlite_exists(url)
    lenient_dates(engine)  # PostgreSQL 'infinity' and years past 9999 read as placeholders
    return engine


def redact(url: str) -> str:
    """The URL with every credential masked, for messages (sagstid.source.urls)."""
    return urls.redact(url)


def check_schema(engine: Engine, tables: Iterable[str]) -> None:
    """Raise SchemaError naming every required table or column that is missing.

    A source table may be a table, a view (materialized too) or (SQL Server) a synonym in the connection's
    default schema: the DBA usually maps the case system onto the contract's names with views
    (docs/database.md). SQLAlchemy's inspector lists tables and views; synonyms it does not
    see are read from ``sys.synonyms`` and their columns from an empty ``SELECT``."""
    wanted = list(tables)

    def inspect(connection: sa.Connection) -> list[str]:
        inspector = sa.inspect(connection)
        present = {name.lower(): name for name in inspector.get_table_names()}
        present.update({name.lower(): name for name in inspector.get_view_names()})
        with contextlib.suppress(NotImplementedError):  # PostgreSQL and Oracle have them
            present.update({name.lower(): name for name in inspector.get_materialized_view_names()})
        synonyms = {name.lower(): name for name in _synonym_names(connection)}
        missing: list[str] = []
        for table in wanted:
            if table in present:
                columns = {c["name"].lower() for c in inspector.get_columns(present[table])}
            elif table in synonyms:
                columns = _probe_columns(connection, synonyms[table])
            else:
                missing.append(f"table {table}")
                continue
            missing += [f"{table}.{c}" for c in REQUIRED_COLUMNS[table] if c not in columns]
        return missing

    url = urls.describe(engine.url.render_as_string(hide_password=False))
    missing = with_retry(engine, inspect, f"database {url}")
    if missing:
        raise SchemaError(f"the source database lacks required {', '.join(missing)}")


READERS: tuple[str, ...] = ("arrow", "sqlalchemy")
_reader = ["arrow"]


@contextmanager
def reading_through(reader: str) -> Iterator[None]:
    """Within the block, read queries through ``reader``: "arrow" (ADBC where the URL has an
    Arrow path, else SQLAlchemy: the default) or "sqlalchemy" (always ``pd.read_sql``). For
    the tests and the benchmark that compare the two paths."""
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}: one of {', '.join(READERS)}")
    before = _reader[0]
    _reader[0] = reader
    try:
        yield
    finally:
        _reader[0] = before


def _read_arrow(
    engine: Engine, parts: Sequence[tuple[str, dict[str, object]]], what: str
) -> pd.DataFrame | None:
    """The rows of the ``(sql, parameters)`` parts, one after the other, through ADBC
    (sagstid/source/arrow.py), or None where there is no Arrow path or the Arrow reader failed
    (logged: SQLAlchemy then reads the query, reporting a real SQL error or retrying a lost
    connection itself)."""
    if _reader[0] != "arrow":
        return None
    try:
        return read_frames(engine.url.render_as_string(hide_password=False), parts)
    except (ArrowReadError, ValueError, OverflowError) as exc:
        # ValueError/OverflowError: a value no Python object holds (PostgreSQL's 'infinity'
        # date arrives as an Arrow date of year -5877611); psycopg's lenient loaders read it.
        log.warning("%s: the Arrow reader failed (%s); reading through SQLAlchemy", what, _first_line(exc))
        return None


def _synonym_names(connection: sa.Connection) -> list[str]:
    """SQL Server synonyms of the default schema (none on other databases)."""
    if connection.dialect.name != "mssql":
        return []
    query = "SELECT name FROM sys.synonyms WHERE schema_id = SCHEMA_ID()"
    return [str(name) for name in connection.exec_driver_sql(query).scalars()]


def _probe_columns(connection: sa.Connection, name: str) -> set[str]:
    """The column names of ``name`` from a query that returns no rows."""
    quoted = connection.dialect.identifier_preparer.quote(name)
    result = connection.exec_driver_sql(f"SELECT * FROM {quoted} WHERE 1 = 0")
    try:
        return {str(key).lower() for key in result.keys()}  # noqa: SIM118 (a Result, not a dict)
    finally:
        result.close()


def optional_columns(engine: Engine, table: str) -> frozenset[str]:
    """Which of the table's optional columns (schema.OPTIONAL_COLUMNS) the database has."""

    def inspect(connection: sa.Connection) -> frozenset[str]:
        columns = _probe_columns(connection, table)  # works for tables, views and synonyms
        return frozenset(c for c in OPTIONAL_COLUMNS.get(table, ()) if c in columns)

    url = redact(engine.url.render_as_string(hide_password=False))
    return with_retry(engine, inspect, f"database {url}")


def absent_columns(engine: Engine, columns: Iterable[str]) -> frozenset[str]:
    """Which of the ``table.column`` names are not in the database (optional source columns,
    docs/contract.md §1.1)."""
    wanted = sorted({c.lower() for c in columns})

    def inspect(connection: sa.Connection) -> frozenset[str]:
        # an empty SELECT sees the columns of a table, a view and a synonym alike
        present: dict[str, set[str]] = {}
        for name in wanted:
            table = name.split(".", 1)[0]
            if table not in present:
                present[table] = _probe_columns(connection, table)
        return frozenset(n for n in wanted if n.split(".", 1)[1] not in present[n.split(".", 1)[0]])

    return with_retry(engine, inspect, "database columns")


def read_query(engine: Engine, name: str, **parameters: object) -> pd.DataFrame:
    """Run queries/<name>.sql with bound parameters and return its rows: through Arrow (ADBC)
    where the database has a path (SQLite, PostgreSQL), else, or if that fails, through
    SQLAlchemy with retries. Both give the same frame (tests/test_arrow_read.py)."""
    return read_query_in_parts(engine, name, parameters, [(name, parameters)])


def read_query_in_parts(
    engine: Engine, name: str, parameters: dict[str, object], parts: Sequence[tuple[str, dict[str, object]]]
) -> pd.DataFrame:
    """The rows of queries/<name>.sql with ``parameters``, as :func:`read_query` gives them.
    On an Arrow path they are read as ``parts`` side by side: ``(query name, parameters)``
    whose rows, one part after the other, are exactly the whole query's rows in its order
    (the caller's promise: source/extract.py splits a period into parts whose bounds meet).
    Through SQLAlchemy the whole query is read once."""
    query = _checked(name, parameters)
    pieces = [(_checked(part, values).sql, values) for part, values in parts]
    frame = _read_arrow(engine, pieces, str(query.path))
    if frame is not None:
        return frame
    return _read_sqlalchemy(engine, query, parameters)


def read_small(engine: Engine, name: str, **parameters: object) -> pd.DataFrame:
    """The rows of a query that gives a few rows, through SQLAlchemy (an Arrow read's set-up
    would cost more than it saves); raises as :func:`read_query` does after its fallback."""
    return _read_sqlalchemy(engine, _checked(name, parameters), parameters)


def _checked(name: str, parameters: dict[str, object]) -> Query:
    query = load_query(name)
    absent = query.parameters - parameters.keys()
    if absent:
        raise ValueError(f"{query.path}: parameters not given: {', '.join(sorted(absent))}")
    return query


def _read_sqlalchemy(engine: Engine, query: Query, parameters: dict[str, object]) -> pd.DataFrame:
    sql = query.sql
    if query.optional_columns:
        sql = query.without(absent_columns(engine, query.optional_columns))

    def run(connection: sa.Connection) -> pd.DataFrame:
        try:
            return pd.read_sql_query(sa.text(sql), connection, params=parameters)  # type: ignore[arg-type]
        except pd.errors.DatabaseError as exc:
            # pandas wraps a failed execute in its own error, text and all; the driver's
            # error underneath says whether the connection was lost.
            if isinstance(exc.__cause__, SQLAlchemyError):
                raise exc.__cause__ from None
            raise

    return with_retry(engine, run, str(query.path))


def _first_line(exc: BaseException) -> str:
    text = urls.scrub(str(exc), address=True).strip()
    return text.splitlines()[0] if text else type(exc).__name__
