"""Extract for the open-case snapshot: the rows of queries/open_decisions.sql and
queries/open_complaints.sql (cases not decided or answered on the as-of date).

Kept apart from the pure ``sagstid.snapshot``; it belongs with ``sagstid.extract``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from sagstid.extract import read_query


def extract_open_cases(engine: Engine, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(decisions, complaints) not decided/answered on or before ``as_of``."""
    bound = {"as_of": as_of.isoformat()}
    return (read_query(engine, "open_decisions", **bound),
            read_query(engine, "open_complaints", **bound))
