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


def group_numbers(
    rows: pd.DataFrame, keys: Sequence[str], missing: bool = True
) -> tuple[np.ndarray, pd.DataFrame]:
    """A group number per row of ``rows`` by the text of ``keys`` (none: one group) and the
    groups' labels (as text), the groups in text order. ``missing``: a missing value is a group
    of its own, after every text; else a row with one gets number -1 and is in no group.
    Numbered through categorical codes (values.text_categorical), not a million strings."""
    if not keys:
        return np.zeros(len(rows), dtype=np.int64), pd.DataFrame(index=[0])
    codes = np.zeros(len(rows), dtype=np.int64)
    dropped = np.zeros(len(rows), dtype=bool)
    parts = []
    for key in keys:
        text = text_categorical(rows[key])
        part = text.codes.astype(np.int64)
        uniques = np.asarray(text.categories, dtype=object)
        if (part < 0).any():
            if missing:  # a group of its own, after every text
                part, uniques = np.where(part < 0, len(uniques), part), np.append(uniques, np.nan)
            else:
                dropped |= part < 0
                part = np.maximum(part, 0)
        codes = codes * len(uniques) + part
        parts.append(uniques)
    present, dense = _dense(codes[~dropped], int(np.prod([len(u) for u in parts])))
    number = np.full(len(rows), -1, dtype=np.int64)
    number[~dropped] = dense
    labels = {}
    for key, uniques in zip(reversed(keys), reversed(parts), strict=True):
        labels[key] = uniques[present % len(uniques)]
        present = present // len(uniques)
    return number, pd.DataFrame({k: labels[k] for k in keys})


def _dense(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` for codes below ``size``: counted, not sorted."""
    if size > 4 * len(codes) + 1024:  # too sparse to count
        present, dense = np.unique(codes, return_inverse=True)
        return present, dense.ravel()
    seen = np.bincount(codes, minlength=size) > 0
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[codes]


def sums_by_text(cases: pd.DataFrame, keys: Sequence[str], counts: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per group of the text of ``keys`` (none: one row), the sum of each of ``counts`` (flags
    or whole numbers, one per row of ``cases``) as int64, under its name: the keys as text, the
    groups in text order; a row missing a key is in no group (:func:`group_numbers`)."""
    number, out = group_numbers(cases, keys, missing=False)
    kept = number >= 0
    for name, values in counts.items():
        values = np.asarray(values)
        if values.dtype == bool:
            sums = np.bincount(number[kept & values], minlength=len(out))
        else:  # whole numbers: summed exactly in float64 below 2**53
            sums = np.bincount(number[kept], weights=values[kept], minlength=len(out))
        out[name] = sums.astype(np.int64)
    return out.reset_index(drop=True)


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
