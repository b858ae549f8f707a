"""PostgreSQL dates that no Python date can hold ('infinity', '-infinity', years after 9999 or
before 1) read as the placeholders 9999-12-31 and 0001-01-01 instead of failing the query.

psycopg refuses to hand such a value over ("date too large (after year 10K)"), so one such
row in a view would stop every run. Read as the last or first day Python can hold, the value
is outside the plausible window and validation treats it as any placeholder (docs/contract.md
§1.1): the row is ``invalid_date`` or the date counts as empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

_UTC = dt.UTC


def _before_year_one(data: Any) -> bool:
    text = bytes(data).decode("ascii", errors="replace").strip()
    return text.startswith("-") or text.endswith("BC")


def lenient_dates(engine: Engine) -> None:
    """Register the lenient date and timestamp loaders on every new psycopg connection of
    ``engine`` (nothing for other drivers)."""
    if engine.dialect.driver != "psycopg":
        return
    import psycopg
    from psycopg.types import datetime as pgdt

    def text_loader(base: Any, low: Any, high: Any) -> type:
        class Lenient(base):
            def load(self, data: Any) -> Any:
                try:
                    return super().load(data)
                except psycopg.DataError:
                    return low if _before_year_one(data) else high

        return Lenient

    def binary_loader(base: Any, low: Any, high: Any) -> type:
        class Lenient(base):
            def load(self, data: Any) -> Any:
                try:
                    return super().load(data)
                except psycopg.DataError:
                    # a big-endian signed count from 2000-01-01: negative is before it
                    return low if bytes(data)[0] & 0x80 else high

        return Lenient

    kinds = {
        "date": (pgdt.DateLoader, pgdt.DateBinaryLoader, dt.date.min, dt.date.max),
        "timestamp": (pgdt.TimestampLoader, pgdt.TimestampBinaryLoader, dt.datetime.min, dt.datetime.max),
        "timestamptz": (
            pgdt.TimestamptzLoader,
            pgdt.TimestamptzBinaryLoader,
            dt.datetime.min.replace(tzinfo=_UTC),
            dt.datetime.max.replace(tzinfo=_UTC),
        ),
    }
    loaders = {
        name: (text_loader(text, low, high), binary_loader(binary, low, high))
        for name, (text, binary, low, high) in kinds.items()
    }

    @sa.event.listens_for(engine, "connect")
    def _register(dbapi_connection: Any, _: Any) -> None:
        for name, (text, binary) in loaders.items():
            dbapi_connection.adapters.register_loader(name, text)
            dbapi_connection.adapters.register_loader(name, binary)
