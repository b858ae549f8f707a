"""Lean frames: the decisions' dates and codes, and the complaints' dates and flags, held as
categories from the read on.

A run reads a million decision rows holding a few hundred distinct dates and a few dozen
codes. As text each value costs its row 10-21 bytes in every such column; as a category one or
two. The values stay exactly as the database gave them (text, date objects, numbers): only
how they are held changes, so validation reads each distinct value once and finds an
unreadable date or a padded code as before. Ids stay text (Arrow strings): nearly every one
is distinct.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pandas.api.types import union_categoricals

from sagstid.schema import DECISION_DATE_COLUMNS
from sagstid.validate.complaints import DATE_COLUMNS as COMPLAINT_DATES
from sagstid.validate.complaints import FLAG_COLUMNS as COMPLAINT_FLAGS

LEAN_COLUMNS: tuple[str, ...] = (
    *DECISION_DATE_COLUMNS,
    "promised_date",
    "unit_code",
    "case_area_code",
    "case_variant",
)

# The complaints' dates and 0/1 flags (docs/contract.md §1.4): validation turns them into dates
# and numbers; read as categories, each of a run's validations (its period, the one before,
# the comparison periods) reads their distinct values, not every row. Codes stay as read:
# the validated complaints keep them as text.
COMPLAINT_LEAN_COLUMNS: tuple[str, ...] = (*COMPLAINT_DATES, *COMPLAINT_FLAGS)


def lean(frame: pd.DataFrame, columns: Sequence[str] = LEAN_COLUMNS) -> pd.DataFrame:
    """``frame`` with each of ``columns`` it has made categorical, in place, one column at a
    time (its text let go before the next is made). A column holding values of several kinds
    (text, numbers and blobs in one SQLite column) keeps each value as it is, its categories
    in pandas' order for mixed values."""
    for column in columns:
        if column in frame and not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = pd.Categorical(frame[column])
    return frame


def concat_rows(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(frames, ignore_index=True)`` (the first frame's columns), with a column
    categorical in any frame categorical in the result, its categories the union: pandas
    would make it a column of Python objects where the frames' categories differ."""
    return pd.DataFrame({name: _joined([f[name] for f in frames]) for name in frames[0].columns})


def _joined(parts: list[pd.Series]) -> pd.Series:
    if any(isinstance(part.dtype, pd.CategoricalDtype) for part in parts):
        try:
            return pd.Series(union_categoricals([pd.Categorical(p) for p in parts], sort_categories=True))
        except TypeError:  # categories of different kinds: joined as pandas joins them
            pass
    return pd.concat(parts, ignore_index=True)
