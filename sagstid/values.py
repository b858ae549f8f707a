"""The one test for a missing value, whatever its kind (None, NaN, NaT, pandas NA), and the one
quick equality test of a column against a value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pandas NA; False for anything else, lists included."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def equals(values: pd.Series, value: object) -> np.ndarray:
    """``values == value`` as a boolean array, missing values False. Quick on every kind of
    column: a categorical compares its codes, pandas' Arrow text compares in Arrow, so a
    million-row column is never turned into Python objects to find one unit's rows."""
    return np.asarray((values == value).to_numpy(dtype=bool, na_value=False))


def text_array(values: pd.Series) -> np.ndarray:
    """``values.astype(str).to_numpy()`` (an object array of text, NaN where missing), without
    turning a categorical's every row into a Python object first: its few categories are
    made text and taken by code."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = np.asarray(values.cat.categories.astype(str), dtype=object)
        codes = values.cat.codes.to_numpy()
        out = np.append(categories, np.nan)[np.where(codes >= 0, codes, len(categories))]
        return np.asarray(out, dtype=object)
    return np.asarray(values.astype(str).to_numpy(), dtype=object)


def text_categorical(values: pd.Series) -> pd.Categorical:
    """``text_array(values)`` as a categorical whose categories are the distinct texts in text
    order: grouped by (``observed=True, sort=True``), its groups are those of the text, in the
    text's order, without a million Python strings being made and hashed. A categorical column
    keeps its codes; only its few categories are made text."""
    if isinstance(values.dtype, pd.StringDtype):  # text already: pandas sorts the categories
        return pd.Categorical(values)
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Categorical(text_array(values))
    texts = np.asarray(values.cat.categories.astype(str), dtype=object)
    distinct, position = np.unique(texts, return_inverse=True)
    codes = values.cat.codes.to_numpy()
    remapped = np.where(codes >= 0, position.ravel()[np.maximum(codes, 0)], -1)
    return pd.Categorical.from_codes(remapped, categories=pd.Index(distinct, dtype=object))
