"""Grouping by a column's text (sagstid/values.py): ``text_categorical`` gives the groups, and
their order, that grouping ``text_array``'s Python strings gives, which is the independent
method here (lateness.py and promised.py group a million measured rows by it)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sagstid.measure.accounting import sums_by_text
from sagstid.measure.decisions import note_table
from sagstid.values import text_array, text_categorical

COLUMNS = {
    # categories in no text order; a code of -1 (missing)
    "unsorted": pd.Series(
        pd.Categorical(["YS", "BC-UNG", None, "JC-NORD", "YS"], categories=["YS", "JC-NORD", "BC-UNG"])
    ),
    # numbers: 10 before 9 as text, after it as numbers
    "numbers": pd.Series(pd.Categorical([9, 10, 9, 100])),
    # two categories with the same text (1 and "1"): one group
    "same text": pd.Series(pd.Categorical([1, "1", "2", 1], categories=[1, "1", "2"])),
    "unused category": pd.Series(pd.Categorical(["B", "B"], categories=["A", "B", "C"])),
    "plain text": pd.Series(["b", "a", None, "b", "B", "10", "9"], dtype="str"),
    "objects": pd.Series([3, "x", 3.5, None], dtype=object),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_groups_and_their_order_are_the_texts(name: str) -> None:
    values = COLUMNS[name]
    counts = np.arange(1, len(values) + 1)
    by_text = pd.DataFrame({"key": text_array(values), "n": counts}).groupby("key", sort=True)["n"].sum()
    by_codes = (
        pd.DataFrame({"key": text_categorical(values), "n": counts})
        .groupby("key", sort=True, observed=True)["n"]
        .sum()
    )
    assert [str(k) for k in by_codes.index] == list(by_text.index)
    assert by_codes.tolist() == by_text.tolist()


def test_by_hand() -> None:
    grouped = text_categorical(COLUMNS["numbers"])
    assert list(grouped.categories) == ["10", "100", "9"]  # text order
    assert list(grouped.astype(str)) == ["9", "10", "9", "100"]
    assert list(text_categorical(COLUMNS["same text"]).categories) == ["1", "2"]


@pytest.mark.parametrize("first", ["unsorted", "plain text", "objects"])
def test_sums_by_text_over_two_keys_as_grouping_the_strings(first: str) -> None:
    # sums_by_text (measure/accounting.py) counts over group numbers; grouping the strings of
    # text_array is the independent method: the same groups in the same order, the same sums,
    # and a row missing a key in no group
    values = COLUMNS[first]
    rows = len(values)
    second = pd.Series(pd.Categorical(["A", "B", "A", "B", "A", "B", "A"][:rows], categories=["B", "A", "C"]))
    rng = np.random.default_rng(3)
    flags = rng.random(rows) < 0.5
    whole = rng.integers(0, 1000, rows)
    cases = pd.DataFrame({"one": values, "two": second})
    got = sums_by_text(cases, ["one", "two"], {"flag": flags, "n": whole})
    plain = pd.DataFrame({"one": text_array(values), "two": text_array(second), "flag": flags, "n": whole})
    plain = plain[values.notna().to_numpy()]  # text_array makes a missing value NaN: no group
    expected = plain.groupby(["one", "two"], sort=True)[["flag", "n"]].sum().reset_index()
    assert got[["one", "two"]].values.tolist() == expected[["one", "two"]].values.tolist()
    assert got["flag"].tolist() == expected["flag"].astype(int).tolist()
    assert got["n"].tolist() == expected["n"].tolist()
    assert got["flag"].dtype == np.int64 and got["n"].dtype == np.int64
    total = sums_by_text(cases, [], {"flag": flags, "n": whole})  # no keys: one row, every row
    assert total[["flag", "n"]].values.tolist() == [[int(flags.sum()), int(whole.sum())]]


def test_note_table_by_hand() -> None:
    # the data-quality flags per unit as text, a missing unit as "" (first in text order), units
    # in text order whatever the categories' order; a unit with no flag still has its row
    rows = pd.DataFrame(
        {
            "unit_code": pd.Categorical(["YS", None, "BC", "YS"], categories=["YS", "BC", "UNUSED"]),
            "dq.placeholder_dates.sent_date": [True, True, False, True],
            "dq.padded_codes.unit_code": [False, False, True, False],
        }
    )
    table = note_table(rows)
    assert table.values.tolist() == [
        ["", "placeholder_dates", "sent_date", 1],
        ["BC", "placeholder_dates", "sent_date", 0],
        ["YS", "placeholder_dates", "sent_date", 2],
        ["", "padded_codes", "unit_code", 0],
        ["BC", "padded_codes", "unit_code", 1],
        ["YS", "padded_codes", "unit_code", 0],
    ]
    assert table["rows"].dtype == np.int64
