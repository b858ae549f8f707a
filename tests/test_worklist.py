"""The "Handlingsliste" and "Tilbageholdte afgørelser" sheets, reopened with openpyxl.

The snapshot is the Easter case of tests/test_snapshot.py (as of 2025-04-15, 3 working days),
with JC-NORD's case numbers replaced by a formula and a link text to check they stay text.
JC-NORD's open cases to act on, by hand, earliest deadline first:
  102 complaint (handling)  D 2025-04-10  overdue 5 days, notified          -> "Besvar klagen"
  1   decision A            D 2025-04-11  overdue 4 days, no notice         -> underretning + afgør
  2   decision A            D 2025-04-15  due soon, 0 working days, notified -> "Træf afgørelsen"
  101 complaint (decision)  D 2025-04-16  due soon, 1 working day, no notice
  3   decision A            D 2025-04-23  due soon, 3 working days, no notice
JC-NORD's decision 4-like cases within their deadline are not listed (it has none); JC-SYD's
cases are never in JC-NORD's sheet.
The held sheet is the JC-SYD unit of tests/test_held.py (flagged).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import test_held
import test_snapshot

from sagstid.report.worklist import (
    HELD_SHEET,
    WORKLIST_SHEET,
    write_held_sheet,
    write_worklist,
)
from sagstid.report.xlsx import Sheet, open_workbook

FORMULA = '=HYPERLINK("http://example.org","klik")'


@pytest.fixture
def snapshot(make_db, make_config):
    folder = make_config(deadlines=test_snapshot.DEADLINES, calendar=test_snapshot.CALENDAR)
    (folder / "measurement.yaml").write_text("due_soon_working_days: 3\n", encoding="utf-8")
    decisions = [dict(d) for d in test_snapshot.DECISIONS]
    decisions[0]["case_id"] = FORMULA
    db = make_db(decisions=decisions, complaints=test_snapshot.COMPLAINTS)
    return _snap(folder, db)


def _snap(folder: Path, db: str):
    from sagstid.config import load_config
    from sagstid.measure.open_cases import take_snapshot
    from sagstid.rules.deadlines import CatalogueArrays
    from sagstid.source.db import connect
    from sagstid.source.extract import extract_open_cases, extract_units

    config = load_config(folder)
    engine = connect(db)
    try:
        d, c = extract_open_cases(engine, test_snapshot.EASTER)
        return take_snapshot(
            d,
            c,
            extract_units(engine),
            config,
            CatalogueArrays.from_catalogue(config.catalogue),
            test_snapshot.EASTER,
        )
    finally:
        engine.dispose()


@pytest.fixture
def held(make_db, make_config, measure):
    source = make_db(
        decisions=test_held.weekly("JC-SYD", 1) + test_held.weekly("JC-NORD", 101) + test_held.HOLDING
    )
    return test_held._held(source, test_held._folder(make_config), measure)


@pytest.fixture
def book(tmp_path, snapshot, held) -> openpyxl.Workbook:
    path = tmp_path / "enhed.xlsx"
    with open_workbook(path, constant_memory=True) as (workbook, styles):
        Sheet(workbook, styles, "Overblik").title("Overblik")  # the lead's sheets come first
        write_worklist(
            workbook,
            styles,
            snapshot.cases("JC-NORD"),
            unit_name="Jobcenter Nord",
            as_of=test_snapshot.EASTER,
            horizon=snapshot.horizon,
        )
        write_held_sheet(
            workbook, styles, held, "JC-SYD", unit_name="Jobcenter Syd", period_label="marts 2025"
        )
    return openpyxl.load_workbook(path)


def _table(ws, header_row: int) -> list[dict]:
    headings = [c.value for c in ws[header_row]]
    rows = []
    for values in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if all(v is None for v in values):
            break
        rows.append(dict(zip(headings, values, strict=False)))
    return rows


def test_workbook_opens_on_the_worklist(book):
    assert book.sheetnames == ["Overblik", WORKLIST_SHEET, HELD_SHEET]
    assert book.active.title == WORKLIST_SHEET


def test_worklist_rows_oldest_deadline_first(book):
    ws = book[WORKLIST_SHEET]
    assert ws["A1"].value == "Handlingsliste 15-04-2025: Jobcenter Nord"
    assert "3 arbejdsdage: 5 sager" in ws["A2"].value
    rows = _table(ws, 4)
    assert [r["Id"] for r in rows] == ["102", "1", "2", "101", "3"]
    assert [r["Type"] for r in rows] == [
        "Klage over sagsbehandling",
        "Afgørelse",
        "Afgørelse",
        "Klage over afgørelse",
        "Afgørelse",
    ]
    assert [r["Frist"].date() for r in rows] == [dt.date(2025, 4, d) for d in (10, 11, 15, 16, 23)]
    assert [r["Dage over fristen"] for r in rows] == [5, 4, None, None, None]
    # only the cell that needs action is coloured: "✖ 5" days over, not the row (the ids above
    # stay bare text)
    assert [ws.cell(5 + i, 9).number_format.startswith('"✖ "') for i in range(5)] == [True, True] + [
        False
    ] * 3
    assert ws.cell(5, 5).fill.fill_type is None
    assert [r["Arbejdsdage til fristen"] for r in rows] == [None, None, 0, 1, 3]
    assert [r["Mangler underretning"] for r in rows] == ["Nej", "Ja", "Nej", "Ja", "Ja"]
    assert rows[0]["Handling"] == "Besvar klagen"
    assert rows[1]["Handling"] == "Send underretning til borgeren, og træf afgørelsen"
    assert rows[2]["Handling"] == "Træf afgørelsen"
    assert rows[0]["Status"] == "Fristen er overskredet"
    assert rows[2]["Status"] == "Fristen udløber inden for 3 arbejdsdage"
    assert rows[2]["Underretning sendt"].date() == dt.date(2025, 4, 14)
    assert rows[0]["Dage åben"] == 26  # 03-20 to 04-15
    # the rule behind each decision's deadline (area A: 10 calendar days); none for complaints
    assert [r["Fristregel"] for r in rows] == [
        None,
        "10 kalenderdage",
        "10 kalenderdage",
        None,
        "10 kalenderdage",
    ]


def test_worklist_is_filterable_frozen_and_text_stays_text(book):
    ws = book[WORKLIST_SHEET]
    assert ws.auto_filter.ref == "A4:N9"
    assert ws.freeze_panes == "A5"
    cell = next(c for c in ws["D"] if c.value == FORMULA)
    assert cell.data_type == "s"


def test_no_citizen_reference_and_no_other_unit(book):
    values = [
        str(v)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert not any(test_snapshot.CPR in v for v in values)
    ids = [r["Id"] for r in _table(book[WORKLIST_SHEET], 4)]
    assert not set(ids) & {"4", "5", "13", "103", "105"}  # JC-SYD's and YS's cases


def test_empty_worklist_says_so(tmp_path, snapshot):
    path = tmp_path / "tom.xlsx"
    with open_workbook(path) as (workbook, styles):
        write_worklist(
            workbook, styles, snapshot.cases("BC-UNG"), unit_name="Ung", as_of=test_snapshot.EASTER, horizon=3
        )
    ws = openpyxl.load_workbook(path)[WORKLIST_SHEET]
    assert ws["A4"].value == "Handling"
    assert ws["A5"].value == "Ingen åbne sager skal afgøres eller underrettes i dag."


def test_held_sheet(book):
    ws = book[HELD_SHEET]
    cells = {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row[0] is not None}
    assert ws["A1"].value == "Tilbageholdte afgørelser marts 2025: Jobcenter Syd"
    assert cells["Afgørelser truffet i perioden"][0] == 23
    assert cells["Tilbageholdte afgørelser"][:2] == (3, pytest.approx(3 / 23))
    assert cells["Overholdelse målt på afgørelsesdatoen"][1] == pytest.approx(17 / 23)
    assert cells["Overholdelse målt på afsendelsesdatoen (ikke sendt = ikke overholdt)"][1] == (
        pytest.approx(16 / 23)
    )
    # the flag is a status (xlsx.Styles): the word with its symbol, never colour alone
    assert cells["Mønster: den ugentlige andel sene afgørelser holdes lige under grænsen"][0] == "✖ Ja"
    assert cells["Samme dag"][0] == 20 and cells["11-20 arbejdsdage"][0] == 1
    assert cells["Ikke sendt"][0] == 1
    # only the "Uge med mønster" cell of a flagged week is marked
    assert cells["uge 11, 2025"][:7] == (5, 1, pytest.approx(0.2), 2, pytest.approx(3 / 7), "Ja", "✖ Ja")
    assert cells["uge 10, 2025"][5:7] == ("Nej", "Nej")  # outside the window, not suspicious
    # the threshold (test_held: 20 %) beside every week, the chart's dashed line; written with
    # the weeks' rows, so it is there in a constant_memory workbook too
    assert cells["Uge"][7] == "Grænse"
    assert cells["uge 10, 2025"][7] == pytest.approx(0.20) and cells["uge 11, 2025"][7] == pytest.approx(0.20)
    listed = [row for row in ws.iter_rows(values_only=True) if row[0] in ("S-901", "S-902", "S-903")]
    # not sent first, then oldest decision first
    assert [r[0] for r in listed] == ["S-902", "S-901", "S-903"]
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A")


def test_weekly_table_splits_into_page_sized_halves() -> None:
    """At most 27 weeks a part, the parts as even as possible: 52 weeks -> 26 + 26; 46 (a
    nightly in November) -> 23 + 23; 27 -> one part; 28 -> 14 + 14; none -> no part."""
    from sagstid.report.worklist import _week_halves

    assert _week_halves(52) == [(0, 26), (26, 52)]
    assert _week_halves(46) == [(0, 23), (23, 46)]
    assert _week_halves(27) == [(0, 27)]
    assert _week_halves(28) == [(0, 14), (14, 28)]
    assert _week_halves(0) == []
