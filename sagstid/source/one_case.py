"""Read the rows of one decision or complaint id (``sagstid explain``)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from sagstid.source.db import read_query


def _keys(value: str) -> list[int | str]:
    """The id as the database may hold it: a whole number first (the contract's ids are
    integers; PostgreSQL does not compare an integer column with text), then the text itself
    (a text id column, or one with leading zeros)."""
    text = value.strip()
    return [int(text), text] if text.isdigit() else [text]


def _read(engine: Engine, name: str, parameter: str, value: str) -> pd.DataFrame:
    keys = _keys(value)
    rows = pd.DataFrame()
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        try:
            rows = read_query(engine, name, **{parameter: key})
        except Exception:  # e.g. PostgreSQL: integer = text
            if last:
                raise
            continue  # the column's type does not compare with this key's: try the next
        if len(rows) or last:
            return rows
    return rows


def read_decision(engine: Engine, decision_id: str) -> pd.DataFrame:
    """Every row with this decision_id (queries/decision_by_id.sql)."""
    return _read(engine, "decision_by_id", "decision_id", decision_id)


def read_complaint(engine: Engine, complaint_id: str) -> pd.DataFrame:
    """Every row with this complaint_id (queries/complaint_by_id.sql)."""
    return _read(engine, "complaint_by_id", "complaint_id", complaint_id)
