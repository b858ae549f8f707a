"""Counting helpers every measure shares: rows by unit, status and reason (so every source row
is accounted for), and grouping with or without keys (no keys: one group, the total)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sagstid.values import text_categorical

ALL = "_all"
"""The constant column a keyless grouping groups by (one group: the total)."""


def group_keys(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` and the columns to group it by: ``keys``, or the constant column ``ALL`` when
    there are none, so one groupby gives both the groups and the total row."""
    if keys:
        return frame, list(keys)
    return frame.assign(**{ALL: "all"}), [ALL]


def sums_by_text(cases: pd.DataFrame, keys: Sequence[str], counts: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per group of the text of ``keys`` (none: one row), the sum of each of ``counts`` (flags
    or whole numbers, one per row of ``cases``) as int64, under its name: the keys as text, the
    groups in text order. Grouped by categorical codes (values.text_categorical), not by a
    million strings."""
    frame = pd.DataFrame({key: text_categorical(cases[key]) for key in keys}, index=pd.RangeIndex(len(cases)))
    frame[ALL] = 0
    for name, values in counts.items():
        frame[name] = values
    grouped = frame.groupby(list(keys) or [ALL], sort=True, observed=True)
    out = grouped[list(counts)].sum().astype(np.int64).reset_index()
    for key in keys:  # the groups' labels as text
        out[key] = out[key].astype(str)
    return out


ACCOUNTING_KEYS = ["unit_code", "status", "reason"]


def accounting_counts(
    table: pd.DataFrame, column: str, names: tuple[str, ...], unit_code: str | None = None
) -> dict[str, int]:
    """Rows per ``names`` value of ``column`` (zero included) in a row-accounting table
    (unit_code, status, reason, rows), for one unit or all."""
    if unit_code is not None:
        table = table[table["unit_code"].to_numpy() == unit_code]
    counts = table.groupby(column, observed=True)["rows"].sum()
    return {name: int(counts.get(name, 0)) for name in names}


def count_rows(rows: pd.DataFrame, counted: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every extracted row counted by unit, status and exclusion reason (for accounting), with
    the rows the database counted instead of reading (``counted``: the same columns and rows)."""
    table = rows.groupby(ACCOUNTING_KEYS, observed=True, dropna=False).size().rename("rows").reset_index()
    if counted is None or not len(counted):
        return table
    both = pd.concat([table.astype({"unit_code": object}), counted], ignore_index=True)
    both["unit_code"] = pd.Categorical(both["unit_code"])
    return both.groupby(ACCOUNTING_KEYS, observed=True, dropna=False)["rows"].sum().reset_index()
