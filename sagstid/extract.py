"""Extract: the source tables, through SQLAlchemy and the SQL in queries/, into DataFrames.

Only the columns the rules need are read; the decisions table is read once in two disjoint
parts (the period with every column, the rest with the few columns whole-table rules need).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from sagstid.errors import DatabaseError, SchemaError
from sagstid.periods import Period
from sagstid.queries import load_query
from sagstid.schema import REQUIRED_COLUMNS


def connect(url: str) -> Engine:
    """An engine for ``url``; a malformed URL or missing driver is bad input."""
    try:
        return sa.create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise DatabaseError(f"database URL cannot be used: {redact(url)} ({exc})") from None


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<unreadable URL>"


def check_schema(engine: Engine, tables: Iterable[str]) -> None:
    """Raise SchemaError naming every required table or column that is missing."""
    try:
        inspector = sa.inspect(engine)
        present = set(inspector.get_table_names())
        missing: list[str] = []
        for table in tables:
            if table not in present:
                missing.append(f"table {table}")
                continue
            columns = {c["name"].lower() for c in inspector.get_columns(table)}
            missing += [f"{table}.{c}" for c in REQUIRED_COLUMNS[table] if c not in columns]
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the database {redact(str(engine.url))}: {_first_line(exc)}") from None
    if missing:
        raise SchemaError(f"the source database lacks required {', '.join(missing)}")


def read_query(engine: Engine, name: str, **parameters: object) -> pd.DataFrame:
    """Run queries/<name>.sql with bound parameters and return its rows."""
    query = load_query(name)
    absent = query.parameters - parameters.keys()
    if absent:
        raise ValueError(f"{query.path}: parameters not given: {', '.join(sorted(absent))}")
    try:
        with engine.connect() as connection:
            return pd.read_sql_query(sa.text(query.sql), connection, params=parameters)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"{query.path}: the database refused the query: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@dataclass(frozen=True)
class DecisionExtract:
    """The decisions table in two disjoint parts."""

    in_period: pd.DataFrame
    outside: pd.DataFrame

    @property
    def rows(self) -> int:
        return len(self.in_period) + len(self.outside)


def extract_decisions(engine: Engine, period: Period) -> DecisionExtract:
    bounds = {"date_from": period.start.isoformat(), "date_to": period.end.isoformat()}
    return DecisionExtract(
        in_period=read_query(engine, "decisions_in_period", **bounds),
        outside=read_query(engine, "decisions_outside_period", **bounds),
    )


def extract_units(engine: Engine) -> pd.DataFrame:
    return read_query(engine, "units")
