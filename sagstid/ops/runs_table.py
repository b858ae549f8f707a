"""The table ``sagstid runs`` prints: past runs from the journal, newest first, in Danish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sagstid.ops.manifest import (
    JOURNAL_FILE,
    OUTCOME_FAILED,
    OUTCOME_INTERRUPTED,
    OUTCOME_OK,
    OUTCOME_REFUSED,
    read_journal,
)
from sagstid.periods import Period

OUTCOME_LABELS = {
    OUTCOME_OK: "gennemført",
    OUTCOME_FAILED: "fejlet",
    OUTCOME_REFUSED: "afvist",
    OUTCOME_INTERRUPTED: "afbrudt",
}
_COLUMNS = ("tidspunkt", "job", "periode", "udfald", "generel overholdelse", "mappe / fejl")


def _period_label(parameters: dict[str, Any]) -> str:
    period = parameters.get("period") or {}
    try:
        start, end = dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
        if period.get("partial"):
            return Period(start, dt.date.fromisoformat(period["measured_to"]), nominal_end=end).label
        return Period(start, end).label
    except (KeyError, TypeError, ValueError):
        return "–"


def da_pct(value: Any) -> str:
    """A percentage the Danish way (91,7 %), or – where there is none."""
    if not isinstance(value, (int, float)) or value != value:
        return "–"
    return f"{value:.1f} %".replace(".", ",")


def _started(record: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(record["started"])
    except (KeyError, TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def format_runs(
    root: Path, limit: int = 20, job: str | None = None, journal: Path | None = None
) -> tuple[list[str], int]:
    """The table ``sagstid runs`` prints (newest first) and the number of unreadable lines, from
    ``journal`` (default: ``<root>/runs.jsonl``)."""
    journal = journal or Path(root) / JOURNAL_FILE
    records, bad = read_journal(journal)
    if job:
        records = [r for r in records if r.get("job") == job]
    order = {id(record): index for index, record in enumerate(records)}
    records.sort(key=lambda r: (_started(r), order[id(r)]), reverse=True)  # ties: later line first
    if not records:
        return [f"Ingen kørsler registreret i {journal}"], bad
    rows = [_COLUMNS]
    for record in records[:limit]:
        outcome = record.get("outcome")
        last = record.get("folder") if outcome == OUTCOME_OK else record.get("error")
        started = _started(record)
        rows.append(
            (
                f"{started:%Y-%m-%d %H:%M:%S}" if started.year > 1 else "–",
                str(record.get("job", "–")),
                _period_label(record.get("parameters") or {}),
                OUTCOME_LABELS.get(str(outcome), str(outcome)),
                da_pct(record.get("general_compliance_pct")) if outcome == OUTCOME_OK else "–",
                str(last or "–"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    ]
    return lines, bad
