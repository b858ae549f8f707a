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
# A line reading an optional source column (docs/contract.md §1.6), e.g.
#        , d.case_variant  -- optional: decisions.case_variant
# When the column is absent the expression becomes NULL under the same name:
#        , NULL AS case_variant
_OPTIONAL = re.compile(
    r"^(?P<lead>\s*,?\s*)(?P<expr>[\w.]+)(?:\s+AS\s+(?P<alias>\w+))?\s*--\s*optional:\s*(?P<column>\w+\.\w+)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    sql: str
    parameters: frozenset[str]

    @property
    def optional_columns(self) -> frozenset[str]:
        """The optional ``table.column`` names the query reads (lines marked ``-- optional:``)."""
        return frozenset(m["column"].lower() for m in map(_OPTIONAL.match, self.sql.splitlines()) if m)

    def without(self, absent: frozenset[str]) -> str:
        """The SQL with each absent optional column read as NULL under its own name."""
        lines = []
        for line in self.sql.splitlines():
            match = _OPTIONAL.match(line)
            if match and match["column"].lower() in absent:
                alias = match["alias"] or match["expr"].rsplit(".", 1)[-1]
                line = f"{match['lead']}NULL AS {alias}"
            lines.append(line)
        return "\n".join(lines)


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
