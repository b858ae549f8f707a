"""Arrow-native reading: queries/*.sql through ADBC into the same DataFrame ``pd.read_sql`` gives.

``read_frame(url, sql, params)`` runs one query through an ADBC driver (SQLite:
``adbc-driver-sqlite``; PostgreSQL: ``adbc-driver-postgresql``, which speaks libpq, so passwords
come from ``PGPASSWORD`` or ``~/.pgpass`` as they do for psycopg). It returns None where there
is no Arrow path (another dialect, a driver not installed, an in-memory or missing SQLite file,
SQLite URL options, a query whose output columns cannot be named), and the caller reads
through SQLAlchemy as before.

The frame is the one ``pd.read_sql_query(sa.text(sql), connection, params=params)`` builds
from the same rows, column for column and dtype for dtype, so every later stage gives the
same results on either path:

* **SQLite** is dynamically typed: a DATE column may hold text, integers and reals side by
  side, and an INTEGER column text. ADBC's SQLite driver infers a column's type from its first
  batch of rows; it fails when a later row does not fit (an INTEGER column with a text row; a
  column whose first batch is all NULL is taken for INT64), and it turns numbers in a text
  column into text silently, reals with six digits (``2.025030e+07``). So the query is first
  read as it is, and that result is used only if nothing can have been converted: no driver
  error, and no text column holding a value that looks like a number (an ISO date, a case
  number such as ``S-2025-1`` or a unit code never does). Otherwise (bad rows, or text columns
  of numeric-looking codes) it is read again, exactly: wrapped so that every output column is
  text that never is NULL (a real with 17 significant digits, which round-trips; a blob as
  hex), with one integer column carrying each value's storage class (text, integer, real,
  blob, NULL) in three bits per column. The frame is rebuilt from the two: a column of one
  storage class is converted in Arrow; a column of mixed classes, the rare bad-data case, is
  rebuilt as the Python values the sqlite3 module would have returned and typed by the same
  pandas routine ``read_sql`` uses. The exact read costs about twice the plain one. One
  difference is left: a BLOB holding valid UTF-8 in an otherwise text column is read as text
  on the plain read (sqlite3 returns bytes); no schema of the contract stores blobs.
* **PostgreSQL** is strictly typed; Arrow's types are mapped to what pandas makes of psycopg's
  Python values: narrower integers and ``real`` to 64 bits, ``numeric`` to float (``read_sql``
  coerces Decimals), dates to ``datetime.date`` objects, a column with no values to None.

Parameters: the ``:name`` style of queries/*.sql becomes ``?`` (SQLite) or ``$1`` (PostgreSQL).
psycopg sends a text parameter untyped, so the server compares ``decided_date >= :date_from``
as dates; ADBC sends an Arrow string as ``text``, which PostgreSQL will not compare with a
date, so on PostgreSQL an ISO ``YYYY-MM-DD`` text parameter is bound as a date (and on SQLite a
date as its ISO text, as the sqlite3 module does).

A driver error is raised as :class:`ArrowReadError`; the caller is expected to read through
SQLAlchemy instead (which then reports a real SQL error or retries a lost connection itself).

Parts side by side (:func:`read_frames`): the rows of several queries with the same output
columns (the parts of one period, source/extract.py), each read on its own connection in its
own thread (the drivers work without Python's lock, so the parts are read on as many cores),
joined in order and made one frame as above: a plain read only if every part's was plain and
all agree on the column types, else every part read exactly.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Storage classes of a SQLite value, three bits per output column in the tag column.
_TEXT, _INTEGER, _REAL, _BLOB, _NULL = 0, 1, 2, 3, 4
_BITS = 3
_COLUMNS_PER_TAG = 63 // _BITS  # 21 columns per int64 tag
_TAG = "__sagstid_storage_{}"


class ArrowReadError(Exception):
    """The Arrow reader failed on this query; read it through SQLAlchemy instead."""


def arrow_dialect(url: str) -> str | None:
    """'sqlite' or 'postgresql' when ``url`` can be read through Arrow, else None."""
    import sqlalchemy as sa

    try:
        parsed = sa.engine.make_url(url)
    except Exception:
        return None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or parsed.query or not Path(database).is_file():
            return None
        return "sqlite" if _available("adbc_driver_sqlite.dbapi") else None
    if backend == "postgresql":
        return "postgresql" if _available("adbc_driver_postgresql.dbapi") else None
    return None


def _available(module: str) -> bool:
    try:
        __import__(module)
        __import__("pyarrow")
    except ImportError:
        return False
    return True


def read_frame(url: str, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame | None:
    """The rows of ``sql`` (named ``:param`` style) as ``pd.read_sql`` would give them, read
    through Arrow; None when ``url`` has no Arrow path. Raises ArrowReadError if the driver
    fails, and ValueError if ``params`` lacks a parameter the query uses."""
    return read_frames(url, [(sql, params or {})])


def read_frames(url: str, parts: Sequence[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame | None:
    """The rows of every ``(sql, params)`` part, in order, as one frame: what ``pd.read_sql``
    gives for a query whose rows are the parts' rows in that order. The parts are read side
    by side, one connection each, on up to as many threads as the machine has cores. None
    when ``url`` has no Arrow path or a part's output columns cannot be named or differ from
    the first's; raises as :func:`read_frame`."""
    dialect = arrow_dialect(url)
    if dialect is None or not parts:
        return None
    if dialect == "sqlite":
        names = output_columns(parts[0][0])
        if names is None or any(output_columns(sql) != names for sql, _ in parts[1:]):
            return None
        import sqlalchemy as sa

        path = sa.engine.make_url(url).database or ""  # a file: arrow_dialect checked
        plain = [to_positional(sql, params, "?") for sql, params in parts]
        try:
            # each part is checked and readied on the thread that read it (_plain_part)
            ready = _fetch_all("sqlite", path, plain, _plain_part)
            joined = None if any(t is None for t in ready) else _joined(ready)
            frame = arrow_frame(joined) if joined is not None and joined.column_names == list(names) else None
        except ArrowReadError:
            frame = None
        if frame is not None:
            log.debug("Arrow read (plain): %d rows", len(frame))
            return frame
        log.debug("Arrow read: mixed or numeric-looking values, reading exactly")
        exact = [(sqlite_wrapped(text, names), values) for text, values in plain]
        return sqlite_frame(_joined(_fetch_all("sqlite", path, exact)), names)
    target = _libpq_uri(url)
    positional = [to_positional(sql, params, "$") for sql, params in parts]
    return postgres_frame(_joined(_fetch_all("postgresql", target, positional)))


def _fetch_all(
    dialect: str,
    target: str,
    queries: Sequence[tuple[str, tuple[Any, ...]]],
    then: Callable[[Any], Any] = lambda table: table,
) -> list[Any]:
    """Each query's Arrow table, read side by side (one connection and thread each) and given
    to ``then`` on the thread that read it (Arrow's work runs outside Python's lock)."""
    if len(queries) == 1:
        return [then(_fetch(dialect, target, *queries[0]))]
    threads = min(len(queries), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sagstid-read") as pool:
        return list(pool.map(lambda query: then(_fetch(dialect, target, *query)), queries))


def _joined(tables: Sequence[Any]) -> Any:
    """The parts' tables one after the other. SQLite's driver types each part's columns from
    its own rows, so a part without rows, or with only NULLs in a column, may carry another
    type there: such a column takes the type the parts with values agree on (a NULL is a
    NULL in any type). ArrowReadError if parts with values disagree."""
    import pyarrow as pa

    tables = [t for t in tables if t.num_rows] or list(tables[:1])
    if len(tables) == 1:
        return tables[0]
    columns = []
    for k in range(tables[0].num_columns):
        parts = [t.column(k) for t in tables]
        kinds = {c.type for c in parts if c.null_count < len(c)}
        if len(kinds) > 1:
            raise ArrowReadError(f"the parts' column types differ: {tables[0].column_names[k]}")
        kind = kinds.pop() if kinds else parts[0].type
        columns.append(pa.chunked_array([chunk for c in parts for chunk in c.cast(kind).chunks], kind))
    return pa.table(columns, names=tables[0].column_names)


# --- SQL ----------------------------------------------------------------------------------------


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def to_positional(sql: str, params: Mapping[str, Any], style: str) -> tuple[str, tuple[Any, ...]]:
    """``sql`` with ``:name`` parameters as ``?`` (style '?', one value per occurrence) or as
    ``$1, $2`` (style '$', one number per distinct name), and the values to bind in order.
    Comments are dropped first (a ``:word`` in a comment is not a parameter)."""
    text = _strip_comments(sql)
    missing = sorted(set(_PARAMETER.findall(text)) - params.keys())
    if missing:
        raise ValueError(f"parameters not given: {', '.join(missing)}")
    order: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if style == "?":
            order.append(name)
            return "?"
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    text = _PARAMETER.sub(replace, text)
    bind = _sqlite_value if style == "?" else _postgres_value
    return text, tuple(bind(params[name]) for name in order)


def _sqlite_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _postgres_value(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def output_columns(sql: str) -> list[str] | None:
    """The names of the query's output columns (None for ``*``, an unnamed expression or a
    name used twice: such a query is read through SQLAlchemy)."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql)
    except Exception:
        return None
    if not isinstance(tree, exp.Query):
        return None
    first = tree
    while isinstance(first, exp.SetOperation):
        first = first.left
    selects = getattr(first, "selects", [])
    names = [s.alias_or_name for s in selects]
    unnamed = (isinstance(s, exp.Star) or not n or n == "*" for s, n in zip(selects, names, strict=True))
    if not names or any(unnamed):
        return None
    if len({n.lower() for n in names}) != len(names):
        return None
    return names


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_wrapped(sql: str, names: Sequence[str]) -> str:
    """``sql`` as a subquery whose columns are never-NULL text, plus storage-class tags."""
    values, tags = [], []
    for k, name in enumerate(names):
        col = f"q.{_quote(name)}"
        values.append(
            f"CASE typeof({col}) WHEN 'text' THEN {col} WHEN 'integer' THEN CAST({col} AS TEXT) "
            f"WHEN 'real' THEN printf('%!.17g', {col}) WHEN 'blob' THEN hex({col}) ELSE '' END "
            f"AS {_quote(name)}"
        )
        shift = (k % _COLUMNS_PER_TAG) * _BITS
        tags.append(
            (
                k // _COLUMNS_PER_TAG,
                f"(CASE typeof({col}) WHEN 'text' THEN {_TEXT} WHEN 'integer' THEN {_INTEGER} "
                f"WHEN 'real' THEN {_REAL} WHEN 'blob' THEN {_BLOB} ELSE {_NULL} END << {shift})",
            )
        )
    groups = sorted({g for g, _ in tags})
    tag_columns = [
        " | ".join(e for g, e in tags if g == group) + f" AS {_TAG.format(group)}" for group in groups
    ]
    body = sql.strip().rstrip(";")
    return f"SELECT {', '.join(values + tag_columns)} FROM (\n{body}\n) AS q"


# --- reading ------------------------------------------------------------------------------------


def _libpq_uri(url: str) -> str:
    """The SQLAlchemy URL as a libpq URI (``postgresql+psycopg://`` -> ``postgresql://``)."""
    import sqlalchemy as sa

    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# SQLite's driver types a column from the first batch of rows (1,024 by default): a column
# NULL in all of them (a promised_date registered only lately) is taken for a number, and the
# read fails at the first text. So SQLite is read in batches of a million rows: the driver types
# a part from all of its rows, and makes a part's column one array or a few, not a thousand, so
# that readying them costs 0.4 CPU-s, not 1.0 (1.22 M rows), and fetching them 1.8-2.1 CPU-s,
# not 2.4. The parts are still read side by side (adbc-driver-sqlite 1.13 reads outside Python's
# lock). A part of more rows whose first batch types a column wrongly fails and is read exactly.
_SQLITE_BATCH_ROWS = 1 << 20


def _fetch(dialect: str, target: str, sql: str, values: tuple[Any, ...]) -> Any:
    return _fetch_once(dialect, target, sql, values, _SQLITE_BATCH_ROWS if dialect == "sqlite" else None)


def _fetch_once(dialect: str, target: str, sql: str, values: tuple[Any, ...], batch_rows: int | None) -> Any:
    dbapi = importlib.import_module(f"adbc_driver_{dialect}.dbapi")
    try:
        with dbapi.connect(target) as connection, connection.cursor() as cursor:
            if batch_rows is not None:
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(batch_rows)})
            cursor.execute(sql, parameters=values if values else None)
            return cursor.fetch_arrow_table()
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ArrowReadError(f"{dialect} Arrow read failed: {_redacted(first, target)}") from None


def _redacted(message: str, target: str) -> str:
    """``message`` without the connection's password or URI (a driver may quote either)."""
    import sqlalchemy as sa

    if "://" not in target:
        return message
    password = sa.engine.make_url(target).password
    message = message.replace(target, "<database>")
    return message.replace(str(password), "***") if password else message


# --- Arrow -> the DataFrame read_sql gives ----------------------------------------------------


def _like_read_sql(values: np.ndarray) -> Any:
    """An object array typed as ``pd.read_sql`` types a column of Python values."""
    # the routine pd.read_sql types its columns with (pandas/io/sql.py), not in pandas-stubs
    from pandas.core.internals.construction import convert_object_array  # type: ignore[import-not-found]

    return convert_object_array([values], dtype=None, coerce_float=True)[0]


def _frame(names: Sequence[str], columns: list[Any], rows: int) -> pd.DataFrame:
    if rows == 0:
        return pd.DataFrame(columns=list(names))  # as read_sql builds an empty result
    frame = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(rows))
    frame.columns = pd.Index(list(names))  # a name may occur twice, as read_sql keeps it
    return frame


def sqlite_frame(table: Any, names: Sequence[str]) -> pd.DataFrame:
    """The frame of a :func:`sqlite_wrapped` result."""
    import pyarrow as pa

    rows = table.num_rows
    groups = sorted({k // _COLUMNS_PER_TAG for k in range(len(names))})
    tags = {g: table.column(_TAG.format(g)).to_numpy() for g in groups}
    columns = []
    for k, name in enumerate(names):
        shift = (k % _COLUMNS_PER_TAG) * _BITS
        tag = tags[k // _COLUMNS_PER_TAG]
        kind = ((tag >> shift) & 0b111).astype(np.int8) if rows else np.zeros(0, np.int8)
        text = table.column(name).combine_chunks() if rows else pa.array([], pa.string())
        columns.append(_sqlite_column(text, kind))
    return _frame(names, columns, rows)


def _sqlite_column(text: Any, kind: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    counts = np.bincount(kind, minlength=5)
    rows = len(kind)
    null = kind == _NULL
    classes = {c for c in (_TEXT, _INTEGER, _REAL, _BLOB) if counts[c]}
    if not classes:
        return np.full(rows, None, dtype=object)
    if counts[_NULL]:
        text = pc.if_else(pa.array(null), pa.scalar(None, pa.string()), text)
    if classes == {_TEXT}:
        return text.to_pandas()
    if classes == {_INTEGER}:  # float64 with NaN where NULL, as pandas makes of ints and None
        return pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)
    objects = np.full(rows, None, dtype=object)
    strings = text.to_numpy(zero_copy_only=False)
    for cls in classes:
        where = kind == cls
        part = strings[where]
        if cls == _TEXT:
            objects[where] = part
        elif cls == _INTEGER:
            objects[where] = pc.cast(pa.array(part, pa.string()), pa.int64()).to_numpy().astype(object)
        elif cls == _REAL:
            objects[where] = part.astype(np.float64).astype(object)
        else:
            objects[where] = np.array([bytes.fromhex(h) for h in part] + [None], dtype=object)[:-1]
    return _like_read_sql(objects)


# A number as ADBC's SQLite driver writes it into a text column (1, -2, 2.5, 2.025030e+07, inf).
_NUMBER_TEXT = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$|^[-+]?(?i:inf|nan)"


def _looks_numeric(column: Any) -> bool:
    """True if any value of a text column looks like a number. Low-cardinality columns (dates,
    codes) are checked through their distinct values, which is quicker."""
    import pyarrow.compute as pc

    head = column.slice(0, 10_000)
    if len(head) and len(pc.unique(head)) * 10 < len(head):
        column = pc.unique(column)
    return bool(pc.any(pc.match_substring_regex(column, _NUMBER_TEXT)).as_py())


def _is_plain(table: Any) -> bool:
    """Whether the driver converted no value: every column typed integer, real, text or
    nothing, its text valid UTF-8 (no blob) and not looking like a number."""
    import pyarrow as pa

    for column in table.columns:
        kind = column.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind):
            continue
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            return False
        try:
            column.validate(full=True)
        except pa.ArrowInvalid:
            return False
        if _looks_numeric(column):
            return False
    return True


def _plain_part(table: Any) -> Any:
    """A part's table checked (None if it needs the exact read, :func:`_is_plain`) and made
    ready to join: the driver's batches one array per column, text as large strings (as
    pandas holds text), so that the frame is built without copying it again."""
    import pyarrow as pa

    if not _is_plain(table):
        return None
    table = table.combine_chunks()
    fields = [f.with_type(pa.large_string()) if pa.types.is_string(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields))


def postgres_frame(table: Any) -> pd.DataFrame:
    return arrow_frame(table)


def arrow_frame(table: Any) -> pd.DataFrame:
    """A strictly typed Arrow result as read_sql builds it from the driver's Python values.
    The driver's many small batches are made one array per column first: every later filter
    or conversion then runs over one array, not over a thousand chunks."""
    if any(c.num_chunks > _JOINED_CHUNKS for c in table.columns):
        table = table.combine_chunks()
    return _frame(table.column_names, [_arrow_column(c) for c in table.columns], table.num_rows)


# At most so many chunks per column are kept as they come (a read's parts, each one array,
# source/extract.read_parts); more (a driver's batches of 1,024 rows) are made one array first.
_JOINED_CHUNKS = 8


def _arrow_column(column: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    rows = len(column)
    if rows and column.null_count == rows:
        return np.full(rows, None, dtype=object)
    if isinstance(kind, pa.ExtensionType):
        storage = pa.chunked_array([c.storage for c in column.chunks], kind.storage_type)
        if getattr(kind, "type_name", None) == "numeric":  # psycopg: Decimal; read_sql: float
            return pc.cast(storage, pa.float64()).to_numpy(zero_copy_only=False)
        return _like_read_sql(np.asarray(storage.to_pylist(), dtype=object))
    if pa.types.is_integer(kind):
        return pc.cast(column, pa.int64()).to_numpy(zero_copy_only=False)
    if pa.types.is_float32(kind):  # psycopg parses the server's shortest text of a real
        return column.to_numpy(zero_copy_only=False).astype(str).astype(np.float64)
    if (
        pa.types.is_float64(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
        or pa.types.is_timestamp(kind)
    ):
        return column.to_pandas()
    return _like_read_sql(np.asarray(column.to_pylist(), dtype=object))
