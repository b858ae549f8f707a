"""report/printing.py: the page set-up read back with openpyxl from a written workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from sagstid.report import printing

INFO = printing.PrintInfo("Sagstidsmåling 2025: Jobcenter Nord", "2025", dt.date(2026, 1, 15))


def _write(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    dashboard = workbook.add_worksheet("Overblik")
    dashboard.write(0, 0, "Overblik")
    printing.setup_dashboard(dashboard, INFO, area=(0, 0, 39, 9), scale=75)
    cases = workbook.add_worksheet("Overskredne frister")
    for row in range(200):
        cases.write(row, 0, f"sag {row}")
    printing.setup_list(cases, INFO, header_rows=(3, 3), lists_cases=True)
    plain = workbook.add_worksheet("Metode")
    plain.write(0, 0, "Metode")
    printing.setup_list(plain, INFO)
    charts = workbook.add_worksheet("Månedlig udvikling")
    charts.write(0, 0, "x")
    printing.setup_paged(charts, INFO, width_px=1500, breaks=[35, 17], header_rows=(3, 3))
    workbook.close()


def test_page_setup_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "print.xlsx"
    _write(path)
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        footer = ws.oddFooter
        assert footer.left.text == "Sagstidsmåling 2025: Jobcenter Nord"
        assert footer.center.text == "2025"
        assert footer.right.text == "Kørt 15-01-2026 · Side &P af &N"

    dash = book["Overblik"]
    assert int(dash.page_setup.scale) == 75
    assert not (dash.sheet_properties.pageSetUpPr and dash.sheet_properties.pageSetUpPr.fitToPage)
    assert dash.print_area == "'Overblik'!$A$1:$J$40"
    assert dash.print_options.horizontalCentered
    assert dash.sheet_view.showGridLines is False

    cases = book["Overskredne frister"]
    assert cases.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth is left out of the XML when 1, its default in the OOXML standard
    assert int(cases.page_setup.fitToWidth or 1) == 1
    assert int(cases.page_setup.fitToHeight) == 0  # as many pages tall as needed
    assert cases.print_title_rows == "$4:$4"  # 0-based row 3 is Excel's row 4
    assert "Internt - indeholder sagsnumre" in cases.oddHeader.right.text

    plain = book["Metode"]
    assert plain.print_title_rows is None
    assert not plain.oddHeader.right.text  # no case numbers, no "Internt"

    paged = book["Månedlig udvikling"]
    # the page holds (11.69 - 0.8) in * 96 = 1045.44 px at 100 %; 1500 px of sheet need
    # 1045.44 / 1500 = 69.7 %, rounded down to 69 %
    assert int(paged.page_setup.scale) == 69
    assert [b.id for b in paged.row_breaks.brk] == [17, 35]


def test_dashboard_scale_has_a_floor(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = workbook.add_worksheet()
    with pytest.raises(ValueError):
        printing.setup_dashboard(ws, INFO, area=(0, 0, 10, 5), scale=60)
    workbook.close()


def test_scale_for_width() -> None:
    # 1045 px fit at 100 %; 2090 px need half: 50 %; tiny sheets stay at 100 %
    assert printing.scale_for_width(500) == 100
    assert printing.scale_for_width(2090) == 50
    assert printing.scale_for_width(100_000) == 10


def test_footer_stays_within_excels_limit() -> None:
    info = printing.PrintInfo("Sagstidsmåling & opfølgning " * 20, "1. halvår 2025", dt.date(2025, 7, 1))
    footer = info.footer()
    assert len(footer) <= 255
    assert "&&" in footer  # a literal '&' is escaped
    assert "Side &P af &N" in footer and "1. halvår 2025" in footer


@pytest.mark.parametrize(
    ("headings", "widths", "points"),
    [
        # width 13 leaves 12 characters: "Forrige" (7) | "periode" (7) | "(2024)" (6): 3 lines
        (["Forrige periode (2024)", "Mål"], [13, 10], 45),
        # "Generel" (7) + " overholdelse" would be 20 > 12: 2 lines
        (["Generel overholdelse"], [13], 30),
        (["Ja", "Antal"], [5, 8], 15),  # one line each
    ],
)
def test_header_height(headings: list[str], widths: list[float], points: float) -> None:
    assert printing.header_height(headings, widths) == points
