"""The one test for a missing value, whatever its kind (None, NaN, NaT, pandas NA)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pandas NA; False for anything else, lists included."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
