"""Lean frames (sagstid/source/lean.py): a run holds the decisions' dates and codes as
categories from the read on, its ids as text, and validation reads a categorical's distinct
values once. Checked against the values as the database holds them (sqlite3 itself) and
against validation of the same values held as text, with answers worked out by hand."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sagstid.periods import Period
from sagstid.source.db import connect, reading_through
from sagstid.source.extract import extract_decision_periods
from sagstid.source.lean import LEAN_COLUMNS, concat_rows, lean
from sagstid.validate.flow import validate_flow
from sagstid.validate.rows import PADDED, as_text, parse_dates, text_codes
from sagstid.values import categorical_of, distinct, is_missing, taken

PERIOD = Period.year(2025)
PREVIOUS = Period.year(2024)
ROWS = 600  # enough rows that a text column's cost per row shows


def _row(i: int) -> dict[str, object]:
    return {
        "decision_id": i,
        "case_id": f"S-{i:05d}",
        "citizen_ref": "x",
        "unit_code": ["JC-NORD", "JC-SYD  ", " BC-UNG"][i % 3],  # padded, as a CHAR column gives
        "case_area_code": ["KH-ANS", "SD-LED"][i % 2],
        "received_date": f"2024-{1 + i % 12:02d}-01",
        "decided_date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "sent_date": None if i % 5 else f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "delay_notice_date": None,
    }


def _hard_rows() -> list[dict[str, object]]:
    rows = [_row(i) for i in range(1, ROWS + 1)]
    rows[0]["sent_date"] = 20250304  # SQLite keeps a number in a text date column
    rows[1]["decided_date"] = "2025-02-30"  # no such day
    rows[2]["unit_code"] = None
    return rows


@pytest.mark.parametrize("reader", ["arrow", "sqlalchemy"])
def test_dates_and_codes_read_as_categories_with_the_values_the_table_holds(
    make_db: Callable[..., str], reader: str
) -> None:
    url = make_db(decisions=_hard_rows())
    engine = connect(url)
    try:
        with reading_through(reader):
            both, earlier = extract_decision_periods(engine, PERIOD, PREVIOUS)
    finally:
        engine.dispose()
    frame = both.in_period
    assert len(frame) == ROWS
    for column in ("unit_code", "case_area_code", "received_date", "decided_date", "sent_date"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
        assert isinstance(earlier.in_period[column].dtype, pd.CategoricalDtype), column
    assert not isinstance(frame["case_id"].dtype, pd.CategoricalDtype)  # ids: nearly all distinct
    # the values are the table's own, read by sqlite3 itself (numbers stay numbers)
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        table = connection.execute(
            "SELECT decision_id, unit_code, decided_date, sent_date FROM decisions ORDER BY decision_id"
        ).fetchall()
    read = frame.sort_values("decision_id")
    for k, column in enumerate(("unit_code", "decided_date", "sent_date"), start=1):
        got = [None if is_missing(v) else v for v in read[column].astype(object)]
        assert got == [row[k] for row in table], column
    # a date held as a category costs a byte or two a row, not the ten of its text
    for column in ("received_date", "decided_date", "unit_code"):
        assert frame[column].memory_usage(deep=True, index=False) < 4 * ROWS, column


def test_ids_stay_text_and_values_of_several_kinds_stay_as_read() -> None:
    frame = pd.DataFrame(
        {
            "sent_date": pd.Series(["2025-01-02", b"\x00\x01", 20250304, None], dtype=object),
            "case_id": pd.Series(["S-1", "S-2", "S-3", "S-4"], dtype="str"),
        }
    )
    lean(frame)
    assert isinstance(frame["sent_date"].dtype, pd.CategoricalDtype)
    assert frame["sent_date"].astype(object).tolist()[:3] == ["2025-01-02", b"\x00\x01", 20250304]
    _, unreadable = parse_dates(frame["sent_date"])
    assert unreadable.tolist() == [False, True, True, False]
    assert not isinstance(frame["case_id"].dtype, pd.CategoricalDtype)
    assert "case_id" not in LEAN_COLUMNS and "decision_id" not in LEAN_COLUMNS


def test_trimmed_codes_of_a_categorical_column_as_of_the_same_text() -> None:
    values = [" JC-NORD", "JC-NORD", None, "JC-SYD  ", "JC-SYD"]
    # categories include one no row uses (a row of another period held it)
    held = pd.DataFrame(
        {"unit_code": pd.Categorical(values, categories=["CDU", " JC-NORD", "JC-NORD", "JC-SYD", "JC-SYD  "])}
    )
    text = pd.DataFrame({"unit_code": pd.Series(values, dtype="str")})
    text_codes(held, ("unit_code",))
    text_codes(text, ("unit_code",))
    # by hand: trimmed, the padded rows flagged, and only the codes that occur as categories
    assert [None if is_missing(v) else v for v in held["unit_code"]] == [
        "JC-NORD",
        "JC-NORD",
        None,
        "JC-SYD",
        "JC-SYD",
    ]
    assert held[PADDED + "unit_code"].tolist() == [True, False, False, True, False]
    assert isinstance(held["unit_code"].dtype, pd.CategoricalDtype)
    assert held["unit_code"].cat.categories.tolist() == ["JC-NORD", "JC-SYD"]
    # the same as the text's, once made a category as validation makes it
    assert held["unit_code"].dtype == text["unit_code"].astype("category").dtype
    assert held[PADDED + "unit_code"].tolist() == text[PADDED + "unit_code"].tolist()


def test_dates_of_a_categorical_column_read_once_per_distinct_value() -> None:
    values = pd.Series(
        pd.Categorical(
            ["2025-01-02", "2025-02-30", None, "2025-01-02", 20250304],
            categories=[20250304, "2024-12-31", "2025-01-02", "2025-02-30"],  # 2024-12-31: unused
        )
    )
    days, unreadable = parse_dates(values)
    assert days.tolist() == [
        pd.Timestamp("2025-01-02"),
        pd.NaT,
        pd.NaT,
        pd.Timestamp("2025-01-02"),
        pd.NaT,
    ]
    assert unreadable.tolist() == [False, True, False, False, True]  # no such day; a number


def test_codes_held_as_numbers_made_text_from_a_categorical() -> None:
    codes = pd.Series(pd.Categorical([101.0, 7.0, None, 101.0]))
    assert [None if is_missing(v) else v for v in as_text(codes)] == ["101", "7", None, "101"]


def test_rows_joined_keep_their_categories() -> None:
    read = pd.DataFrame({"code": pd.Categorical(["b", "a"]), "n": [1, 2], "kind": pd.Categorical([1, 2])})
    open_now = pd.DataFrame(
        {
            "code": pd.Series(["c", None, "a"], dtype="str"),
            "n": [3, 4, 5],
            "kind": pd.Categorical(["x", "y", "x"]),
        }
    )
    joined = concat_rows([read, open_now])
    assert isinstance(joined["code"].dtype, pd.CategoricalDtype)
    assert joined["code"].cat.categories.tolist() == ["a", "b", "c"]
    assert [None if is_missing(v) else v for v in joined["code"]] == ["b", "a", "c", None, "a"]
    assert joined["n"].tolist() == [1, 2, 3, 4, 5]
    assert joined.index.tolist() == [0, 1, 2, 3, 4]
    # categories of different kinds (numbers, text) are joined as pandas joins them: values kept
    assert joined["kind"].astype(object).tolist() == [1, 2, "x", "y", "x"]


def test_distinct_values_taken_back_by_code() -> None:
    text = pd.Series(["b", None, "a", "b"], dtype="str")
    codes, uniques = distinct(text)
    assert [uniques[c] if c >= 0 else None for c in codes] == ["b", None, "a", "b"]
    assert taken(codes, np.array([len(u) * 10 for u in uniques]), -1).tolist() == [10, -1, 10, 10]
    # two distinct values with the same text are one category; an unused one none
    made = categorical_of(np.array([0, 1, -1, 2]), np.array(["x", "x", "y", "z"], dtype=object), text.index)
    assert made.cat.categories.tolist() == ["x", "y"]
    assert [None if is_missing(v) else v for v in made] == ["x", "x", None, "y"]


def test_flow_rows_keep_their_codes_categorical_as_the_text_they_were() -> None:
    raw = pd.DataFrame(
        {
            "decision_id": [1, 2, 3, 4],
            "unit_code": pd.Categorical(["JC-NORD", "JC-NORD", "JC-SYD", "NOPE"]),
            "case_area_code": pd.Categorical([101.0, "KH-ANS", None, "KH-ANS"]),
            "received_date": pd.Categorical(["2025-01-02"] * 4),
            "decided_date": pd.Categorical(["2025-02-03", None, "2025-01-01", "2025-02-03"]),
            "duplicate_id": [0, 0, 0, 0],
        }
    )
    units = pd.DataFrame({"unit_code": ["JC-NORD", "JC-SYD"]})
    rows = validate_flow(raw, units)
    # by hand: row 3 is decided before it was received, row 4's unit is unknown
    assert rows.left_out == 2
    assert isinstance(rows.cases["unit_code"].dtype, pd.CategoricalDtype)
    assert rows.cases["unit_code"].tolist() == ["JC-NORD", "JC-NORD"]
    # the codes as the text astype(str) made of them: a number's own text
    assert rows.cases["case_area_code"].tolist() == ["101.0", "KH-ANS"]
    assert rows.cases["case_area_code"].cat.categories.tolist() == ["101.0", "KH-ANS"]


def _complaint(i: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "complaint_id": i,
        "case_id": f"S-{i:05d}",
        "unit_code": "JC-NORD",
        "complaint_kind": "decision",
        "via_ombudsman": i % 2,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": f"2025-{1 + i % 12:02d}-01",
        "answered_date": f"2025-{1 + i % 12:02d}-20",
    }
    row.update(values)
    return row


@pytest.mark.parametrize("reader", ["arrow", "sqlalchemy"])
def test_complaints_dates_and_flags_lean_and_validated_as_from_text(
    make_db: Callable[..., str], reader: str
) -> None:
    from sagstid.source.extract import extract_complaints, extract_units
    from sagstid.source.lean import COMPLAINT_LEAN_COLUMNS
    from sagstid.validate.complaints import validate_complaints

    rows = [_complaint(i) for i in range(1, ROWS + 1)]
    rows[0]["via_ombudsman"] = "ja"  # a flag as a word: yes
    rows[1]["insured_unemployed"] = 7  # neither yes nor no: invalid_flag
    rows[2]["answered_date"] = "2025-02-30"  # no such day: invalid_date
    rows[3]["received_date"] = 20250304  # a number in a date column
    rows[4]["five_day_rule"] = None  # NULL is no
    engine = connect(make_db(complaints=rows))
    try:
        with reading_through(reader):
            lean_rows, units = extract_complaints(engine), extract_units(engine)
    finally:
        engine.dispose()
    for column in ("received_date", "answered_date", "via_ombudsman", "insured_unemployed"):
        assert column in COMPLAINT_LEAN_COLUMNS
        assert isinstance(lean_rows[column].dtype, pd.CategoricalDtype), column
    assert lean_rows["via_ombudsman"].astype(object).iloc[:2].tolist() == ["ja", 0]
    # the same rows held as read (plain columns) are validated to the very same frame
    plain = lean_rows.astype({c: object for c in COMPLAINT_LEAN_COLUMNS if c in lean_rows})
    validated = validate_complaints(lean_rows, units, PERIOD)
    pd.testing.assert_frame_equal(validated, validate_complaints(plain, units, PERIOD))
    # and by hand: the word is a yes; 7, the impossible day and the number exclude their rows
    assert validated["via_ombudsman"].iloc[0] == 1
    assert validated["reason"].iloc[1] == "invalid_flag"
    assert validated["reason"].iloc[2] == "invalid_date"
    assert validated["reason"].iloc[3] == "invalid_date"  # a number is no date
    assert validated["five_day_rule"].iloc[4] == 0
    assert (validated["status"] == "measured").sum() == ROWS - 3
