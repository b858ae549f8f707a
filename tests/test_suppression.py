"""Small-number suppression in the committee workbook (issue 5, docs/privacy.md).

A real SQLite database and a full run (run_period), read back with openpyxl. Every figure is
worked out by hand below. Catalogue (this file's own): MENTOR 4 weeks (deadline = received + 28
days), BOLIG 30 calendar days. Period 2024 (2023 has no decisions). Default suppress_below: 5.

Decisions decided in 2024:
    JC-NORD MENTOR, received 03-01 (deadline 03-29): decided 03-10, 03-15, 03-20, 03-29 (within)
        and 04-08 (exceeded, no notice)          -> 5 decisions, 4 within = 80 %: SHOWN
    JC-NORD BOLIG, received 09-02 (deadline 10-02): 09-20, 10-02 (within), 10-09 (exceeded)
                                                 -> 3 decisions, 2 within = 66.7 %: SUPPRESSED
    JC-SYD MENTOR, received 02-01 (deadline 02-29): decided 02-05 .. 02-09, all within
                                                 -> 5 decisions, 5 within = 100 %: SHOWN
    JC-XX (not in units) MENTOR: excluded as unknown_unit (Datakvalitet: 1 row, by reason only)
Units: JC-NORD 5 + 3 = 8 decisions, 6 within = 75 %; JC-SYD 5, 100 %; YS none.
Areas: MENTOR 10 decisions, 9 within = 90 %; BOLIG 3 (suppressed). Whole: 13, 11 within.
Months: February 5 (shown), March 4, April 1, September 1, October 2 (suppressed).

Complaints answered in 2024 (4 weeks each; deadline = received + 28 days):
    JC-SYD: 5 decision complaints received 03-01, answered 03-10: on time -> 5, 100 %
    JC-NORD: 2 handling complaints received 03-01, answered 04-15 (deadline 03-29): late
                                                 -> 2: SUPPRESSED (except the contract count)
    Whole: 7 complaints, 5 on time.

Secondary suppression (docs/privacy.md, tests/test_suppression_recovery.py): a hidden figure
that the totals beside it would give away takes another figure with it, shown as "x":
    Enhed x område: JC-NORD's row would give BOLIG = 8 - 5, so MENTOR (5) is hidden too; the
        area totals would give BOLIG = 13 - 10, so MENTOR's total (10) is hidden too.
    Klager: JC-NORD = 7 - 5 and handling = 7 - 5, so JC-SYD (5) and decision complaints (5)
        are hidden too; the same for complaints received per 1,000 decisions.
    Udvikling: March, April, September and October (4 + 1 + 1 + 2 = 8) are hidden; February (5)
        stays: the hidden months add up to 13 - 5 = 8, which is not small, and each of them
        could be anything from 0 to 8.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sagstid.config import load_config
from sagstid.errors import ConfigError
from sagstid.periods import Period
from sagstid.pipeline import run_period
from sagstid.report.publish import unit_file
from sagstid.report.suppress import note, suppress

NOTE = (
    'Grupper med færre end 5 sager er ikke vist (diskretionering): "<5" står for 1 til 4 '
    'sager; "x" er skjult, for at et lille tal ikke kan regnes ud af totalerne.'
)
DEADLINES = {
    "deadlines": [
        {"area": "MENTOR", "name": "Mentorstøtte", "value": 4, "unit": "weeks", "valid_from": "2015-01-01"},
        {
            "area": "BOLIG",
            "name": "Lån til boligindskud",
            "value": 30,
            "unit": "calendar_days",
            "valid_from": "2015-01-01",
        },
    ]
}


def _decision(i: int, unit: str, area: str, received: str, decided: str) -> dict[str, Any]:
    return {
        "decision_id": i,
        "case_id": f"{unit}-{i}",
        "citizen_ref": "0101901234",
        "unit_code": unit,
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
        "sent_date": decided,
    }


DECISIONS = [
    *(
        _decision(i, "JC-NORD", "MENTOR", "2024-03-01", d)
        for i, d in enumerate(["2024-03-10", "2024-03-15", "2024-03-20", "2024-03-29", "2024-04-08"], 1)
    ),
    *(
        _decision(i, "JC-NORD", "BOLIG", "2024-09-02", d)
        for i, d in enumerate(["2024-09-20", "2024-10-02", "2024-10-09"], 10)
    ),
    *(_decision(i, "JC-SYD", "MENTOR", "2024-02-01", f"2024-02-0{i - 15}") for i in range(20, 25)),
    _decision(30, "JC-XX", "MENTOR", "2024-05-01", "2024-05-05"),
]


def _complaint(i: int, unit: str, kind: str, answered: str) -> dict[str, Any]:
    return {
        "complaint_id": i,
        "case_id": f"{unit}-1",
        "citizen_ref": "0101901234",
        "unit_code": unit,
        "complaint_kind": kind,
        "via_ombudsman": 0,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": "2024-03-01",
        "answered_date": answered,
        "outcome": "upheld",
    }


COMPLAINTS = [
    *(_complaint(i, "JC-SYD", "decision", "2024-03-10") for i in range(1, 6)),
    *(_complaint(i, "JC-NORD", "handling", "2024-04-15") for i in (6, 7)),
]


def _run(make_db: Any, make_config: Any, tmp_path: Path, settings: str | None) -> Path:
    db = make_db(decisions=DECISIONS, complaints=COMPLAINTS)
    config = make_config(deadlines=DEADLINES, targets={"general": 90, "concrete": 80})
    if settings is not None:
        (config / "measurement.yaml").write_text(settings, encoding="utf-8")
    out = tmp_path / "out"
    run_period(db, config, Period.year(2024), out)
    return out


@pytest.fixture
def out(make_db: Any, make_config: Any, tmp_path: Path) -> Path:
    return _run(make_db, make_config, tmp_path, None)  # no measurement.yaml: the default 5


def table(ws: Any, first_heading: str, nth: int = 0) -> dict[Any, dict[str, Any]]:
    """Rows under the nth header row starting with ``first_heading``, keyed by first cell."""
    headers = [row for row in ws.iter_rows() if row[0].value == first_heading][nth]
    names = [c.value for c in headers]
    rows = {}
    for row in ws.iter_rows(min_row=headers[0].row + 1):
        if row[0].value is None:
            break
        rows[row[0].value] = {n: c for n, c in zip(names, row, strict=False) if n is not None}
    return rows


def grey(cell: Any, mark: str | None = None) -> bool:
    """A suppressed cell: "<5" (a small group; "<6" with threshold 6) or "x" (hidden to
    protect a small one) in italics on white (status.py: unlike both status fills in
    black-and-white print); ``mark``: that mark."""
    marked = isinstance(cell.value, str) and (cell.value in ("x", "<5", "<6"))
    return (
        marked and (mark is None or cell.value == mark) and bool(cell.font.i) and cell.fill.fill_type is None
    )


def texts(ws: Any) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def matrix(ws: Any) -> dict[Any, dict[str, Any]]:
    """Enhed x område: areas (rows, by name) x units (columns, by name), one table of shares."""
    return table(ws, "Sagsområde")


def test_unit_by_area_group_of_three_is_suppressed_and_of_five_shown(out: Path) -> None:
    ws = openpyxl.load_workbook(out / "udvalg.xlsx")["Enhed x område"]
    rows = matrix(ws)
    bolig, mentor, total = rows["Lån til boligindskud"], rows["Mentorstøtte"], rows["Alle sagsområder"]
    # JC-NORD x BOLIG has 3 decisions: its share shows "<5"; the area's total (3) too.
    assert grey(bolig["Jobcenter Nord"], "<5") and grey(bolig["Alle enheder"], "<5")
    # JC-NORD x MENTOR has 5 (4 of 5 = 80 %), but JC-NORD's 8 - 5 would give BOLIG: hidden "x";
    # MENTOR's area total (10) goes with BOLIG's (13 - 10 would give 3).
    assert grey(mentor["Jobcenter Nord"], "x") and grey(mentor["Alle enheder"], "x")
    # JC-SYD x MENTOR 5 of 5: nothing in its row or column needs it.
    assert mentor["Jobcenter Syd"].value == pytest.approx(1.0)
    # JC-SYD x BOLIG has no decisions: blank, nothing to hide.
    assert bolig["Jobcenter Syd"].value is None
    # Unit totals (8 and 5 decisions) are shown: JC-NORD 6 of 8 = 75 %.
    assert total["Jobcenter Nord"].value == pytest.approx(0.75)
    # No counts are published on this sheet (they are on Enheder and Sagsområder).
    assert [r[0].value for r in ws.iter_rows()].count("Sagsområde") == 1
    assert NOTE in texts(ws)


def test_units_areas_and_overview(out: Path) -> None:
    book = openpyxl.load_workbook(out / "udvalg.xlsx")
    units = table(book["Enheder"], "Enhed")
    nord = units["JC-NORD"]
    assert (nord["Afgørelser"].value, nord["Generel overholdelse"].value) == (8, pytest.approx(0.75))
    # JC-NORD's lowest area is BOLIG (66.7 %, 3 decisions): hidden. "1 area under 80 %" would
    # say that the small BOLIG is the one (MENTOR's 80 % is not under): hidden as "x".
    assert grey(nord["Laveste områdeoverholdelse"], "<5")
    assert grey(nord["Antal områder under 80 %"], "x")
    assert units["JC-SYD"]["Laveste områdeoverholdelse"].value == pytest.approx(1.0)
    assert NOTE in texts(book["Enheder"])

    areas = table(book["Sagsområder"], "Område")
    assert all(grey(areas["BOLIG"][h]) for h in ("Afgørelser", "Inden for frist", "Overholdelse"))
    assert areas["BOLIG"]["Navn"].value == "Lån til boligindskud"  # the group's name stays
    # MENTOR's 10 is the same count as Enhed x område's area total: hidden here too ("x").
    assert all(grey(areas["MENTOR"][h], "x") for h in ("Afgørelser", "Overholdelse"))
    assert areas["I alt"]["Afgørelser"].value == 13  # the whole administration: 13 is shown
    assert NOTE in texts(book["Sagsområder"])

    targets = table(book["Overblik"], "Målepunkt")
    general = targets["Afgørelser truffet inden for fristen (generel målsætning)"]
    assert general["2024"].value == pytest.approx(0.846)  # 11 / 13 = 84,6 %
    concrete = targets["Sagsområder under 80 % inden for fristen"]
    # BOLIG (66.7 %, 3 decisions) is too small to be judged on Overblik (its status would tell
    # something of its figure): 0 of the 1 area with at least 5 decisions (MENTOR, 90 %).
    assert (concrete["2024"].value, concrete["Status"].value) == (0, "✔ Opfyldt")
    assert concrete["Grundlag (klik for detaljer)"].value == "af 1 sagsområde med mindst 5 afgørelser"
    sentences = " ".join(texts(book["Overblik"]))
    assert "bolig" not in sentences.lower() and "66,7" not in sentences


def test_months_open_cases_and_data_quality(out: Path) -> None:
    book = openpyxl.load_workbook(out / "udvalg.xlsx")
    months = table(book["Udvikling"], "Måned")
    assert months["februar 2024"]["Afgørelser"].value == 5
    assert grey(months["marts 2024"]["Afgørelser"]) and grey(months["marts 2024"]["Overholdelse"])
    assert months["maj 2024"]["Afgørelser"].value == 0  # no decisions: nothing to hide
    opened = table(book["Åbne sager"], "Enhed")
    assert opened["JC-NORD"]["Afgjorte: overholdelse"].value == pytest.approx(0.75)
    assert grey(table(book["Åbne sager"], "Sagsområde")["BOLIG"]["Afgjorte: overholdelse"])
    quality = book["Datakvalitet"]
    # JC-XX's 1 excluded row: a code outside the units table is not listed per unit (the
    # reason "Ukendt enhed" would give its count away); the whole administration's tally is kept
    assert "JC-XX" not in table(quality, "Enhed")
    assert any(t.startswith("Afgørelser med en ukendt enhedskode") for t in texts(quality))
    reasons = table(quality, "Årsag")
    assert reasons["Ukendt enhed"]["Antal"].value == 1


def test_complaint_sheets(out: Path) -> None:
    book = openpyxl.load_workbook(out / "udvalg.xlsx")
    complaints = book["Klager"]
    units = table(complaints, "Enhed")
    assert grey(units["JC-NORD"]["Klager"], "<5") and grey(units["JC-NORD"]["Rettidighed"], "<5")
    # JC-SYD's 5 would give JC-NORD's 2 as 7 - 5: hidden to protect it.
    assert grey(units["JC-SYD"]["Klager"], "x") and grey(units["JC-SYD"]["Rettidighed"], "x")
    assert units["Hele forvaltningen"]["Klager"].value == 7
    # 5 of 7 on time = 71,43 %, stored as shown (status.py: one decimal, never across the
    # target): 71,4 %, not met against 95 %
    assert units["Hele forvaltningen"]["Rettidighed"].value == pytest.approx(0.714)
    kinds = table(complaints, "Klagetype")
    assert grey(kinds["Realitetsklager (over en afgørelse)"]["Klager"], "x")  # 7 - 5 = 2
    assert grey(kinds["Formalitetsklager (over sagsbehandlingen)"]["Klager"], "<5")
    assert NOTE in texts(complaints)
    contract = book["Resultatkontrakt"]
    # The handling-complaint count against the contract is never suppressed: JC-NORD 2.
    assert table(contract, "Enhed", 0)["JC-NORD"]["Modtaget år til dato"].value == 2
    per_1000 = table(contract, "Enhed", 1)
    assert grey(per_1000["JC-NORD"]["Klager pr. 1.000 afgørelser"])  # 2 complaints
    # JC-SYD: 5 complaints received (hidden: 7 - 5 = 2 would give JC-NORD's) per 5 decisions
    # (shown: the decisions are not hidden on the other sheets either).
    assert grey(per_1000["JC-SYD"]["Klager pr. 1.000 afgørelser"], "x")
    assert per_1000["JC-SYD"]["Afgørelser"].value == 5
    # Sheets with nothing small get no note (Ankestyrelsen: no appeals at all).
    assert NOTE not in texts(book["Ankestyrelsen"])


def test_method_sheet_states_the_rule(out: Path) -> None:
    lines = texts(openpyxl.load_workbook(out / "udvalg.xlsx")["Metode"])
    rule = [t for t in lines if t.startswith("Diskretionering")]
    # in Danish with the configured threshold (5), no setting or file name a politician
    # would not know
    assert len(rule) == 1 and 'tal under 5 vises som "<5"' in rule[0]
    assert "med 1 til 4 sager vises ikke" in rule[0]
    assert not any("suppress_below" in t or "measurement.yaml" in t for t in lines)


def test_unit_workbook_and_results_json_are_not_suppressed(out: Path) -> None:
    nord = openpyxl.load_workbook(out / unit_file("JC-NORD"))
    areas = {row["Kode"].value: row for row in table(nord["Sagsområder"], "Sagsområde").values()}
    assert areas["BOLIG"]["Afgørelser"].value == 3
    assert not any(NOTE in texts(ws) for ws in nord.worksheets)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    by_area = {a["case_area_code"]: a["decisions"] for a in results["decisions"]["by_area"]}
    assert by_area == {"BOLIG": 3, "MENTOR": 10}


def test_zero_shows_every_group(make_db: Any, make_config: Any, tmp_path: Path) -> None:
    out = _run(make_db, make_config, tmp_path, "suppress_below: 0\n")
    book = openpyxl.load_workbook(out / "udvalg.xlsx")
    bolig = matrix(book["Enhed x område"])["Lån til boligindskud"]
    assert bolig["Jobcenter Nord"].value == pytest.approx(0.667)  # 2 of 3 shown: 66,7 %
    assert table(book["Klager"], "Enhed")["JC-NORD"]["Klager"].value == 2
    for ws in book.worksheets:
        assert NOTE not in texts(ws), ws.title
        assert not any(grey(c) or c.value == "<0" for row in ws.iter_rows() for c in row), ws.title
    assert any(t.startswith("Diskretionering er slået fra") for t in texts(book["Metode"]))


def test_a_larger_threshold_moves_the_line(make_db: Any, make_config: Any, tmp_path: Path) -> None:
    # suppress_below: 6 also hides the 5-decision groups ("<6"). The unit totals are then
    # JC-NORD 8, JC-SYD 5 (hidden) and 13: 13 - 8 would give 5, so JC-NORD's 8 is hidden
    # too ("x": the smaller of the two other totals); 13 stays.
    out = _run(make_db, make_config, tmp_path, "suppress_below: 6\n")
    ws = openpyxl.load_workbook(out / "udvalg.xlsx")["Enhed x område"]
    rows = matrix(ws)
    assert grey(rows["Mentorstøtte"]["Jobcenter Nord"], "<6")
    assert grey(rows["Alle sagsområder"]["Jobcenter Syd"], "<6")
    assert grey(rows["Alle sagsområder"]["Jobcenter Nord"], "x")
    assert rows["Alle sagsområder"]["Alle enheder"].value == pytest.approx(0.846)  # 11 of 13
    assert note(6) in texts(ws)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("suppress_below: -1\n", "suppress_below: Input should be greater than or equal to 0"),
        ("suppress_below: fem\n", "suppress_below: Input should be a valid integer"),
    ],
)
def test_bad_value_is_a_config_error(make_config: Any, text: str, expected: str) -> None:
    config = make_config(deadlines=DEADLINES)
    (config / "measurement.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(config)
    message = str(info.value)
    assert str(config / "measurement.yaml") in message and expected in message, message


def test_shipped_default_is_five(config_dir: Path) -> None:
    assert load_config(config_dir).measurement.suppress_below == 5


def test_suppress_blanks_small_groups_only() -> None:
    frame = pd.DataFrame(
        {
            "unit_code": ["A", "B", "C", "D"],
            "decisions": [0, 1, 4, 5],
            "compliance_pct": [np.nan, 100.0, 75.0, 80.0],
            "name": list("abcd"),
        }
    )
    out, hidden = suppress(frame, "decisions", ["compliance_pct"], 5)
    # 1 and 4 are in 1..4: hidden; 0 (no cases) and 5 are shown; names and keys are kept.
    assert hidden == 2
    assert out["suppressed"].tolist() == [False, True, True, False]
    assert out["decisions"].tolist()[0] == 0 and out["decisions"].tolist()[3] == 5
    assert out["decisions"].isna().tolist() == [False, True, True, False]
    assert out["compliance_pct"].isna().tolist() == [True, True, True, False]
    assert out["name"].tolist() == list("abcd") and frame["decisions"].tolist() == [0, 1, 4, 5]
    assert suppress(frame, "decisions", ["compliance_pct"], 0)[1] == 0  # 0 = off
    assert note(5) == NOTE
