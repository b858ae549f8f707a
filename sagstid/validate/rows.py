"""The validation steps every source table shares: reading dates, the unit check, the first
exclusion reason that applies, and counting rows by status or reason."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.config import PlausibleDates
from sagstid.values import categorical_of, distinct, taken

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NAT = np.datetime64("NaT", "s")


@dataclass(frozen=True)
class DateWindow:
    """The plausible dates (docs/contract.md §1.1): a readable date before ``earliest`` or
    after ``latest`` is a placeholder (0001-01-01, 9999-12-31), not a day a case happened."""

    earliest: dt.date
    latest: dt.date

    @classmethod
    def default(cls, end: dt.date) -> DateWindow:
        """measurement.yaml's default window for a period ending ``end``."""
        return cls.of(PlausibleDates(), end)

    @classmethod
    def of(cls, settings: PlausibleDates, end: dt.date) -> DateWindow:
        """measurement.yaml's ``plausible_dates`` for a period ending ``end``."""
        return cls(*settings.window(end))

    def outside(self, days: np.ndarray) -> np.ndarray:
        """Readable days outside the window (``days`` as datetime64; NaT is not outside)."""
        day = days.astype("datetime64[D]")
        early, late = np.datetime64(self.earliest, "D"), np.datetime64(self.latest, "D")
        return ~np.isnat(day) & ((day < early) | (day > late))


def _day(value: object) -> np.datetime64:
    """One distinct value as a day: ISO ``YYYY-MM-DD`` text naming a real day, or a
    date/datetime value (floored to its day); NaT for anything else. Any year from 1 to 9999
    is held (numpy's datetime64[D]), so a placeholder such as 0001-01-01 stays readable and is
    judged by the window, never by what pandas' nanosecond timestamps can hold."""
    try:
        if isinstance(value, str):
            return np.datetime64(value, "D") if _ISO.match(value) else NAT
        if isinstance(value, dt.datetime):
            return np.datetime64(value.date(), "D")
        if isinstance(value, dt.date):
            return np.datetime64(value, "D")
        if isinstance(value, np.datetime64):
            return value.astype("datetime64[D]")
    except (ValueError, OverflowError):
        pass
    return NAT


def _parse_distinct(uniques: np.ndarray) -> np.ndarray:
    """``datetime64[s]`` for each distinct value (see ``_day``). A date column holds few
    distinct values, so this loops over those, not over the rows."""
    return np.array([_day(v) for v in uniques], dtype="datetime64[D]").astype("datetime64[s]")


def parse_dates(values: pd.Series, window: DateWindow | None = None) -> tuple[pd.Series, np.ndarray]:
    """Dates as ``datetime64[s]`` (NaT where empty, unreadable or outside ``window``) and a
    mask of the unreadable ones and, when a window is given, those outside it.

    Accepts SQL DATE values (date objects or datetime64; a time of day is dropped) and ISO
    ``YYYY-MM-DD`` text; any other text, such as ``31/02/2024`` or ``2024-02-30``, and any
    number (SQLite stores the text ``20250405`` in a DATE column as an integer) is unreadable.
    """
    parsed, unreadable, outside = parse_dates_in_window(values, window)
    return parsed, unreadable | outside


def parse_dates_in_window(
    values: pd.Series, window: DateWindow | None = None
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Dates as ``datetime64[s]`` with NaT where empty, unreadable or outside ``window``; the
    mask of unreadable values and the mask of readable values outside the window."""
    present = values.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if isinstance(values.dtype, pd.DatetimeTZDtype):  # the day on its own clock
            values = values.dt.tz_localize(None)
        days = values.to_numpy().astype("datetime64[D]").astype("datetime64[s]")
    else:  # each distinct value read once (a categorical's categories, Arrow text's values)
        codes, uniques = distinct(values)
        days = taken(codes, _parse_distinct(uniques), NAT)
    days = np.asarray(days, dtype="datetime64[s]")
    unreadable = present & np.isnat(days)
    outside = window.outside(days) if window is not None else np.zeros(len(days), dtype=bool)
    days = np.where(outside, NAT, days)
    return pd.Series(days, index=values.index, dtype="datetime64[s]"), unreadable, outside


PLACEHOLDER = "dq.placeholder_dates."
"""Prefix of a row-level flag column: the date in that column was a placeholder, read as empty."""


def parse_date_columns(
    rows: pd.DataFrame,
    columns: tuple[str, ...],
    window: DateWindow | None = None,
    keys: tuple[str, ...] = (),
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Parse ``columns`` of ``rows`` in place (a missing column is added empty). Returns, per
    row, whether any of its dates is unreadable, and each column's own unreadable mask.

    A date outside ``window`` in one of the ``keys`` columns (the dates a row is measured by:
    received, decided, answered, audited) counts as unreadable, so the row is ``invalid_date``;
    in any other column it counts as empty, and the row gets a ``dq.placeholder_dates.<column>``
    flag (counted by ``quality_notes``), so a placeholder notice date is never a timely notice.
    """
    invalid_any = np.zeros(len(rows), dtype=bool)
    invalid: dict[str, np.ndarray] = {}
    for column in columns:
        if column not in rows:
            rows[column] = None
        rows[column], unreadable, outside = parse_dates_in_window(rows[column], window)
        if column in keys:
            invalid[column] = unreadable | outside
        else:
            invalid[column] = unreadable
            if window is not None:
                rows[PLACEHOLDER + column] = outside
        invalid_any |= invalid[column]
    return invalid_any, invalid


Notes = dict[str, dict[str, int]]
"""Data-quality counts of a table: ``{note: {column: rows}}``."""


def complete_notes(counts: Notes, columns: dict[str, tuple[str, ...]]) -> Notes:
    """``counts`` with every note and column of ``columns`` present (zero where none)."""
    return {note: {c: int(counts.get(note, {}).get(c, 0)) for c in names} for note, names in columns.items()}


def quality_notes(rows: pd.DataFrame) -> dict[str, dict[str, int]]:
    """The data-quality counts of a validated table from its ``dq.<note>.<column>`` flag
    columns: ``{note: {column: rows}}``, e.g. ``{"placeholder_dates": {"sent_date": 1}}``."""
    notes: dict[str, dict[str, int]] = {}
    for name in rows.columns:
        if isinstance(name, str) and name.startswith("dq."):
            _, note, column = name.split(".", 2)
            notes.setdefault(note, {})[column] = int(rows[name].to_numpy(dtype=bool).sum())
    return notes


PADDED = "dq.padded_codes."
"""Prefix of a row-level flag column: the code in that column had spaces around it."""


def as_text(values: pd.Series) -> pd.Series:
    """Codes and ids as text, whatever type the database gave them (SQL Server's integer
    unit codes, a float column where an integer column has NULLs): 101 and 101.0 -> '101';
    NULL stays missing. Vectorised by type; object columns mapped over distinct values."""
    if isinstance(values.dtype, pd.StringDtype):  # text already (pandas' Arrow-backed str)
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):  # its categories made text, taken by code
        codes, categories = distinct(values)
        texts = np.asarray(as_text(pd.Series(categories, dtype=object)), dtype=object)
        return pd.Series(taken(codes, texts, None), index=values.index, dtype="str")
    if pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype(object)
    if pd.api.types.is_integer_dtype(values.dtype):
        out = values.astype("str")
        return out.where(values.notna())
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.notna() & (values % 1 == 0)
        text = values.astype("str")
        text[whole] = values[whole].astype(np.int64).astype("str")
        return text.where(values.notna())
    codes, uniques = distinct(values)
    mapped = np.array([_text(v) for v in uniques], dtype=object)
    return pd.Series(taken(codes, mapped, None), index=values.index, dtype="str")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def text_codes(rows: pd.DataFrame, codes: tuple[str, ...], ids: tuple[str, ...] = ()) -> None:
    """In place: ``codes`` as trimmed text, each with a ``dq.padded_codes.<column>`` flag for
    the rows whose code had spaces around it ('KH-ANS   ' from a CHAR column matches KH-ANS);
    ``ids`` as text, untrimmed (docs/contract.md §1.1)."""
    for column in codes:
        if column not in rows:
            continue
        if isinstance(rows[column].dtype, pd.CategoricalDtype):  # kept categorical (source/lean.py)
            rows[PADDED + column], rows[column] = _trimmed_categories(rows[column])
            continue
        text = as_text(rows[column])
        trimmed = text.str.strip()
        rows[PADDED + column] = (text.notna() & (trimmed != text)).to_numpy(dtype=bool)
        rows[column] = trimmed
    for column in ids:
        if column in rows:
            rows[column] = as_text(rows[column])


def _trimmed_categories(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """A categorical code column's padded-code flags and its codes as trimmed text, still
    categorical: each category made text and trimmed once, not each row."""
    codes, categories = distinct(values)
    text = as_text(pd.Series(categories, dtype=object))
    trimmed = text.str.strip()
    padded = (text.notna() & (trimmed != text)).to_numpy(dtype=bool)
    texts = np.asarray(trimmed, dtype=object)
    return taken(codes, padded, False), categorical_of(codes, texts, values.index)


def clean_units(units: pd.DataFrame) -> pd.DataFrame:
    """The units table with codes as trimmed text (names trimmed too)."""
    units = units.copy()
    text_codes(units, ("unit_code", "unit_name", "unit_type"))
    return units.drop(columns=[c for c in units.columns if str(c).startswith("dq.")])


FLAG_TRUE = frozenset({"1", "true", "ja", "j", "yes", "y"})
FLAG_FALSE = frozenset({"0", "false", "nej", "n", "no"})
"""The one rule for every 0/1 column (docs/contract.md §1.1), case-insensitive and trimmed."""


def parse_flag(values: pd.Series, null_is_false: bool) -> tuple[np.ndarray, np.ndarray]:
    """A 0/1 column as booleans and a mask of values that are not a yes or a no (excluded
    with a named reason by the caller, never read as 0). 1/0 (1.0/0.0, true/false values too),
    true/false, ja/nej, j/n, yes/no, y/n. NULL is no when ``null_is_false``, else invalid."""
    codes, uniques = distinct(values)
    meaning = taken(codes, np.array([_flag_value(v) for v in uniques], dtype=object), "")
    if null_is_false:
        meaning = np.where(codes < 0, "no", meaning)
    return meaning == "yes", ~np.isin(meaning, ["yes", "no"])


def _flag_value(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "yes" if value == 1 else "no" if value == 0 else ""
    if isinstance(value, str):
        word = value.strip().lower()
        return "yes" if word in FLAG_TRUE else "no" if word in FLAG_FALSE else ""
    return ""


def unknown_unit(rows: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """Rows whose unit_code is not in the units table (its codes read as trimmed text, as the
    rows' codes are: ``clean_units``)."""
    known = as_text(units["unit_code"]).dropna().str.strip().unique()
    return ~rows["unit_code"].isin(known).to_numpy()


def first_reason(population: np.ndarray, conditions: list[np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """For each row of ``population``, the index into ``names`` of the first condition that
    holds (-1 if none does, and for rows outside the population), as int8: one byte a row, not
    a column of text."""
    assert len(names) < 127 and len(conditions) == len(names)
    out = np.full(len(population), -1, dtype=np.int8)
    pending = np.array(population, dtype=bool)
    for k, condition in enumerate(conditions):
        hit = pending & np.asarray(condition, dtype=bool)
        out[hit] = k
        pending &= ~hit
    return out


def reason_column(reason: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    """``first_reason``'s result as a categorical column (missing where no reason applies)."""
    return pd.Categorical.from_codes(reason, categories=list(names))  # type: ignore[call-overload]


def status_column(
    conditions: list[np.ndarray], labels: list[str], default: str, categories: tuple[str, ...]
) -> pd.Categorical:
    """The label of the first condition that holds (``default`` where none does) for each row,
    as a categorical column of ``categories`` (``np.select`` over the categories' codes)."""
    codes = np.select(conditions, [categories.index(label) for label in labels], categories.index(default))
    return pd.Categorical.from_codes(codes.astype(np.int8), categories=list(categories))  # type: ignore[call-overload]


def count_values(values: pd.Series, names: tuple[str, ...]) -> dict[str, int]:
    """How many of ``values`` are each of ``names`` (zero included), e.g. rows per status."""
    counts = values.value_counts()
    return {name: int(counts.get(name, 0)) for name in names}
