"""The complaint, contract, surge and audit cells of the unit and committee workbooks, read back
with openpyxl. Every expected figure is worked out by hand in the comments.

Shipped config (REVA, FLEKS 3 months; KH-ANS 3 weeks; complaints 4 weeks), targets: complaints
95 %, appeals 80 %, audit 95 %, handling maxima JC-NORD 2 and JC-SYD 5 for 2025. Period 2025.
"""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest

from sagstid.measure.run import RunMeasurement
from sagstid.periods import Period
from sagstid.pipeline import build_context
from sagstid.report.committee_workbook import write_committee_workbook
from sagstid.report.status import MET, NOT_MET, STATUS_STYLE
from sagstid.report.unit_cut import cut_to_unit
from sagstid.report.unit_workbook import write_unit_workbook

# both workbooks: report/status.py's look (xlsx.Styles): not met bold on orange with "✖", a met
# status word on pale blue, a met figure unfilled in dark blue with "✔"
ORANGE = "FF" + str(STATUS_STYLE[NOT_MET]["bg_color"]).lstrip("#").upper()
BLUE = "FF" + str(STATUS_STYLE[MET]["bg_color"]).lstrip("#").upper()
MET_TEXT = "FF" + str(STATUS_STYLE[MET]["font_color"]).lstrip("#").upper()
CITIZEN = "010190-1234"


def decision(
    i: int, case: str, unit: str, area: str, received: str, decided: str, notice: str | None = None
) -> dict[str, Any]:
    return {
        "decision_id": i,
        "case_id": case,
        "citizen_ref": CITIZEN,
        "unit_code": unit,
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
        "delay_notice_date": notice,
    }


DECISIONS = [
    decision(1, "N-1", "JC-NORD", "REVA", "2025-01-15", "2025-03-01"),  # D 04-15: within
    # FLEKS D 2025-04-30; decided 05-15, notice 05-01 after D: not kept.
    decision(2, "N-2", "JC-NORD", "FLEKS", "2025-01-31", "2025-05-15", "2025-05-01"),
    decision(3, "S-1", "JC-SYD", "KH-ANS", "2025-03-03", "2025-03-10"),
]


def complaint(
    cid: int, case: str, unit: str, kind: str, received: str, answered: str, outcome: str, **extra: Any
) -> dict[str, Any]:
    return {
        "complaint_id": cid,
        "case_id": case,
        "citizen_ref": CITIZEN,
        "unit_code": unit,
        "complaint_kind": kind,
        "via_ombudsman": 0,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": received,
        "answered_date": answered,
        "outcome": outcome,
        **extra,
    }


COMPLAINTS = [
    # 4 weeks each. c1: D 03-31, answered 03-20: on time, 17 days.
    complaint(1, "N-1", "JC-NORD", "decision", "2025-03-03", "2025-03-20", "upheld"),
    # c2: D 03-31, answered 04-04: 4 days late, 32 days.
    complaint(2, "N-1", "JC-NORD", "decision", "2025-03-03", "2025-04-04", "full"),
    # c3: D 06-30, answered 06-30: on time, 28 days.
    complaint(3, "N-2", "JC-NORD", "handling", "2025-06-02", "2025-06-30", "partial"),
    # c4: D 06-30, answered 07-07: 7 days late; the notice 07-01 came after D. 35 days.
    complaint(
        4,
        "N-X",
        "JC-NORD",
        "handling",
        "2025-06-02",
        "2025-07-07",
        "rejected",
        delay_notice_date="2025-07-01",
    ),
    # c5: on time, 7 days.
    complaint(5, "N-2", "JC-NORD", "handling", "2025-06-03", "2025-06-10", "full"),
    # c8: on time, 9 days; its appeal was confirmed in October.
    complaint(
        8,
        "N-1",
        "JC-NORD",
        "decision",
        "2025-04-01",
        "2025-04-10",
        "upheld",
        appeal_outcome="confirmed",
        appeal_decided_date="2025-10-01",
    ),
    # JC-SYD c6: D 04-08, answered 04-20: 12 days late; appeal confirmed. c7: on time; changed.
    complaint(
        6,
        "S-1",
        "JC-SYD",
        "decision",
        "2025-03-11",
        "2025-04-20",
        "upheld",
        appeal_outcome="confirmed",
        appeal_decided_date="2025-08-01",
    ),
    complaint(
        7,
        "S-1",
        "JC-SYD",
        "decision",
        "2025-03-11",
        "2025-03-20",
        "upheld",
        appeal_outcome="changed",
        appeal_decided_date="2025-09-01",
    ),
]
SAMPLES = [
    (1, "N-1", "JC-NORD", "REVA", "2025-02-01", 1, 1, 1),
    (2, "N-2", "JC-NORD", "FLEKS", "2025-03-01", 1, 0, 1),
]
TARGETS = "handling_complaints_max:\n  JC-NORD: {2025: 2}\n  JC-SYD: {2025: 5}\n"


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> RunMeasurement:
    import shutil
    import sqlite3

    from sagstid.schema import SQLITE_DDL
    from tests.conftest import REPO, UNITS, _insert

    root = tmp_path_factory.mktemp("follow_up")
    config = root / "config"
    shutil.copytree(REPO / "config", config)
    (config / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    # Every group here is smaller than the default suppression size (5): show them all, so the
    # hand-worked figures can be read back (suppression: tests/test_suppression.py).
    settings = config / "measurement.yaml"
    shipped = settings.read_text(encoding="utf-8")
    assert "\nsuppress_below: 5\n" in shipped
    settings.write_text(shipped.replace("\nsuppress_below: 5\n", "\nsuppress_below: 0\n"), encoding="utf-8")
    db = root / "source.db"
    with sqlite3.connect(db) as con:
        con.executescript(SQLITE_DDL)
        for table, rows in (
            ("units", UNITS),
            ("decisions", DECISIONS),
            ("complaints", COMPLAINTS),
            ("audit_samples", SAMPLES),
        ):
            _insert(con, table, rows)
    return build_context(f"sqlite:///{db}", config, Period.year(2025))


@pytest.fixture(scope="module")
def nord(ctx: RunMeasurement, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("nord") / "JC-NORD.xlsx"
    write_unit_workbook(path, cut_to_unit(ctx, "JC-NORD"), "JC-NORD")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def committee(ctx: RunMeasurement, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("committee") / "udvalg.xlsx"
    write_committee_workbook(path, ctx)
    return openpyxl.load_workbook(path)


def table(ws: Any, first_heading: str, nth: int = 0) -> dict[Any, dict[str, Any]]:
    """Rows under the nth header row starting with ``first_heading``, keyed by first cell."""
    headers = [row for row in ws.iter_rows() if row[0].value == first_heading][nth]
    names = [c.value for c in headers]
    out = {}
    for row in ws.iter_rows(min_row=headers[0].row + 1):
        if row[0].value is None:
            break
        out[row[0].value] = {n: c for n, c in zip(names, row, strict=False) if n is not None}
    return out


def fill(cell: Any) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


def texts(book: openpyxl.Workbook) -> list[str]:
    return [
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]


# --- unit: Klager ----------------------------------------------------------------------------


def test_unit_complaint_targets(nord: openpyxl.Workbook) -> None:
    rows = table(nord["Klager"], "Mål")
    on_time = rows["Klager behandlet rettidigt"]
    # JC-NORD: c1, c3, c5, c8 of 6 on time = 66.67 %, shown (one decimal) as 66.7 %; the whole
    # administration 5 of 8 = 62.5 %.
    assert on_time["Enheden"].value == pytest.approx(0.667)
    assert on_time["Hele forvaltningen"].value == pytest.approx(5 / 8)
    # the status word carries the fill; the figure beside it is bold, not filled
    assert on_time["Opfyldt"].value == "✖ Ikke opfyldt" and fill(on_time["Opfyldt"]) == ORANGE
    assert fill(on_time["Enheden"]) is None and on_time["Enheden"].font.b
    assert on_time["Bemærkning"].value == "4 af 6 klager rettidigt"
    # Appeals decided in 2025: JC-NORD 1 confirmed of 1 = 100 %; all: 2 of 3 (c6, c8 of c6-c8).
    appeals = rows["Ankestyrelsen stadfæster afgørelsen"]
    assert appeals["Enheden"].value == pytest.approx(1.0) and fill(appeals["Opfyldt"]) == BLUE
    assert appeals["Opfyldt"].value == "✔ Opfyldt"
    # 2 of 3 = 66.67 % against 80 %: shown 66.7 %, as everywhere else in the workbook
    assert appeals["Hele forvaltningen"].value == pytest.approx(0.667)
    # Medhold: full c2, c5 + partial c3 = 3 of 5 (with upheld c1, c8; c4 rejected is left out).
    assert rows["Medhold til borgeren (fuldt eller delvist)"]["Enheden"].value == pytest.approx(0.6)


def test_unit_complaints_by_kind(nord: openpyxl.Workbook) -> None:
    rows = table(nord["Klager"], "Klagetype")
    decision = rows["Realitetsklager (over en afgørelse)"]
    # Decision complaints c1, c2, c8: 3, on time 2; medhold c2 of c1, c2, c8 = 1/3.
    assert (decision["Klager"].value, decision["Rettidigt"].value) == (3, 2)
    assert decision["Medhold"].value == pytest.approx(1 / 3)
    handling = rows["Formalitetsklager (over sagsbehandlingen)"]
    # Handling c3, c4, c5: on time c3, c5; medhold c3, c5 of c3, c5 (c4 rejected) = 100 %.
    assert (handling["Klager"].value, handling["Rettidigt"].value) == (3, 2)
    assert handling["Medhold"].value == pytest.approx(1.0)
    total = rows["I alt"]
    # Days 17, 32, 28, 35, 7, 9: mean 128/6 = 21.33; median (17 + 28) / 2 = 22.5.
    assert total["Gns. dage"].value == pytest.approx(128 / 6)
    assert total["Median dage"].value == pytest.approx(22.5)


def test_unit_contract_per_1000_and_surge(nord: openpyxl.Workbook) -> None:
    ws = nord["Klager"]
    pace = table(ws, "Klager")
    # Handling complaints received in 2025: c3, c4, c5 = 3 > maximum 2.
    row = pace["Formalitetsklager (klager over sagsbehandlingen)"]
    assert row["Modtaget år til dato"].value == 3
    assert row["Maksimum"].value == 2 and row["Status"].value == "Over maksimum"
    # the count is the judged figure: it carries the status (fill and symbol), not the maximum
    assert fill(row["Modtaget år til dato"]) == ORANGE
    assert "✖" in row["Modtaget år til dato"].number_format
    assert fill(row["Maksimum"]) is None and row["Status"].font.b
    per_1000 = table(ws, "Sagsområde")  # areas by name (shipped catalogue)
    # Received in 2025: c1, c2, c8 on N-1 (REVA, decided 03-01) = 3 of 1 decision -> 3000;
    # c3, c5 on N-2 (FLEKS, decided 05-15) = 2 of 1 -> 2000; c4 (N-X, no decision) unknown.
    assert per_1000["Revalidering"]["Klager pr. 1.000 afgørelser"].value == pytest.approx(3000)
    assert per_1000["Fleksjob, visitation"]["Klager pr. 1.000 afgørelser"].value == pytest.approx(2000)
    unknown = per_1000["Ukendt sagsområde"]
    assert (unknown["Klager modtaget"].value, unknown["Afgørelser"].value) == (1, 0)
    assert unknown["Klager pr. 1.000 afgørelser"].value is None
    # JC-NORD 6 of 2 decisions = 3000; all 8 complaints of 3 decisions = 2666.7.
    assert per_1000["I alt"]["Klager pr. 1.000 afgørelser"].value == pytest.approx(3000)
    assert per_1000["Hele forvaltningen"]["Klager pr. 1.000 afgørelser"].value == pytest.approx(8000 / 3)
    months = table(ws, "Måned")
    assert len(months) == 12
    # Received: March c1, c2; April c8; June c3, c4, c5. Data begin in March 2025, so
    # September is the first month with 6 months before it (March-August: 2, 1, 0, 3, 0, 0,
    # mean 1): its normal level is 1. October: 7 months, mean 6/7. Words, no probabilities.
    assert months["marts 2025"]["Klager modtaget"].value == 2
    assert months["juni 2025"]["Klager modtaget"].value == 3
    assert months["januar 2025"]["Klager modtaget"].value == 0
    assert months["august 2025"]["Normalt niveau (klager pr. måned)"].value is None
    assert months["september 2025"]["Normalt niveau (klager pr. måned)"].value == 1.0
    assert months["oktober 2025"]["Normalt niveau (klager pr. måned)"].value == pytest.approx(6 / 7)
    assert all(m["Usædvanligt mange klager"].value == "Nej" for m in months.values())
    assert not any(c.number_format == "0.0E+00" for row in ws.iter_rows() for c in row)


def test_unit_late_complaints_list(nord: openpyxl.Workbook) -> None:
    ws = nord["Klager besvaret for sent"]
    late = table(ws, "Sagsnummer")
    # JC-NORD's late complaints, most days over first: c4 (7 days, N-X), c2 (4 days, N-1).
    assert list(late) == ["N-X", "N-1"]
    assert late["N-X"]["Dage over frist"].value == 7
    assert late["N-X"]["Underretning"].value.date().isoformat() == "2025-07-01"
    assert late["N-X"]["Klagetype"].value == "Formalitetsklager (over sagsbehandlingen)"
    assert late["N-1"]["Udfald"].value == "Fuldt medhold"
    header_row = next(r for r in ws.iter_rows() if r[0].value == "Sagsnummer")[0].row
    assert ws.auto_filter.ref == f"A{header_row}:I{header_row + 2}"
    # Neither JC-SYD's case nor any citizen reference is in the unit's workbook.
    assert not any("S-1" in t or CITIZEN in t for t in texts(nord))


def test_unit_audit_sheet(nord: openpyxl.Workbook) -> None:
    rows = table(nord["Kvalitet"], "Mål")
    profile = rows["Ressourceprofil med konkret vurdering før afgørelsen"]
    assert (profile["Ja"].value, profile["Andel"].value) == (2, 1.0)
    citizen = rows["Borgeren har medvirket til ressourceprofilen"]
    # 1 of 2 samples: 50 % < 95 %.
    assert citizen["Andel"].value == pytest.approx(0.5) and fill(citizen["Opfyldt"]) == ORANGE
    assert citizen["Opfyldt"].value == "✖ Ikke opfyldt"
    everyone = rows["Frist overholdt eller borgeren underrettet (alle afgørelser)"]
    # REVA decision within, FLEKS exceeded with a late notice: 1 of 2.
    assert (everyone["Stikprøver / Afgørelser"].value, everyone["Ja"].value) == (2, 1)
    assert everyone["Andel"].value == pytest.approx(0.5)
    areas = table(nord["Kvalitet"], "Sagsområde")  # names with the code (FOEP has no decisions here)
    fleks = areas["Fleksjob, visitation (FLEKS)"]["Borgeren har medvirket til ressourceprofilen"]
    assert fleks.value == 0.0 and fill(fleks) == ORANGE and fleks.number_format.startswith('"✖ "')
    # no FOEP cases in the period: said in words, not as a row of zeros
    assert areas["FOEP"]["Stikprøver"].value == "ingen sager i perioden"


# --- committee --------------------------------------------------------------------------------


def test_committee_complaint_sheets(committee: openpyxl.Workbook) -> None:
    units = table(committee["Klager"], "Enhed")
    # JC-SYD: c6 late, c7 on time -> 50 %.
    assert units["JC-SYD"]["Rettidighed"].value == pytest.approx(0.5)
    assert units["Hele forvaltningen"]["Klager"].value == 8
    appeals = table(committee["Ankestyrelsen"], "Enhed")
    # JC-SYD: confirmed 1, changed 1 -> 50 % (red); all 2 of 3.
    assert (appeals["JC-SYD"]["Stadfæstet"].value, appeals["JC-SYD"]["Ændret"].value) == (1, 1)
    # not met: the status colour with "✖" before the figure (xlsx.Styles)
    assert fill(appeals["JC-SYD"]["Stadfæstelsesprocent"]) == ORANGE
    assert appeals["JC-SYD"]["Stadfæstelsesprocent"].number_format.startswith('"✖ "')
    assert appeals["Hele forvaltningen"]["Stadfæstelsesprocent"].value == pytest.approx(0.667)  # 2/3 shown


def test_committee_contract_and_audit(committee: openpyxl.Workbook) -> None:
    ws = committee["Resultatkontrakt"]
    pace = table(ws, "Enhed")
    # as in the unit workbook: the count received carries the status (colour and symbol), the
    # word beside it says which (bold when not met), never the maximum
    assert pace["JC-NORD"]["Status"].value == "Over maksimum" and pace["JC-NORD"]["Status"].font.b
    assert fill(pace["JC-NORD"]["Maksimum"]) is None  # the count is coloured, not the maximum
    assert fill(pace["JC-NORD"]["Modtaget år til dato"]) == ORANGE
    assert pace["JC-NORD"]["Modtaget år til dato"].number_format.startswith('"✖ "')
    assert (pace["JC-SYD"]["Modtaget år til dato"].value, pace["JC-SYD"]["Status"].value) == (0, "På kurs")
    # met: "✔" before the count, dark blue and unfilled (only what needs action is coloured)
    syd = pace["JC-SYD"]["Modtaget år til dato"]
    assert syd.number_format.startswith('"✔ "') and fill(syd) is None and syd.font.color.rgb == MET_TEXT
    assert pace["YS"]["Status"].value == "Intet maksimum fastsat"
    per_unit = table(ws, "Enhed", 1)
    assert per_unit["JC-SYD"]["Klager pr. 1.000 afgørelser"].value == pytest.approx(2000)
    assert "Ingen måneder med usandsynligt mange klager i perioden." in texts(committee)
    audit = table(committee["Tilsyn"], "Enhed")
    assert audit["JC-NORD"]["Stikprøver"].value == 2
    assert audit["Hele forvaltningen"]["Afgørelser"].value == 2


def test_committee_holds_no_case_rows(committee: openpyxl.Workbook) -> None:
    for text in texts(committee):
        assert not any(case in text for case in ("N-1", "N-2", "N-X", "S-1", CITIZEN)), text
