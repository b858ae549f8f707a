"""Read the rows of one decision or complaint id (``sagstid explain``)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from sagstid.source.db import read_query


def _key(value: str) -> int | str:
    """An id as the database compares it: whole numbers as integers (the ids are integers in
    the contract, and PostgreSQL does not compare an integer column with text)."""
    text = value.strip()
    return int(text) if text.isdigit() else text


def read_decision(engine: Engine, decision_id: str) -> pd.DataFrame:
    """Every row with this decision_id (queries/decision_by_id.sql)."""
    return read_query(engine, "decision_by_id", decision_id=_key(decision_id))


def read_complaint(engine: Engine, complaint_id: str) -> pd.DataFrame:
    """Every row with this complaint_id (queries/complaint_by_id.sql)."""
    return read_query(engine, "complaint_by_id", complaint_id=_key(complaint_id))
