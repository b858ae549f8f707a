"""SQL lives in queries/, one file per extract, loaded by name and checked on load.

A file that does not parse is refused with its path and line (as aiosql does); the named
parameters a query uses are collected so that a call missing one fails before it runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlglot
from sqlglot.errors import ParseError

from sagstid.errors import QueryFileError
from sagstid.paths import resource_dir

_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    sql: str
    parameters: frozenset[str]


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def parse_query_file(path: Path) -> Query:
    """Read one .sql file and check that it is a single statement that parses."""
    sql = path.read_text(encoding="utf-8")
    if not _strip_comments(sql).strip():
        raise QueryFileError(f"{path}: the file holds no SQL")
    try:
        statements = [s for s in sqlglot.parse(sql) if s is not None]
    except ParseError as exc:
        detail = exc.errors[0] if exc.errors else {}
        line = detail.get("line", "?")
        description = detail.get("description", str(exc))
        raise QueryFileError(f"{path}:{line}: SQL does not parse ({description})") from None
    if len(statements) != 1:
        raise QueryFileError(f"{path}: expected one SQL statement, found {len(statements)}")
    parameters = frozenset(_PARAMETER.findall(_strip_comments(sql)))
    return Query(path.stem, path, sql, parameters)


@cache
def _load_folder(folder: Path) -> dict[str, Query]:
    return {path.stem: parse_query_file(path) for path in sorted(folder.glob("*.sql"))}


def load_query(name: str, folder: Path | None = None) -> Query:
    """The query in ``queries/<name>.sql``."""
    queries = _load_folder(folder or resource_dir("queries"))
    if name not in queries:
        raise QueryFileError(f"{(folder or resource_dir('queries')) / (name + '.sql')}: query file not found")
    return queries[name]
