"""Shared fixtures: the shipped config folder, real SQLite databases and custom config folders.

Everything here is generic so that other test files (complaints, CLI, reports) can reuse it:

* ``config_dir``: the repository's ``config/`` folder.
* ``make_db(units=..., decisions=..., complaints=..., audit_samples=...)``: a real SQLite file
  built from ``sagstid.schema.SQLITE_DDL`` (or a ``ddl`` of your own), filled with rows given as
  tuples (in the table's column order) or dicts (column -> value, missing columns are NULL);
  returns its SQLAlchemy URL ``sqlite:///...``.
* ``make_config(deadlines=..., targets=..., calendar=...)``: a config folder in tmp_path; each
  file is given as a dict (dumped as YAML), as text (written verbatim) or left out (None).
* ``measure``: extract -> validate -> measure one period of a database with a config folder.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from sagstid.schema import OPTIONAL_COLUMNS, SQLITE_DDL

pytest_plugins = ["servers"]  # the PostgreSQL and LibreOffice fixtures (tests/servers.py)

REPO = Path(__file__).resolve().parent.parent

# A few units most tests can use as they are.
UNITS: list[tuple[str, str, str]] = [
    ("JC-NORD", "Jobcenter Nord", "jobcenter"),
    ("JC-SYD", "Jobcenter Syd", "jobcenter"),
    ("YS", "Ydelsesservice", "ydelsesservice"),
]

Row = Sequence[Any] | Mapping[str, Any]


@pytest.fixture(autouse=True)
def _output_root(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own output root ($SAGSTID_OUT: the lock, runs.jsonl, default report
    folders), so no test writes into the checkout or shares a lock with another."""
    root = tmp_path_factory.mktemp("output-root")
    monkeypatch.setenv("SAGSTID_OUT", str(root))
    return root


@pytest.fixture
def config_dir() -> Path:
    """The repository's shipped config/ folder."""
    path = REPO / "config"
    assert (path / "deadlines.yaml").is_file(), path
    return path


@pytest.fixture
def queries_dir() -> Path:
    """The repository's shipped queries/ folder."""
    return REPO / "queries"


def _insert(connection: sqlite3.Connection, table: str, rows: Iterable[Row]) -> None:
    columns = [info[1] for info in connection.execute(f"PRAGMA table_info({table})")]
    if not columns:
        raise ValueError(f"make_db: the schema has no table {table}")
    for row in rows:
        if isinstance(row, Mapping):
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"make_db: {table} has no column(s) {sorted(unknown)}")
            values = [row.get(column) for column in columns]
        else:
            optional = OPTIONAL_COLUMNS.get(table, ())
            if len(row) < len(columns) and tuple(columns[len(row) :]) == optional[: len(columns) - len(row)]:
                row = [*row, *([None] * (len(columns) - len(row)))]  # optional trailing columns
            if len(row) != len(columns):
                raise ValueError(f"make_db: a {table} row needs {len(columns)} values {columns}, got {row!r}")
            values = list(row)
        values = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
        placeholders = ", ".join("?" for _ in columns)
        connection.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", values)


@pytest.fixture
def make_db(tmp_path: Path) -> Callable[..., str]:
    """Factory: build a real SQLite database file and return its SQLAlchemy URL."""
    counter = itertools.count(1)

    def factory(
        units: Iterable[Row] | None = None,
        decisions: Iterable[Row] = (),
        complaints: Iterable[Row] = (),
        audit_samples: Iterable[Row] = (),
        *,
        ddl: str = SQLITE_DDL,
        name: str | None = None,
        **other_tables: Iterable[Row],
    ) -> str:
        path = tmp_path / (name or f"source{next(counter)}.sqlite")
        if path.exists():
            path.unlink()
        connection = sqlite3.connect(path)
        try:
            connection.executescript(ddl)
            tables = {
                "units": UNITS if units is None else units,
                "decisions": decisions,
                "complaints": complaints,
                "audit_samples": audit_samples,
                **other_tables,
            }
            for table, rows in tables.items():
                rows = list(rows)
                if rows:
                    _insert(connection, table, rows)
            connection.commit()
        finally:
            connection.close()
        return f"sqlite:///{path}"

    return factory


def _write(path: Path, content: Any) -> None:
    if content is None:
        return
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Factory: write a config folder (deadlines.yaml / targets.yaml / calendar.yaml).

    Each file is a dict (dumped as YAML), a str (written as is) or None (not written).
    ``copy_repo=True`` starts from a copy of the shipped config/ folder.
    """
    counter = itertools.count(1)

    def factory(
        deadlines: Any = None,
        targets: Any = None,
        calendar: Any = None,
        *,
        copy_repo: bool = False,
        name: str | None = None,
    ) -> Path:
        folder = tmp_path / (name or f"config{next(counter)}")
        if copy_repo:
            shutil.copytree(REPO / "config", folder)
        else:
            folder.mkdir(parents=True)
        _write(folder / "deadlines.yaml", deadlines)
        _write(folder / "targets.yaml", targets)
        _write(folder / "calendar.yaml", calendar)
        return folder

    return factory


@pytest.fixture
def measure() -> Callable[..., Any]:
    """Run extract -> validate -> measure for one period; returns the DecisionMeasurement."""
    from sagstid.config import load_config
    from sagstid.pipeline import measure_period
    from sagstid.rules.deadlines import CatalogueArrays
    from sagstid.source.db import connect
    from sagstid.source.extract import extract_units

    def run(db_url: str, config_folder: Path, period: Any) -> Any:
        config = load_config(config_folder)
        engine = connect(db_url)
        try:
            units = extract_units(engine)
            return measure_period(
                engine, config, CatalogueArrays.from_catalogue(config.catalogue), units, period
            )
        finally:
            engine.dispose()

    return run
