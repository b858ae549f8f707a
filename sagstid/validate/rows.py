"""The validation steps every source table shares: reading dates, the unit check, the first
exclusion reason that applies, and counting rows by status or reason."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

_ISO_LENGTH = 10


def _parse_distinct(uniques: np.ndarray) -> np.ndarray:
    """``datetime64[s]`` for each distinct value: ISO ``YYYY-MM-DD`` text, or a date/datetime
    object (floored to its day); anything else (other text, numbers) is NaT, i.e. unreadable.
    A date column holds few distinct values, so this loops over those, not over the rows."""
    out = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[s]")
    text = np.array([isinstance(v, str) for v in uniques], dtype=bool)
    if text.any():
        texts = pd.Series(uniques[text], dtype=object)
        parsed = pd.to_datetime(texts, format="%Y-%m-%d", errors="coerce")
        parsed = parsed.where(texts.str.len().to_numpy() == _ISO_LENGTH)
        out[text] = parsed.to_numpy().astype("datetime64[s]")
    dated = np.array([isinstance(v, (dt.date, np.datetime64)) for v in uniques], dtype=bool)
    if dated.any():
        days = pd.to_datetime(pd.Series(uniques[dated], dtype=object), errors="coerce")
        out[dated] = days.dt.normalize().to_numpy().astype("datetime64[s]")
    return out


def parse_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates as ``datetime64[s]`` (NaT where empty or unreadable) and a mask of unreadable ones.

    Accepts SQL DATE values (date objects or datetime64; a time of day is dropped) and ISO
    ``YYYY-MM-DD`` text; any other text, such as ``31/02/2024`` or ``2024-02-30``, and any
    number (SQLite stores the text ``20250405`` in a DATE column as an integer) is unreadable.
    """
    present = values.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values.dt.normalize().astype("datetime64[s]")
    else:
        codes, uniques = pd.factorize(values.astype(object))
        taken = _parse_distinct(np.asarray(uniques, dtype=object))
        if len(taken):
            parsed = np.where(codes >= 0, taken[np.clip(codes, 0, None)], np.datetime64("NaT"))
        else:
            parsed = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    parsed = pd.Series(parsed, index=values.index).astype("datetime64[s]")
    invalid = present & parsed.isna().to_numpy()
    return parsed, invalid


def parse_date_columns(
    rows: pd.DataFrame, columns: tuple[str, ...]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Parse ``columns`` of ``rows`` in place (a missing column is added empty). Returns, per
    row, whether any of its dates is unreadable, and each column's own unreadable mask."""
    invalid_any = np.zeros(len(rows), dtype=bool)
    invalid: dict[str, np.ndarray] = {}
    for column in columns:
        if column not in rows:
            rows[column] = None
        rows[column], invalid[column] = parse_dates(rows[column])
        invalid_any |= invalid[column]
    return invalid_any, invalid


def unknown_unit(rows: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """Rows whose unit_code is not in the units table."""
    return ~rows["unit_code"].isin(units["unit_code"].dropna().unique()).to_numpy()


def first_reason(population: np.ndarray, conditions: list[np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """For each row of ``population``, the name of the first condition that holds ("" if none
    does, and for rows outside the population)."""
    return np.select([population & c for c in conditions], names, default="")


def reason_column(reason: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    """``first_reason``'s result as a categorical column (missing where no reason applies)."""
    return pd.Categorical(np.where(reason == "", None, reason), categories=names)  # type: ignore[call-overload]


def count_values(values: pd.Series, names: tuple[str, ...]) -> dict[str, int]:
    """How many of ``values`` are each of ``names`` (zero included), e.g. rows per status."""
    counts = values.value_counts()
    return {name: int(counts.get(name, 0)) for name in names}
