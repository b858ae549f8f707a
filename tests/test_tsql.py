"""Every query in queries/ is T-SQL (SQL Server, the production target) as well as SQLite and
PostgreSQL SQL.

sqlglot's T-SQL reader is lenient: it also accepts ``LIMIT``, ``||`` or ``TRUE`` and would turn
them into ``TOP``, ``+`` and ``1`` when writing T-SQL, but SQL Server itself rejects them. So
besides parsing with ``read="tsql"``, a query must
* use only constructs of the portable core listed in PORTABLE (anything else is named), and
* read the same in the three dialects and come back unchanged when written as T-SQL, so the
  very text in the file runs on SQL Server as it does on SQLite and PostgreSQL.
Placeholders (``:date_from``) are SQLAlchemy's; it turns them into ``?`` for pyodbc.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

# The node types the queries may use: plain selects of columns with comparisons, AND/OR/NOT,
# IS NULL, IN, BETWEEN, aliases and placeholders. Extend it only with constructs SQL Server,
# PostgreSQL and SQLite all spell the same way.
PORTABLE: frozenset[type[exp.Expression]] = frozenset(
    {
        exp.Select,
        exp.From,
        exp.Where,
        exp.Table,
        exp.TableAlias,
        exp.Column,
        exp.Identifier,
        exp.Alias,
        exp.Star,
        exp.Literal,
        exp.Null,
        exp.Placeholder,
        exp.Paren,
        exp.And,
        exp.Or,
        exp.Not,
        exp.EQ,
        exp.NEQ,
        exp.LT,
        exp.LTE,
        exp.GT,
        exp.GTE,
        exp.Is,
        exp.In,
        exp.Between,
        # joins to derived tables with GROUP BY ... HAVING COUNT(*) (duplicate ids), CASE WHEN
        exp.Join,
        exp.Subquery,
        exp.Group,
        exp.Having,
        exp.Count,
        exp.Case,
        exp.If,
        # MIN (where the history begins) and UNION ALL (ranges of one index joined)
        exp.Min,
        exp.Union,
    }
)
# What a non-portable construct usually means, for the failure message.
KNOWN: dict[type[exp.Expression], str] = {
    exp.Limit: "LIMIT is SQLite/PostgreSQL only (SQL Server: TOP or OFFSET ... FETCH)",
    exp.DPipe: "|| string concatenation is SQLite/PostgreSQL only (SQL Server: + or CONCAT)",
    exp.Boolean: "TRUE/FALSE literals are not T-SQL (use 1/0)",
    exp.ILike: "ILIKE is PostgreSQL only",
}


def tsql_problems(path: Path) -> list[str]:
    """What keeps the query in ``path`` from running unchanged on SQL Server (empty if nothing)."""
    sql = path.read_text(encoding="utf-8")
    try:
        trees = {d: sqlglot.parse(sql, read=d) for d in ("tsql", "sqlite", "postgres")}
    except ParseError as exc:
        return [f"{path.name}: does not parse: {exc.errors[0]['description'] if exc.errors else exc}"]
    statements = [s for s in trees["tsql"] if s is not None]
    if len(statements) != 1:
        return [f"{path.name}: expected one statement, found {len(statements)}"]
    tree = statements[0]
    problems = []
    for node in tree.walk():
        kind = type(node)
        if kind not in PORTABLE:
            reason = KNOWN.get(kind, "not in the portable core of tests/test_tsql.py")
            problems.append(f"{path.name}: {kind.__name__} ({node.sql()[:40]}): {reason}")
    for statement in (s for parsed in trees.values() for s in parsed if s is not None):
        for count in statement.find_all(exp.Count):
            count.set("big_int", None)  # a dialect flag (COUNT_BIG), not a different query
    if trees["sqlite"] != trees["tsql"] or trees["postgres"] != trees["tsql"]:
        problems.append(f"{path.name}: SQLite, PostgreSQL and T-SQL read the query differently")
    generic, tsql = tree.sql(comments=False), tree.sql(dialect="tsql", comments=False)
    # sqlglot's T-SQL writer names a derived table's plain columns explicitly ("x AS x"); SQL
    # Server names them so itself, so that is no rewrite.
    tsql = re.sub(r"\b(\w+) AS \1\b", r"\1", tsql)
    if generic != tsql:
        problems.append(f"{path.name}: SQL Server needs it rewritten: {generic!r} -> {tsql!r}")
    return problems


ALL_QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.sql"))
# Read only where the database is SQLite (source/extract.py asks the dialect first): they find
# rows by SQLite's rowid, which SQL Server and PostgreSQL do not have.
SQLITE_ONLY = {
    "decision_id_bounds.sql",
    "decisions_row_span.sql",
    "decisions_in_rows.sql",
    "decisions_in_rows_promised.sql",
}
QUERIES = [p for p in ALL_QUERIES if p.name not in SQLITE_ONLY]


def test_there_are_queries() -> None:
    # the parametrised test below would pass vacuously on an empty folder
    assert [p.name for p in ALL_QUERIES] == [
        "audit_samples.sql",
        "complaint_by_id.sql",
        "complaint_case_areas.sql",
        "complaints.sql",
        "decision_by_id.sql",
        "decision_duplicates.sql",
        "decision_duplicates_before.sql",
        "decision_duplicates_from.sql",
        "decision_duplicates_in_part.sql",
        "decision_id_bounds.sql",
        "decisions_first_day.sql",
        "decisions_in_part.sql",
        "decisions_in_part_promised.sql",
        "decisions_in_period.sql",
        "decisions_in_period_promised.sql",
        "decisions_in_rows.sql",
        "decisions_in_rows_promised.sql",
        "decisions_outside_part.sql",
        "decisions_outside_period.sql",
        "decisions_row_span.sql",
        "flow_decisions.sql",
        "open_complaints.sql",
        "open_decisions.sql",
        "units.sql",
    ]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_is_portable_tsql(path: Path) -> None:
    problems = tsql_problems(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(SQLITE_ONLY))
def test_sqlite_only_queries_say_so_and_read_as_sqlite(name: str) -> None:
    path = next(p for p in ALL_QUERIES if p.name == name)
    sql = path.read_text(encoding="utf-8")
    assert sql.startswith("-- SQLite only")
    assert len([s for s in sqlglot.parse(sql, read="sqlite") if s is not None]) == 1
    assert "rowid" in sql  # the reason it is SQLite only


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT unit_code FROM units LIMIT 5", "Limit (LIMIT 5): LIMIT is SQLite/PostgreSQL only"),
        ("SELECT unit_code || unit_name FROM units", "DPipe"),
        ("SELECT unit_code FROM units WHERE TRUE", "Boolean (TRUE): TRUE/FALSE literals are not T-SQL"),
        ("SELECT strftime('%Y', decided_date) FROM decisions", "not in the portable core"),
        ("SELECT unit_code FROM units WHERE unit_name ILIKE 'x'", "ILIKE is PostgreSQL only"),
    ],
)
def test_non_tsql_syntax_is_named_with_its_file(tmp_path: Path, sql: str, expected: str) -> None:
    path = tmp_path / "bad_query.sql"
    path.write_text(sql + "\n", encoding="utf-8")
    problems = tsql_problems(path)
    assert problems and all(p.startswith("bad_query.sql: ") for p in problems)
    assert any(expected in p for p in problems), problems
