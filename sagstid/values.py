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


def distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values)``: each row's code (-1 where missing) and the distinct values as
    an object array, to work out something once per distinct value. A categorical gives its
    own codes and categories (unused ones included) and pandas' Arrow text is factorized in
    Arrow: neither is turned into a Python object per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), np.asarray(values.cat.categories, dtype=object)
    text = isinstance(values.dtype, pd.StringDtype)
    codes, uniques = pd.factorize(values if text else values.astype(object))
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def taken(codes: np.ndarray, per_value: np.ndarray, missing: Any) -> np.ndarray:
    """``per_value[code]`` for each of ``codes`` (from :func:`distinct`), ``missing`` where a
    code is -1."""
    out = np.append(per_value, np.array([missing], dtype=per_value.dtype))
    return out[np.where(codes >= 0, codes, len(per_value))]


def categorical_of(codes: np.ndarray, texts: np.ndarray, index: pd.Index) -> pd.Series:
    """A categorical column whose row is ``texts[code]`` (missing where a code is -1): what
    ``astype("category")`` makes of that column of text, its categories the texts that occur,
    sorted, a text that ``texts`` holds twice one category; built from the codes, without a
    Python object per row."""
    used = np.zeros(len(texts), dtype=bool)
    used[codes[codes >= 0]] = True
    categories, position = np.unique(np.asarray(texts, dtype=object)[used], return_inverse=True)
    renumbered = np.full(len(texts) + 1, -1, dtype=np.int64)
    renumbered[np.flatnonzero(used)] = position.ravel()
    out = pd.Categorical.from_codes(
        renumbered[np.where(codes >= 0, codes, len(texts))], categories=pd.Index(categories, dtype="str")
    )
    return pd.Series(out, index=index)
