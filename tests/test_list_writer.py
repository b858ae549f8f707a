"""report/list_writer.py: a case list written a column at a time reads back exactly as the same
cells written one by one through xlsxwriter's own ``write_string`` / ``write_number``.

The reference workbook is written here cell by cell with plain xlsxwriter calls (the expected
Excel day numbers worked out by hand), and both files are read back with openpyxl: every
cell's value, type, number format, font and fill must be the same.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from sagstid.report import list_writer as lists

OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

IDS = ["00123", '=HYPERLINK("http://example.org","klik")', " lead", "trail ", "a & b < c > d"]
IDS += ["tab\there", "bell\x07", "_x0041_ literal", "S-9", None]
AREAS = ["Mentorstøtte", "Sygedagpenge", "Mentorstøtte", "Mentorstøtte", None] * 2  # repeated: shared
DATES = ["2025-01-01", "2025-03-01", None, "2024-12-31", "2025-01-02"] * 2
# Excel day numbers by hand: 2025-01-01 is day 45658 (1900 date system); 2025-03-01 is
# 45658 + 31 (January) + 28 (February) = 45717; 2024-12-31 is 45657; 2025-01-02 is 45659.
SERIALS = [45658, 45717, None, 45657, 45659] * 2
DAYS = [3, 0, 12, None, 7.5, 1, 2, 3, 4, 5]
GROUPS = ["due", "late", "late", "check", "due", "late", "due", "due", "check", "late"]


def _write(path: Path, fast: bool, constant_memory: bool = True) -> None:
    """A title and a header, the ten rows, and a note below them."""
    book = xlsxwriter.Workbook(str(path), {**OPTIONS, "constant_memory": constant_memory})
    ws = book.add_worksheet("Liste")
    text = book.add_format({"valign": "top"})
    day = book.add_format({"num_format": "dd-mm-yyyy", "valign": "top"})
    whole = book.add_format({"num_format": "#,##0", "valign": "top"})
    colour = {
        "due": book.add_format({"font_color": "#006100", "bg_color": "#C6EFCE", "pattern": 1}),
        "late": book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "pattern": 1}),
        "check": book.add_format({"italic": True}),
    }
    ws.write_string(0, 0, "Overskredne frister", book.add_format({"bold": True}))
    ws.set_row(2, 30)
    for col, heading in enumerate(["Sagsnummer", "Sagsområde", "Frist", "Dage", "Gruppe", "Underrettet"]):
        ws.write_string(2, col, heading, text)
    notice = [DATES[i] if i % 3 == 0 else None for i in range(10)]
    if fast:
        last = lists.write_list(
            ws,
            3,
            [
                lists.text(pd.Series(IDS, dtype=object), text),
                lists.text(pd.Series(AREAS, dtype="category"), text),
                lists.date(pd.Series(pd.to_datetime(DATES)), day),
                lists.number(pd.Series(DAYS, dtype="float64"), whole),
                lists.text(GROUPS, [colour[g] for g in GROUPS]),
                lists.date(pd.Series(pd.to_datetime(notice)), day, missing_text="Nej", missing_fmt=text),
            ],
        )
        assert last == 12
    else:  # the reference: one cell at a time, as the writers did before
        for i in range(10):
            row = 3 + i
            if IDS[i] is not None:
                ws.write_string(row, 0, IDS[i], text)
            if AREAS[i] is not None:
                ws.write_string(row, 1, AREAS[i], text)
            if SERIALS[i] is not None:
                ws.write_number(row, 2, SERIALS[i], day)
            if DAYS[i] is not None:
                ws.write_number(row, 3, DAYS[i], whole)
            ws.write_string(row, 4, GROUPS[i], colour[GROUPS[i]])
            serial = {0: 45658, 3: 45657, 6: 45717, 9: 45659}.get(i)  # DATES[i % 5] of rows 0, 3, 6, 9
            if serial is not None:
                ws.write_number(row, 5, serial, day)
            else:
                ws.write_string(row, 5, "Nej", text)
    ws.write_string(14, 0, "Note under listen", text)
    ws.autofilter(2, 0, 12, 5)
    book.close()


def _cells(path: Path) -> dict[str, tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)["Liste"]
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            out[c.coordinate] = (
                c.value,
                c.data_type,
                c.number_format,
                c.font.b,
                c.font.i,
                c.font.color.rgb if c.font.color else None,
                c.fill.fgColor.rgb if c.fill.fill_type else None,
            )
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lists")
    paths = {
        "fast": folder / "fast.xlsx",
        "reference": folder / "reference.xlsx",
        "in_memory": folder / "in_memory.xlsx",
        "reference_in_memory": folder / "reference_in_memory.xlsx",
    }
    _write(paths["reference"], fast=False)
    _write(paths["reference_in_memory"], fast=False, constant_memory=False)
    _write(paths["in_memory"], fast=True, constant_memory=False)
    mp = pytest.MonkeyPatch()

    def never(*_: Any) -> None:
        raise AssertionError("the constant_memory list must not be written cell by cell")

    mp.setattr(lists, "_write_cells", never)
    try:
        _write(paths["fast"], fast=True)
    finally:
        mp.undo()
    return paths


def test_list_reads_back_as_the_same_cells_written_one_by_one(files: dict[str, Path]) -> None:
    fast, reference = _cells(files["fast"]), _cells(files["reference"])
    assert fast == reference
    # the hand-worked values themselves
    assert fast["A4"][:2] == ("00123", "s")  # an id is text, leading zeros kept
    assert fast["A5"][:2] == ('=HYPERLINK("http://example.org","klik")', "s")  # text, not a formula
    assert fast["A6"][0] == " lead" and fast["A7"][0] == "trail "  # spaces kept
    assert fast["A8"][0] == "a & b < c > d"
    assert "A13" not in fast and "B8" not in fast  # missing: no cell
    assert fast["C4"][0] == dt.datetime(2025, 1, 1) and fast["C5"][0] == dt.datetime(2025, 3, 1)
    assert fast["C4"][2] == "dd-mm-yyyy" and "C6" not in fast
    assert fast["D8"][0] == 7.5 and "D7" not in fast
    assert fast["F4"][0] == dt.datetime(2025, 1, 1) and fast["F5"][0] == "Nej"
    assert fast["E5"][5] == "FF9C0006" and fast["E4"][6] == "FFC6EFCE"  # one format per row
    assert fast["A15"][0] == "Note under listen"  # a row written after the list


def test_in_memory_workbook_gets_the_same_cells(files: dict[str, Path]) -> None:
    assert _cells(files["in_memory"]) == _cells(files["reference_in_memory"])


def test_sheet_set_up_and_shared_strings(files: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(files["fast"])
    ws = book["Liste"]
    assert ws.auto_filter.ref == "A3:F13"
    assert ws.row_dimensions[3].height == 30  # the header row's height, set before the list
    assert ws.dimensions == "A1:F15"
    with zipfile.ZipFile(files["fast"]) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        sst = archive.read("xl/sharedStrings.xml").decode()
    # repeated texts (areas, groups) are shared strings, the ids (and the missing date's
    # "Nej") inline; the shared table counts every use: 8 areas + 10 groups = 18
    assert re.search(r'<c r="A4" s="\d+" t="inlineStr">', sheet)
    assert re.search(r'<c r="B4" s="\d+" t="s">', sheet)
    assert sheet.count('t="s"') == 18
    assert 'count="18"' in sst and 'uniqueCount="5"' in sst  # Mentorstøtte Sygedagpenge due late check
    # text escaped as Excel reads it (ECMA-376 ST_Xstring): a control character as _xHHHH_,
    # a literal "_xHHHH_" with its underscore escaped, XML's &, <, >, and spaces kept
    assert "<t>bell_x0007_</t>" in sheet and "<t>_x005F_x0041_ literal</t>" in sheet
    assert "<t>a &amp; b &lt; c &gt; d</t>" in sheet
    assert '<t xml:space="preserve"> lead</t>' in sheet and '<t xml:space="preserve">trail </t>' in sheet
    # one <row> per row with cells, in order
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', sheet)]
    assert numbers == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15]


def test_a_list_cannot_go_above_rows_written(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {**OPTIONS, "constant_memory": True})
    ws = book.add_worksheet()
    ws.write_string(5, 0, "under")
    ws.write_string(6, 0, "further under")
    with pytest.raises(ValueError, match="above rows already written"):
        lists.write_list(ws, 4, [lists.text(["a"], None)])
    book.close()


def test_long_list_is_written_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lists, "CHUNK_ROWS", 7)
    path = tmp_path / "long.xlsx"
    book = xlsxwriter.Workbook(str(path), {**OPTIONS, "constant_memory": True})
    ws = book.add_worksheet("Liste")
    n = 50
    ids = [f"S-{i:03d}" for i in range(n)]
    last = lists.write_list(ws, 1, [lists.text(ids, None), lists.number(np.arange(n), None)])
    book.close()
    assert last == n
    rows = list(openpyxl.load_workbook(path)["Liste"].iter_rows(min_row=2, values_only=True))
    assert rows == [(f"S-{i:03d}", i) for i in range(n)]


def test_a_list_longer_than_the_sheet_is_refused(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {**OPTIONS, "constant_memory": True})
    ws = book.add_worksheet()
    # rows 1,048,574 and 1,048,575 (0-based) are the sheet's last two; three rows do not fit
    assert lists.write_list(ws, 1_048_574, [lists.text(["a", "b"], None)]) == 1_048_575
    with pytest.raises(ValueError, match="do not fit"):
        lists.write_list(ws, 1_048_574, [lists.text(["a", "b", "c"], None)])
    book.close()
