"""The Excel reports, read back with openpyxl as a centre manager or the committee reads them.

The database below is built by hand and every expected figure is worked out by hand in the
comments (never by running the code). The test has its own small deadline catalogue, so a
change to the shipped config/ does not change these figures:

    MENTOR     4 weeks   (deadline = received + 28 days)
    SENIORJOB  4 weeks   (deadline = received + 28 days)
    BOLIGLAN   30 calendar days, no roll (deadline = received + 30 days)

Targets: general 90 %, concrete 80 %, delay notice 100 %. Period 2024, compared with 2023.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sagstid.measure.run import RunMeasurement
from sagstid.periods import Period
from sagstid.pipeline import build_context
from sagstid.report import unit_workbook as unit_module
from sagstid.report.committee_workbook import write_committee_workbook
from sagstid.report.status import MET, NOT_MET, STATUS_STYLE
from sagstid.report.unit_cut import cut_to_unit
from sagstid.report.unit_workbook import write_unit_workbook
from sagstid.report.xlsx import load_layout, sheet_name
from sagstid.schema import SQLITE_DDL
from sagstid.validate.decisions import DECISION_REASONS, STATUSES

HYPERLINK_CASE = '=HYPERLINK("http://example.org","klik")'

DEADLINES = """\
catalogue_version: "Testkatalog 2024-1"
deadlines:
  - {area: MENTOR, name: "Mentorstøtte", value: 4, unit: weeks, valid_from: 2015-01-01}
  - {area: SENIORJOB, name: "Seniorjob", value: 4, unit: weeks, valid_from: 2015-01-01}
  - {area: BOLIGLAN, name: "Lån til boligindskud", value: 30, unit: calendar_days, valid_from: 2015-01-01}
"""
TARGETS = "general: 90\nconcrete: 80\ndelay_notice: 100\n"

UNITS = [
    ("JC-NORD", "Jobcenter Nord", "jobcenter"),
    ("JC-SYD", "Jobcenter Syd", "jobcenter"),
    ("CDU", "Center for Driftsunderstøttelse", "klageenhed"),
]

# (decision_id, case_id, unit, area, received, decided, delay_notice)
DECISIONS = [
    # --- 2024, JC-NORD --------------------------------------------------------------------
    # MENTOR, received 2024-03-01 -> deadline 2024-03-29.
    (1, "N-101", "JC-NORD", "MENTOR", "2024-03-01", "2024-03-20", None),  # within, 19 days
    (
        2,
        "N-102",
        "JC-NORD",
        "MENTOR",
        "2024-03-01",
        "2024-03-29",
        None,
    ),  # on the deadline day: within, 28 days
    # 2024-03-29 -> 04-08 = 2 + 8 = 10 days over; notice 03-25 <= deadline: notified in time; 38 days
    (3, "N-103", "JC-NORD", "MENTOR", "2024-03-01", "2024-04-08", "2024-03-25"),
    (4, "N-104", "JC-NORD", "MENTOR", "2024-04-01", "2024-04-20", None),  # deadline 04-29: within, 19 days
    # SENIORJOB, received 2024-05-01 -> deadline 2024-05-29.
    (5, "N-201", "JC-NORD", "SENIORJOB", "2024-05-01", "2024-05-10", None),  # within, 9 days
    (6, "N-202", "JC-NORD", "SENIORJOB", "2024-05-01", "2024-05-15", None),  # within, 14 days
    (7, "N-203", "JC-NORD", "SENIORJOB", "2024-05-01", "2024-05-20", None),  # within, 19 days
    (8, "N-204", "JC-NORD", "SENIORJOB", "2024-05-01", "2024-05-29", None),  # within, 28 days
    # 05-29 -> 06-03 = 2 + 3 = 5 days over; notice 06-01 is after the deadline: late; 33 days
    (9, HYPERLINK_CASE, "JC-NORD", "SENIORJOB", "2024-05-01", "2024-06-03", "2024-06-01"),
    # BOLIGLAN, received 2024-09-02 -> deadline 2024-10-02; decided 10-09: 7 days over, no notice; 37 days
    (10, "N-301", "JC-NORD", "BOLIGLAN", "2024-09-02", "2024-10-09", None),
    # --- 2024, JC-SYD ---------------------------------------------------------------------
    # MENTOR, received 2024-02-01 -> deadline 2024-02-29 (leap year).
    (11, "S-101", "JC-SYD", "MENTOR", "2024-02-01", "2024-02-29", None),  # within
    (12, "S-102", "JC-SYD", "MENTOR", "2024-02-01", "2024-02-10", None),  # within
    # SENIORJOB, received 2024-06-03 -> deadline 2024-07-01; decided 07-11: 10 days over, notice in time
    (13, "S-201", "JC-SYD", "SENIORJOB", "2024-06-03", "2024-07-11", "2024-06-20"),
    # --- 2023 (the comparison period) -----------------------------------------------------
    # MENTOR, received 2023-03-01 -> deadline 2023-03-29.
    (20, "N-001", "JC-NORD", "MENTOR", "2023-03-01", "2023-03-10", None),  # within
    (21, "N-002", "JC-NORD", "MENTOR", "2023-03-01", "2023-04-02", None),  # exceeded, no notice
    (22, "N-003", "JC-NORD", "MENTOR", "2023-03-01", "2023-04-05", None),  # exceeded, no notice
    (23, "N-004", "JC-NORD", "MENTOR", "2023-03-01", "2023-03-29", None),  # within
    (24, "S-001", "JC-SYD", "MENTOR", "2023-05-01", "2023-05-05", None),  # within (deadline 05-29)
    # --- 2024 rows that are excluded or open ----------------------------------------------
    (50, "N-DUP1", "JC-NORD", "MENTOR", "2024-05-01", "2024-05-05", None),  # duplicate_id
    (50, "N-DUP2", "JC-NORD", "MENTOR", "2024-05-01", "2024-05-06", None),  # duplicate_id
    (51, "N-BAD1", "JC-NORD", "MENTOR", "31/02/2024", "2024-05-05", None),  # invalid_date
    (52, "N-BAD2", "JC-NORD", "MENTOR", None, "2024-05-05", None),  # missing_received
    (53, "N-BAD3", "JC-NORD", "MENTOR", "2024-05-10", "2024-05-05", None),  # decided_before_received
    (54, "X-999", "JC-XX", "MENTOR", "2024-05-01", "2024-05-05", None),  # unknown_unit
    (55, "S-BAD1", "JC-SYD", "UKENDT", "2024-05-01", "2024-05-05", None),  # no_deadline
    (56, "N-OPEN", "JC-NORD", "MENTOR", "2024-11-01", None, None),  # open
]
NORD_CASES = {"N-101", "N-102", "N-103", "N-104", "N-201", "N-202", "N-203", "N-204", HYPERLINK_CASE, "N-301"}
OTHER_UNITS_TEXT = ("S-101", "S-102", "S-201", "S-001", "S-BAD1", "X-999", "Jobcenter Syd", "JC-SYD")
ALL_CASE_IDS = {row[1] for row in DECISIONS}

# both workbooks' status cells (report/status.py via xlsx.Styles): orange not met, a met word
# on pale blue, a met figure unfilled
MET_COLOUR = "FF" + STATUS_STYLE[MET]["bg_color"].lstrip("#").upper()
NOT_MET_COLOUR = "FF" + STATUS_STYLE[NOT_MET]["bg_color"].lstrip("#").upper()


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> RunMeasurement:
    root = tmp_path_factory.mktemp("workbooks")
    config = root / "config"
    config.mkdir()
    (config / "deadlines.yaml").write_text(DEADLINES, encoding="utf-8")
    (config / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    # Every group here is smaller than the default suppression size (5): show them all, so the
    # hand-worked figures can be read back (suppression: tests/test_suppression.py).
    (config / "measurement.yaml").write_text("suppress_below: 0\n", encoding="utf-8")
    db = root / "source.db"
    with sqlite3.connect(db) as con:
        con.executescript(SQLITE_DDL)
        con.executemany("INSERT INTO units VALUES (?, ?, ?)", UNITS)
        con.executemany(
            "INSERT INTO decisions (decision_id, case_id, citizen_ref, unit_code, case_area_code,"
            " received_date, decided_date, sent_date, delay_notice_date)"
            " VALUES (?, ?, '0101901234', ?, ?, ?, ?, ?, ?)",
            [
                (i, case, unit, area, rec, dec, dec, notice)
                for i, case, unit, area, rec, dec, notice in DECISIONS
            ],
        )
    return build_context(f"sqlite:///{db}", config, Period.year(2024))


@pytest.fixture(scope="module", params=["in_memory", "constant_memory"])
def nord(
    request: pytest.FixtureRequest, ctx: RunMeasurement, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[openpyxl.Workbook]:
    """JC-NORD's workbook, written both ways xlsxwriter can assemble it (unit workbooks are
    written in constant_memory mode, the case lists as row XML; in memory, cell by cell)."""
    path = tmp_path_factory.mktemp("nord") / "JC-NORD.xlsx"
    mp = pytest.MonkeyPatch()
    if request.param == "in_memory":
        mp.setattr(unit_module, "CONSTANT_MEMORY", False)
    try:
        write_unit_workbook(path, cut_to_unit(ctx, "JC-NORD"), "JC-NORD")
    finally:
        mp.undo()
    book = openpyxl.load_workbook(path)
    book.path = path  # type: ignore[attr-defined]
    return book


@pytest.fixture(scope="module")
def syd(ctx: RunMeasurement, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("syd") / "JC-SYD.xlsx"
    write_unit_workbook(path, cut_to_unit(ctx, "JC-SYD"), "JC-SYD")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def committee(ctx: RunMeasurement, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("committee") / "udvalg.xlsx"
    write_committee_workbook(path, ctx)
    book = openpyxl.load_workbook(path)
    book.path = path  # type: ignore[attr-defined]
    return book


# --- reading helpers ------------------------------------------------------------------------


def table(ws: Any, first_heading: str, nth: int = 0) -> list[dict[str, Any]]:
    """The rows under the nth header row whose first cell is ``first_heading``, as dicts keyed
    by heading, up to the first row with an empty first cell."""
    headers = [row for row in ws.iter_rows() if row[0].value == first_heading][nth]
    names = [c.value for c in headers]
    out = []
    for row in ws.iter_rows(min_row=headers[0].row + 1):
        if row[0].value is None:
            break
        out.append({name: cell for name, cell in zip(names, row, strict=False) if name is not None})
    return out


def by_first(rows: list[dict[str, Any]], heading: str) -> dict[Any, dict[str, Any]]:
    return {row[heading].value: row for row in rows}


def values(row: dict[str, Any]) -> dict[str, Any]:
    return {name: cell.value for name, cell in row.items()}


def fill(cell: Any) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


def all_cells(book: openpyxl.Workbook) -> Iterator[Any]:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            yield from row


# --- unit workbook --------------------------------------------------------------------------


def test_unit_sheets_in_order(nord: openpyxl.Workbook) -> None:
    assert nord.sheetnames == [
        "Overblik",
        "Handlingsliste",
        "Sagsområder",
        "Månedlig udvikling",
        "Klager",
        "Kvalitet",
        "Tilbageholdte afgørelser",
        "Overskredne frister",
        "Klager besvaret for sent",
        "Sagsområder pr. måned",
        "Datakvalitet",
        "Metode",
        "Flow og ventetid",
    ]


def overview(book: openpyxl.Workbook) -> dict[str, dict[str, Any]]:
    """Overblik's target rows by their label (without the period suffix after ' pr. ')."""
    return {
        key.split(" pr. ")[0]: row
        for key, row in by_first(table(book["Overblik"], "Målepunkt"), "Målepunkt").items()
    }


def test_unit_overview_targets(nord: openpyxl.Workbook) -> None:
    ws = nord["Overblik"]
    assert ws["A1"].value == "Sagstidsmåling 2024: Jobcenter Nord"
    rows = overview(nord)
    general = rows["Generel overholdelse af sagsbehandlingsfristerne"]
    # JC-NORD 2024: 7 of 10 within -> 70.0 %; 2023: 2 of 4 -> 50.0 %;
    # whole administration 2024: 9 of 13 within -> 69.23 %, shown 69.2 %.
    assert general["Mål"].value == "mindst 90 %"
    assert general["2024"].value == pytest.approx(0.70)
    assert general["2023"].value == pytest.approx(0.50)
    assert general["Ændring"].value == "▲ 20,0 pp"
    assert general["Hele forvaltningen"].value == pytest.approx(0.692)
    assert general["Status"].value == "✖ Ikke opfyldt"
    assert fill(general["Status"]) == NOT_MET_COLOUR
    assert fill(general["2024"]) is None  # only the status cell is coloured
    assert general["2024"].number_format == "0.0 %"
    assert general["Grundlag (klik for detaljer)"].value == "7 af 10 afgørelser inden for fristen"
    assert general["Grundlag (klik for detaljer)"].hyperlink.location == "'Månedlig udvikling'!A1"
    # Areas 2024: MENTOR 3/4 = 75 %, SENIORJOB 4/5 = 80 %, BOLIGLAN 0/1 = 0 % -> lowest
    # BOLIGLAN 0 %, 2 of 3 below 80 % (80 % itself meets the target). BOLIGLAN had no
    # decisions in 2023: no comparison figure. The whole administration's BOLIGLAN: only
    # N-301, 0 of 1 -> 0 %.
    concrete = rows["Laveste sagsområde: Lån til boligindskud"]
    assert concrete["2024"].value == pytest.approx(0.0)
    assert concrete["2023"].value == "–"
    assert concrete["Status"].value == "✖ Ikke opfyldt"
    assert concrete["Hele forvaltningen"].value == pytest.approx(0.0)
    assert concrete["Grundlag (klik for detaljer)"].value == "2 af 3 sagsområder under 80 %"
    notice = rows["Skriftlig underretning, når fristen overskrides"]
    # Exceeded N-103 (notice in time), =HYPERLINK (notice late), N-301 (none): 1 of 3 -> 33.3 %;
    # 2023: 0 of 2 -> 0 %; whole administration: N-103 and S-201 of 4 -> 50 %.
    assert notice["2024"].value == pytest.approx(0.333)
    assert notice["2023"].value == pytest.approx(0.0)
    assert notice["Hele forvaltningen"].value == pytest.approx(0.5)
    assert notice["Status"].value == "✖ Ikke opfyldt"
    assert notice["Ændring"].value == "▲ 33,3 pp"


def test_unit_key_figures(nord: openpyxl.Workbook) -> None:
    rows = by_first(table(nord["Sagsområder"], "Nøgletal"), "Nøgletal")
    current, previous, whole = "2024", "2023", "Hele forvaltningen"
    assert rows["Antal afgørelser"][current].value == 10
    assert rows["Antal afgørelser"][previous].value == 4
    assert rows["Antal afgørelser"][whole].value == 13
    assert rows["Inden for frist"][current].value == 7
    assert rows["Overskredet"][current].value == 3
    assert rows["Heraf underrettet i tide"][current].value == 1
    # days 19, 28, 38, 19, 9, 14, 19, 28, 33, 37: sum 244 -> mean 24.4;
    # sorted 9 14 19 19 19 28 28 33 37 38 -> median (19 + 28) / 2 = 23.5;
    # 80 % fractile at position 0.8 * 9 = 7.2: 33 + 0.2 * (37 - 33) = 33.8;
    # 90 % at 8.1: 37 + 0.1 * (38 - 37) = 37.1.
    assert rows["Gennemsnitlig sagsbehandlingstid (kalenderdage)"][current].value == pytest.approx(24.4)
    assert rows["Median sagsbehandlingstid (kalenderdage)"][current].value == pytest.approx(23.5)
    assert rows["80 % fraktil (kalenderdage)"][current].value == pytest.approx(33.8)
    assert rows["90 % fraktil (kalenderdage)"][current].value == pytest.approx(37.1)


def test_unit_notice_met(syd: openpyxl.Workbook) -> None:
    rows = overview(syd)
    # JC-SYD: its one exceeded decision (S-201) was notified in time -> 100 %: met.
    notice = rows["Skriftlig underretning, når fristen overskrides"]
    assert notice["2024"].value == pytest.approx(1.0)
    assert notice["Status"].value == "✔ Opfyldt"
    assert fill(notice["Status"]) == MET_COLOUR
    # 2 of 3 within -> 66.7 %; 2023: 1 of 1 -> 100 %.
    general = rows["Generel overholdelse af sagsbehandlingsfristerne"]
    assert general["2024"].value == pytest.approx(0.667)
    assert general["2023"].value == pytest.approx(1.0)
    assert general["Ændring"].value == "▼ 33,3 pp"


def test_unit_areas(nord: openpyxl.Workbook) -> None:
    rows = by_first(table(nord["Sagsområder"], "Sagsområde"), "Kode")
    # lowest compliance first: BOLIGLAN 0 %, MENTOR 75 %, SENIORJOB 80 %
    assert list(rows) == ["BOLIGLAN", "MENTOR", "SENIORJOB"]
    mentor = values(rows["MENTOR"])
    # MENTOR: 3 of 4 within -> 75 % (below 80); 2023: 2 of 4 -> 50 %; change +25 points.
    assert mentor["Sagsområde"] == "Mentorstøtte"
    assert mentor["Frist"] == "4 uger"
    assert (mentor["Afgørelser"], mentor["Inden for fristen"]) == (4, 3)
    assert mentor["Overholdelse"] == pytest.approx(0.75)
    assert mentor["Status"] == "✖ Ikke opfyldt"
    assert mentor["2023"] == pytest.approx(0.50)
    assert mentor["Ændring"] == "▲ 25,0 pp"
    assert (mentor["Overskredne frister"], mentor["Heraf underrettet i tide"]) == (1, 1)
    assert fill(rows["MENTOR"]["Status"]) == NOT_MET_COLOUR
    senior = rows["SENIORJOB"]
    # SENIORJOB: 4 of 5 -> exactly 80 %: meets the concrete target;
    # no SENIORJOB decisions in 2023 -> no previous figure.
    assert senior["Overholdelse"].value == pytest.approx(0.80)
    assert senior["Status"].value == "✔ Opfyldt"
    assert senior["2023"].value == "–"
    assert rows["BOLIGLAN"]["Overholdelse"].value == pytest.approx(0.0)
    assert rows["BOLIGLAN"]["Status"].value == "✖ Ikke opfyldt"
    link = rows["MENTOR"]["Sagsområde"].hyperlink.location
    assert link.startswith("'Sagsområder pr. måned'!A")
    row = int(link.split("!A")[1])
    assert nord["Sagsområder pr. måned"].cell(row, 1).value.startswith("Mentorstøtte (MENTOR)")


def block(ws: Any, title: str) -> list[dict[str, Any]]:
    """The month rows of the block on 'Sagsområder pr. måned' whose title starts with ``title``."""
    start = next(r for r in ws.iter_rows() if str(r[0].value or "").startswith(title))[0].row
    names = [c.value for c in ws[start + 1]]
    out = []
    for row in ws.iter_rows(min_row=start + 2):
        if row[0].value is None:
            break
        out.append({n: c for n, c in zip(names, row, strict=False) if n is not None})
    return out


def test_unit_area_months(nord: openpyxl.Workbook) -> None:
    months = by_first(block(nord["Sagsområder pr. måned"], "Mentorstøtte (MENTOR)"), "Måned")
    assert len(months) == 12  # every month of 2024, also those without decisions
    # March: N-101, N-102 within -> 2 of 2; April: N-103 late, N-104 within -> 1 of 2 = 50 %,
    # too few decisions (under 5) to judge.
    assert (months["marts 2024"]["Afgørelser"].value, months["marts 2024"]["Inden for fristen"].value) == (
        2,
        2,
    )
    assert months["april 2024"]["Overholdelse"].value == pytest.approx(0.5)
    assert months["april 2024"]["Status"].value == "– få sager"
    assert months["maj 2024"]["Afgørelser"].value == 0
    assert months["maj 2024"]["Overholdelse"].value is None
    assert months["maj 2024"]["Status"].value == "– ingen sager"


def test_unit_monthly_sheet_and_chart(nord: openpyxl.Workbook) -> None:
    months = by_first(table(nord["Månedlig udvikling"], "Måned"), "Måned")
    assert next(iter(months)) == "januar 2024" and list(months)[-1] == "december 2024"
    # May: N-201..N-204 within -> 4 of 4; June: the =HYPERLINK case late -> 0 of 1;
    # whole administration in February: S-101, S-102 within -> 100 % (JC-NORD has none).
    # Last year's column, by decision month: March 2023 N-001 (03-10) and N-004 (03-29), both
    # within -> 100 %; April 2023 N-002 (04-02) and N-003 (04-05), both late -> 0 %.
    assert months["maj 2024"]["Overholdelse"].value == pytest.approx(1.0)
    assert months["juni 2024"]["Overholdelse"].value == pytest.approx(0.0)
    assert months["juni 2024"]["Målsætning"].value == pytest.approx(0.90)
    assert months["februar 2024"]["Afgørelser"].value == 0
    assert months["februar 2024"]["Hele forvaltningen"].value == pytest.approx(1.0)
    assert months["marts 2024"]["Overholdelse samme måned 2023"].value == pytest.approx(1.0)
    assert months["april 2024"]["Overholdelse samme måned 2023"].value == pytest.approx(0.0)
    assert months["maj 2024"]["Overholdelse samme måned 2023"].value is None
    with zipfile.ZipFile(nord.path) as archive:  # type: ignore[attr-defined]
        xml = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/charts/chart")]
        drawings = " ".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/drawings/drawing")
        )
    trends = [x for x in xml if "<c:lineChart>" in x and "'Månedlig udvikling'!$D$5:$D$16" in x]
    # the monthly sheet's chart and Overblik's: compliance (D), target (F), last year (G) over
    # the 12 month rows (header on row 4, months on rows 5-16)
    assert len(trends) == 2
    for column in "DFG":
        assert all(f"'Månedlig udvikling'!${column}$5:${column}$16" in x for x in trends)
    assert 'descr="' in drawings  # alt text on the charts


def test_unit_exceeded_table(nord: openpyxl.Workbook) -> None:
    ws = nord["Overskredne frister"]
    rows = [values(r) for r in table(ws, "Sagsnummer")]
    # Most days over first: N-103 (10), N-301 (7), the =HYPERLINK case (5).
    assert [r["Sagsnummer"] for r in rows] == ["N-103", "N-301", HYPERLINK_CASE]
    assert [r["Dage over fristen"] for r in rows] == [10, 7, 5]
    # no Ja/Nej column repeats the notice date: N-301 was not notified (no date), the
    # =HYPERLINK case was, but after its deadline
    assert "Underrettet" not in rows[0]
    assert [r["Underrettet i tide"] for r in rows] == ["Ja", "Nej", "Nej"]
    assert [r["Underretnings- dato"] for r in rows] == [
        dt.datetime(2024, 3, 25),
        None,
        dt.datetime(2024, 6, 1),
    ]
    first = rows[0]
    assert first["Sagsområde"] == "Mentorstøtte"
    assert (first["Modtaget"], first["Frist"], first["Afgjort"]) == (
        dt.datetime(2024, 3, 1),
        dt.datetime(2024, 3, 29),
        dt.datetime(2024, 4, 8),
    )
    # the rule behind the deadline: MENTOR's 4 weeks (03-01 + 28 days = 03-29 above)
    assert first["Fristregel"] == "4 uger"
    header_row = next(r for r in ws.iter_rows() if r[0].value == "Sagsnummer")[0].row
    assert ws.auto_filter.ref == f"A{header_row}:I{header_row + 3}"
    date_cell = next(r for r in ws.iter_rows() if r[0].value == "N-103")[2]
    assert date_cell.number_format == "dd-mm-yyyy"
    assert ws.print_title_rows == f"${header_row}:${header_row}"


def test_source_text_is_never_a_formula(nord: openpyxl.Workbook) -> None:
    cell = next(c for c in all_cells(nord) if c.value == HYPERLINK_CASE)
    assert cell.data_type == "s"
    assert not any(c.data_type == "f" for c in all_cells(nord))


def test_unit_workbook_holds_only_its_own_cases(nord: openpyxl.Workbook) -> None:
    texts = [str(c.value) for c in all_cells(nord) if c.value is not None]
    for other in OTHER_UNITS_TEXT:
        assert not any(other in text for text in texts), other
    assert not any("0101901234" in text for text in texts)  # the citizen reference
    case_cells = {c.value for c in all_cells(nord)} & ALL_CASE_IDS
    # The exceeded decisions only: the annual workbook's Handlingsliste is a summary (the list
    # of open cases is the nightly workbook's; see test_unit_worklist_lists_the_overdue_open_case).
    within = {"N-101", "N-102", "N-104", "N-201", "N-202", "N-203", "N-204"}
    assert case_cells == NORD_CASES - within


def test_unit_workbook_cuts_an_uncut_context(ctx: RunMeasurement, tmp_path: Path) -> None:
    path = tmp_path / "JC-NORD.xlsx"
    write_unit_workbook(path, ctx, "JC-NORD")  # the whole administration's context
    book = openpyxl.load_workbook(path)
    texts = [str(c.value) for c in all_cells(book) if c.value is not None]
    for other in OTHER_UNITS_TEXT:
        assert not any(other in text for text in texts), other
    rows = [values(r) for r in table(book["Overskredne frister"], "Sagsnummer")]
    assert [r["Sagsnummer"] for r in rows] == ["N-103", "N-301", HYPERLINK_CASE]


def test_unit_data_quality(nord: openpyxl.Workbook) -> None:
    ws = nord["Datakvalitet"]
    reasons = {row["Årsag"].value: row["Antal"].value for row in table(ws, "Årsag")}
    # JC-NORD's excluded 2024 rows: two with id 50, one unreadable date, one without received
    # date, one decided before received; the unknown unit and no-deadline rows are not its.
    assert reasons == {
        "Dobbelt afgørelses-id": 2,
        "Ulæselig dato": 1,
        "Mangler modtagelsesdato": 1,
        "Afgjort før modtaget": 1,
        "Ukendt enhed": 0,
        "Ingen gældende frist": 0,
        "I alt": 5,
    }
    status = {row["Status"].value: row["Antal"].value for row in table(ws, "Status")}
    # 10 measured + 5 excluded + 1 open (N-OPEN) + 4 decided in 2023 = 20 rows with JC-NORD.
    status_now = {
        "Målt": 10,
        "Udeladt": 5,
        "Ikke afgjort i dag (åben)": 1,
        "Uden for perioden": 4,
        "I alt": 20,
    }
    assert status == status_now
    assert any(str(c.value).startswith("Alle 20 afgørelser i sagssystemet") for c in ws["A"])


def test_unit_method(nord: openpyxl.Workbook) -> None:
    items = {row["Emne"].value: row["Værdi"].value for row in table(nord["Metode"], "Emne")}
    assert items["Enhed"] == "JC-NORD Jobcenter Nord"
    assert items["Periode"] == "2024 (01-01-2024 til 31-12-2024)"
    assert items["Sammenligningsperiode"] == "2023 (01-01-2023 til 31-12-2023)"
    assert items["Fristkatalog (version)"] == "Testkatalog 2024-1"
    # the kind of database and its name, never its address or folder (docs/operations.md, Secrets)
    assert items["Datakilde"] == "SQLite, database source.db"
    # The open-case snapshot's date, the period's last day: no wall-clock time, so a re-run
    # writes the same file.
    assert items["Opgjort pr. (åbne sager)"] == dt.datetime(2024, 12, 31)


def test_unit_overview_open_decisions(nord: openpyxl.Workbook) -> None:
    # Open on 31-12-2024 (received by then, not decided by then): only N-OPEN, JC-NORD's,
    # deadline 29-11-2024 (received 01-11 + 4 weeks), so overdue, and no delay notice.
    # Within deadline: 0 of 1 = 0 %. The whole administration has the same single open case.
    # On 31-12-2023 (the comparison period's end) nothing was open.
    rows = overview(nord)
    within = rows["Åbne afgørelser inden for fristen"]
    assert within["Målepunkt"].value == "Åbne afgørelser inden for fristen pr. 31-12-2024"
    assert within["2024"].value == pytest.approx(0.0)
    assert within["Hele forvaltningen"].value == pytest.approx(0.0)
    assert within["Grundlag (klik for detaljer)"].value == "0 af 1 åben afgørelse inden for fristen"
    over = rows["Åbne afgørelser over fristen"]
    assert over["2024"].value == 1
    assert over["2023"].value == 0
    assert over["Ændring"].value == "▲ 1 sager"
    assert over["Grundlag (klik for detaljer)"].value == "heraf 1 uden underretning"


def test_unit_worklist_lists_the_overdue_open_case(ctx: RunMeasurement, tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "nightly.xlsx"
    write_unit_workbook(path, replace(cut_to_unit(ctx, "JC-NORD"), worklist_first=True), "JC-NORD")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Handlingsliste" and book.active.title == "Handlingsliste"
    rows = table(book["Handlingsliste"], "Handling", nth=1)
    # N-OPEN: deadline 29-11-2024, as of 31-12-2024: 32 days over, not notified
    assert [values(r)["Sagsnummer"] for r in rows] == ["N-OPEN"]
    assert values(rows[0])["Handling"] == "Send underretning, og afgør sagen"
    assert values(rows[0])["Dage over fristen"] == 32
    summary = by_first(table(book["Handlingsliste"], "Handling"), "Handling")
    assert summary["Fristen er overskredet"]["Sager"].value == 1
    assert summary["I alt"]["Sager"].value == 1


def test_unit_worklist_is_a_summary_in_the_annual_workbook(nord: openpyxl.Workbook) -> None:
    summary = by_first(table(nord["Handlingsliste"], "Handling"), "Handling")
    assert summary["Fristen er overskredet"]["Sager"].value == 1
    assert nord.active.title == "Overblik"


def test_unit_without_decisions(ctx: RunMeasurement, tmp_path: Path) -> None:
    path = tmp_path / "CDU.xlsx"
    write_unit_workbook(path, cut_to_unit(ctx, "CDU"), "CDU")
    book = openpyxl.load_workbook(path)
    rows = overview(book)
    assert rows["Generel overholdelse af sagsbehandlingsfristerne"]["2024"].value == "–"
    assert rows["Generel overholdelse af sagsbehandlingsfristerne"]["Status"].value == "– Ingen data"
    ws = book["Overskredne frister"]
    assert any(c.value == "Ingen afgørelser overskred fristen i perioden." for c in ws["A"])
    assert book.sheetnames[-2:] == ["Metode", "Flow og ventetid"]


def test_exceeded_sheet_is_cut_at_excels_row_limit(
    ctx: RunMeasurement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Title, note, blank and header take 4 rows; a 6-row sheet leaves room for 2 of the 3.
    monkeypatch.setattr(unit_module, "EXCEL_MAX_ROWS", 6)
    path = tmp_path / "JC-NORD.xlsx"
    write_unit_workbook(path, cut_to_unit(ctx, "JC-NORD"), "JC-NORD")
    ws = openpyxl.load_workbook(path)["Overskredne frister"]
    assert [r["Sagsnummer"].value for r in table(ws, "Sagsnummer")] == ["N-103", "N-301"]
    assert "Kun de 2 afgørelser med flest dage over fristen er vist" in ws["A2"].value


def test_workbooks_for_a_period_without_decisions(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    with sqlite3.connect(db) as con:
        con.executescript(SQLITE_DDL)
        con.executemany("INSERT INTO units VALUES (?, ?, ?)", UNITS)
    config = tmp_path / "config"
    config.mkdir()
    (config / "deadlines.yaml").write_text(DEADLINES, encoding="utf-8")
    empty = build_context(f"sqlite:///{db}", config, Period.year(2024))
    write_committee_workbook(tmp_path / "udvalg.xlsx", empty)
    write_unit_workbook(tmp_path / "JC-NORD.xlsx", cut_to_unit(empty, "JC-NORD"), "JC-NORD")
    unit = overview(openpyxl.load_workbook(tmp_path / "JC-NORD.xlsx"))
    assert unit["Generel overholdelse af sagsbehandlingsfristerne"]["Status"].value == "– Ingen data"
    book = openpyxl.load_workbook(tmp_path / "udvalg.xlsx")
    rows = by_first(table(book["Overblik"], "Målepunkt"), "Målepunkt")
    general = values(rows["Afgørelser truffet inden for fristen (generel målsætning)"])
    assert (general["2024"], general["Status"]) == ("–", "– Ingen data")


# --- committee workbook ---------------------------------------------------------------------


def test_committee_sheets_in_order(committee: openpyxl.Workbook) -> None:
    assert committee.sheetnames == [
        "Overblik",
        "Enheder",
        "Sagsområder",
        "Enhed x område",
        "Udvikling",
        "Klager",
        "Ankestyrelsen",
        "Tilsyn",
        "Resultatkontrakt",
        "Åbne sager",
        "Datakvalitet",
        "Metode",
        "Flow og ventetid",
    ]


def test_committee_overview(committee: openpyxl.Workbook) -> None:
    ws = committee["Overblik"]
    rows = by_first(table(ws, "Målepunkt"), "Målepunkt")
    general = values(rows["Afgørelser truffet inden for fristen (generel målsætning)"])
    # 2024: 9 of 13 within -> 69,23 % shown 69,2 %; 2023 (the same period last year): 3 of 5 =
    # 60 %; change 69,2 - 60,0 = +9,2 pp.
    assert general["2024"] == pytest.approx(0.692)
    assert general["Status"] == "✖ Ikke opfyldt"
    assert general["Mål"] == "mindst 90 %"
    assert general["2023"] == pytest.approx(0.60)
    assert general["Ændring fra 2023"] == "▲ 9,2 pp"
    assert general["Grundlag (klik for detaljer)"] == "9 af 13 afgørelser"
    # Areas: MENTOR 5/6 = 83,3 %, SENIORJOB 4/6 = 66,7 %, BOLIGLAN 0/1 = 0 % -> 2 of 3 below
    # 80 %; 2023 only MENTOR 3/5 = 60 % -> 1 of 1: one more area below.
    areas = values(rows["Sagsområder under 80 % inden for fristen"])
    assert (areas["2024"], areas["2023"], areas["Status"]) == (2, 1, "✖ Ikke opfyldt")
    assert areas["Ændring fra 2023"] == "▲ 1 område"
    assert areas["Grundlag (klik for detaljer)"] == "af 3 sagsområder"
    # Notice: N-103 and S-201 of 4 exceeded -> 50 %; 2023: 0 of 2 -> 0 %.
    notice = values(rows["Borgeren underrettet skriftligt, når fristen blev overskredet"])
    assert (notice["2024"], notice["2023"]) == (pytest.approx(0.5), pytest.approx(0.0))
    # Open at the period's last day (31-12-2024): N-OPEN, received 01-11-2024, 4 weeks ->
    # deadline 29-11-2024: overdue. 1 open, 0 within -> 0 %.
    open_rows = values(rows["Åbne afgørelser pr. 31-12-2024 over fristen"])
    assert (open_rows["2024"], open_rows["Status"]) == (1, "Intet mål")
    # The status cell says it in words; the hyperlink leads to the sheet behind the figure.
    link = rows["Afgørelser truffet inden for fristen (generel målsætning)"]["Grundlag (klik for detaljer)"]
    assert link.hyperlink is not None and link.hyperlink.location == "'Enheder'!A1"
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    # Both units with decisions are below 90 %, named with their shown figure, lowest first.
    assert "2 af 2 enheder er under den generelle målsætning på 90 %" in text
    assert "Jobcenter Syd (66,7 %) og Jobcenter Nord (70,0 %)" in text
    assert "2 af 3 sagsområder er under målet på 80 %" in text
    assert "lån til boligindskud (0,0 %) og seniorjob (66,7 %)" in text


def test_committee_units(committee: openpyxl.Workbook) -> None:
    rows = by_first(table(committee["Enheder"], "Enhed"), "Enhed")
    # lowest general compliance first (66,7 % before 70 %), the unit without decisions last
    assert list(rows) == ["JC-SYD", "JC-NORD", "CDU", "Hele forvaltningen"]
    nord = values(rows["JC-NORD"])
    # 70 % now, 50 % before: +20 points; lowest area BOLIGLAN 0 %, 2 areas below 80 %, notice 1/3.
    assert nord["Afgørelser"] == 10
    assert nord["Generel overholdelse"] == pytest.approx(0.70)
    assert nord["Forrige periode"] == pytest.approx(0.50)
    assert nord["Ændring (procentpoint)"] == pytest.approx(20.0)
    assert nord["Laveste områdeoverholdelse"] == pytest.approx(0.0)
    assert nord["Antal områder under 80 %"] == 2
    assert nord["Underretning"] == pytest.approx(0.333)  # 1/3, stored as shown: 33,3 %
    # status beside the fill (xlsx.Styles): "✖ 70,0 %" on the not-met colour
    assert fill(rows["JC-NORD"]["Generel overholdelse"]) == NOT_MET_COLOUR
    assert rows["JC-NORD"]["Generel overholdelse"].number_format.startswith('"✖ "')
    assert nord["Generel målsætning"] == "✖ Ikke opfyldt" and nord["Mål"] == pytest.approx(0.9)
    syd = values(rows["JC-SYD"])
    # 2/3 = 66.7 % now, 100 % before: -33.3 points; notice 1/1 = 100 %: met (green).
    assert syd["Ændring (procentpoint)"] == pytest.approx(100 * 2 / 3 - 100)
    assert syd["Antal områder under 80 %"] == 1  # SENIORJOB 0/1
    # met: "✔" before the figure, no fill (only what needs action is filled)
    assert fill(rows["JC-SYD"]["Underretning"]) is None
    assert rows["JC-SYD"]["Underretning"].number_format.startswith('"✔ "')
    cdu = values(rows["CDU"])
    assert cdu["Afgørelser"] == 0 and cdu["Generel overholdelse"] is None
    assert values(rows["Hele forvaltningen"])["Afgørelser"] == 13


def test_committee_areas(committee: openpyxl.Workbook) -> None:
    rows = by_first(table(committee["Sagsområder"], "Område"), "Område")
    mentor = values(rows["MENTOR"])
    # MENTOR: 5/6 = 83.3 % now (stored as shown), 3/5 = 60 % in 2023: +23.3 points; met.
    assert mentor["Overholdelse"] == pytest.approx(0.833)
    assert mentor["Forrige periode"] == pytest.approx(0.6)
    assert mentor["Ændring (procentpoint)"] == pytest.approx(100 * 5 / 6 - 60)
    assert fill(rows["MENTOR"]["Overholdelse"]) is None  # met: ✔, no fill
    assert rows["MENTOR"]["Overholdelse"].number_format.startswith('"✔ "')
    assert fill(rows["MENTOR"]["Afgørelser"]) is None  # only the judged cell, not the row
    assert rows["SENIORJOB"]["Overholdelse"].value == pytest.approx(0.667)  # 4/6 = 66,7 %
    assert fill(rows["SENIORJOB"]["Overholdelse"]) == NOT_MET_COLOUR
    assert rows["SENIORJOB"]["Overholdelse"].number_format.startswith('"✖ "')


def test_committee_matrix(committee: openpyxl.Workbook) -> None:
    ws = committee["Enhed x område"]
    rows = by_first(table(ws, "Sagsområde"), "Sagsområde")
    # areas by name (alphabetical), units by name; the last row is each unit's total
    assert list(rows) == ["Lån til boligindskud", "Mentorstøtte", "Seniorjob", "Alle sagsområder"]
    headings = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "Sagsområde")]
    assert headings == ["Sagsområde", "Jobcenter Nord", "Jobcenter Syd", "Alle enheder"]
    # JC-NORD: BOLIGLAN 0/1, MENTOR 3/4, SENIORJOB 4/5; JC-SYD: MENTOR 2/2, SENIORJOB 0/1.
    bolig, mentor, senior = rows["Lån til boligindskud"], rows["Mentorstøtte"], rows["Seniorjob"]
    assert bolig["Jobcenter Nord"].value == pytest.approx(0.0)
    assert bolig["Jobcenter Syd"].value is None  # no decisions: blank
    assert mentor["Jobcenter Nord"].value == pytest.approx(0.75)
    assert mentor["Jobcenter Syd"].value == pytest.approx(1.0)
    assert senior["Jobcenter Nord"].value == pytest.approx(0.80)
    assert senior["Jobcenter Syd"].value == pytest.approx(0.0)
    assert mentor["Alle enheder"].value == pytest.approx(0.833)  # 5/6 shown to one decimal
    assert rows["Alle sagsområder"]["Jobcenter Nord"].value == pytest.approx(0.70)
    # colour by conditional format (white at 80 %), figures under 80 % also bold
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    scale = next(r for r in rules if r.type == "colorScale")
    assert [float(v.val) for v in scale.colorScale.cfvo] == [0.5, 0.8, 1.0]
    assert any(r.type == "cellIs" and r.operator == "lessThan" and r.formula == ["0.8"] for r in rules)
    # no second table of counts
    assert [r[0].value for r in ws.iter_rows()].count("Sagsområde") == 1


def test_committee_development_chart(committee: openpyxl.Workbook) -> None:
    months = by_first(table(committee["Udvikling"], "Måned"), "Måned")
    # July: only S-201, late -> 0 of 1; February: S-101, S-102 -> 2 of 2.
    assert (months["juli 2024"]["Afgørelser"].value, months["juli 2024"]["Inden for frist"].value) == (1, 0)
    assert months["februar 2024"]["Overholdelse"].value == pytest.approx(1.0)
    with zipfile.ZipFile(committee.path) as archive:  # type: ignore[attr-defined]
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(archive.read(n).decode("utf-8") for n in charts).replace("'", "")
    # Three charts: units and areas against their targets, and the trend; the trend plots this
    # year's share (D), the target (E) and last year's month beside it (I).
    assert len(charts) == 3
    for column in ("D", "E", "I"):
        assert f"Udvikling!${column}$4:${column}$15" in xml  # xlsxwriter quotes a name only when it must
    assert months["februar 2024"]["Samme måned sidste år"].value is None  # no decisions in Feb 2023


def test_committee_data_quality(committee: openpyxl.Workbook) -> None:
    ws = committee["Datakvalitet"]
    reasons = {row["Årsag"].value: row["Antal"].value for row in table(ws, "Årsag")}
    assert reasons == {
        "Dubleret afgørelses-id": 2,
        "Ulæselig dato": 1,
        "Mangler modtagelsesdato": 1,
        "Afgjort før modtaget": 1,
        "Ukendt enhed": 1,
        "Ingen gældende frist": 1,
        "I alt": 7,
    }
    # Per unit of the units table only: JC-XX's 1 row is counted under "Ukendt enhed" (the
    # note under the table says so). (This fixture turns suppression off: suppress_below 0.)
    by_unit = {row["Enhed"].value: row["Udeladte afgørelser"].value for row in table(ws, "Enhed")}
    note = "Afgørelser med en ukendt enhedskode eller uden enhedskode tælles kun med under årsagen ovenfor."
    assert by_unit == {"JC-NORD": 5, "JC-SYD": 1, note: None}
    status = {row["Status"].value: row["Antal"].value for row in table(ws, "Status")}
    # 13 measured + 7 excluded + 1 open + 5 decided in 2023 = all 26 rows of the table.
    assert status == {
        "Målt": 13,
        "Udeladt": 7,
        "Ikke afgjort, da data blev hentet": 1,
        "Uden for perioden": 5,
        "I alt": 26,
    }


def test_committee_holds_no_case_rows(committee: openpyxl.Workbook) -> None:
    texts = [str(c.value) for c in all_cells(committee) if c.value is not None]
    for case in ALL_CASE_IDS:
        assert not any(case in text for text in texts), case
    assert not any(c.data_type == "f" for c in all_cells(committee))


# --- labels and helpers ---------------------------------------------------------------------


def test_layout_names_every_reason_and_status() -> None:
    layout = load_layout()
    assert {r: layout.text(f"reasons.{r}") for r in DECISION_REASONS} == {
        "duplicate_id": "Dubleret afgørelses-id",
        "invalid_date": "Ulæselig dato",
        "missing_received": "Mangler modtagelsesdato",
        "decided_before_received": "Afgjort før modtaget",
        "unknown_unit": "Ukendt enhed",
        "no_deadline": "Ingen gældende frist",
    }
    assert {s: layout.text(f"statuses.{s}") for s in STATUSES} == {
        "measured": "Målt",
        "excluded": "Udeladt",
        "open": "Ikke afgjort, da data blev hentet",
        "out_of_period": "Uden for perioden",
    }
    for key in DECISION_REASONS:
        assert layout.text(f"reason_explanations.{key}")
    for name in layout.get("sheets").values():
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_sheet_names_are_valid_and_unique() -> None:
    used = {"overblik"}
    assert sheet_name("Overblik", used) == "Overblik (2)"
    assert sheet_name("A/B:C*D?[E]", used) == "A_B_C_D__E_"
    long = sheet_name("X" * 40, used)
    assert long == "X" * 31
    assert sheet_name("x" * 40, used) == "x" * 27 + " (2)"
