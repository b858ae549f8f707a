"""The centre manager's workbook (docs/design-workbooks.md), read back as she would use it.

One annual run for 2025 and one for 2024 on the shipped demo database. Every figure on Overblik
is compared with results.json (the 2025 column with the 2025 run's, the 2024 column with the
2024 run's), each status word with the target from config/targets.yaml, judged here on the
unrounded results.json value; the print set-up and panes are read from the xlsx; Overblik is
rendered through LibreOffice and must be exactly one PDF page at a print scale of at least 70 %.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from servers import pdf_tools, soffice

from sagstid.cli import cli
from sagstid.config import load_config
from sagstid.paths import resource_dir
from sagstid.periods import Period
from sagstid.report.action_list import CHECK, OVERDUE, SAVE, actions, is_new, ordered

UNIT = "JC-NORD"
LIST_SHEETS = {"Overskredne frister", "Klager besvaret for sent"}  # sheets listing cases, header repeated


def _run(out: Path, start: str, end: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli,
        ["run", "--from", start, "--to", end, "--out", str(out), "--workers", "2"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    folder = tmp_path_factory.mktemp("unitwb")
    now = _run(folder / "2025", "2025-01-01", "2025-12-31")
    before = _run(folder / "2024", "2024-01-01", "2024-12-31")
    return folder / "2025" / f"enhed-{UNIT}.xlsx", now, before


def _unit(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next(x for x in items if x.get("unit_code") == UNIT)


def _expected(results: dict[str, Any]) -> dict[str, float]:
    """label on Overblik -> the results.json value (0-100 or a count) for JC-NORD."""
    dec = _unit(results["decisions"]["by_unit"])
    comp = _unit(results["complaints"]["by_unit"])
    appeals = _unit(results["complaints"]["appeals_by_unit"])
    audit = _unit(results["audit"]["by_unit"])
    contract = _unit(results["contract"]["handling_complaints"])
    open_dec = _unit(results["open_cases"]["decisions"]["by_unit"])
    day = dt.date.fromisoformat(results["open_cases"]["as_of"]).strftime("%d-%m-%Y")
    return {
        "Generel overholdelse af sagsbehandlingsfristerne": dec["compliance_pct"],
        "Skriftlig underretning, når fristen overskrides": dec["notice_pct"],
        "Klager besvaret rettidigt (besvaret i perioden)": comp["compliance_pct"],
        "Ankestyrelsen stadfæster afgørelsen": appeals["confirmed_pct"],
        "Tilsyn: ressourceprofil med konkret vurdering": audit["resource_profile_pct"],
        "Tilsyn: borgeren har medvirket til ressourceprofilen": audit["citizen_involved_pct"],
        "Tilsyn: frist overholdt eller underrettet (stikprøver)": audit["deadline_met_or_notified_pct"],
        "Tilsyn: frist overholdt eller underrettet (alle afgørelser)": audit["decisions_kept_pct"],
        f"Formalitetsklager modtaget {results['contract']['year']} (resultatkontrakt)": contract["received"],
        f"Åbne afgørelser inden for fristen pr. {day}": open_dec["open_within_pct"],
        f"Åbne afgørelser over fristen pr. {day}": open_dec["overdue"],
    }


def _overview_rows(path: Path) -> dict[str, tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)["Overblik"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Målepunkt")
    rows: dict[str, tuple[Any, ...]] = {}
    for r in range(header + 1, header + 30):
        label = ws.cell(r, 1).value
        if not label:
            break
        rows[label] = (ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 5).value, ws.cell(r, 8))
    return rows


def _shown(cell: Any, pct: bool) -> float:
    return float(cell) * 100.0 if pct else float(cell)


def test_overblik_figures_equal_results_json(runs: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    path, now, before = runs
    rows = _overview_rows(path)
    t = load_config(resource_dir("config")).targets
    targets = {
        "Generel overholdelse af sagsbehandlingsfristerne": t.general,
        "Skriftlig underretning, når fristen overskrides": t.delay_notice,
        "Klager besvaret rettidigt (besvaret i perioden)": t.complaints,
        "Ankestyrelsen stadfæster afgørelsen": t.appeal_confirmed,
        **{k: t.audit for k in rows if k.startswith("Tilsyn:")},
    }
    expected = _expected(now)
    for label, value in expected.items():
        assert label in rows, (label, list(rows))
        is_pct = "Formalitetsklager" not in label and "over fristen" not in label
        shown = _shown(rows[label][0], is_pct)
        # one decimal shown (half up, or towards the status's side of the target): within 0,1 pp
        assert abs(shown - value) <= 0.1 + 1e-9, (label, shown, value)
    for label, target in targets.items():
        word = "✔ Opfyldt" if expected[label] >= target else "✖ Ikke opfyldt"
        assert rows[label][1] == word, (label, rows[label][1], expected[label], target)
        # the shown figure is never on the other side of the target from its status
        assert (_shown(rows[label][0], True) >= target) == (expected[label] >= target), label
    # the lowest area: JC-NORD's lowest area in results.json (by_unit_area is not in results.json,
    # so the row's figure is checked against the area sheet's lowest share and the target)
    lowest = next(k for k in rows if k.startswith("Laveste sagsområde"))
    assert rows[lowest][1] == (
        "✔ Opfyldt" if _shown(rows[lowest][0], True) >= t.concrete else "✖ Ikke opfyldt"
    )
    # JC-NORD 2025: 68 handling complaints against a maximum of 50 (results.json), over the maximum
    contract = _unit(now["contract"]["handling_complaints"])
    contract_label = f"Formalitetsklager modtaget {now['contract']['year']} (resultatkontrakt)"
    assert rows[contract_label][0] == contract["received"]
    assert contract["received"] > contract["max"]  # 68 against 50 in the demo
    assert rows[contract_label][1] == "✖ Over maksimum"
    # the comparison column is the 2024 run's results.json
    previous = _expected(before)
    same = {
        "Generel overholdelse af sagsbehandlingsfristerne",
        "Skriftlig underretning, når fristen overskrides",
        "Klager besvaret rettidigt (besvaret i perioden)",
        "Ankestyrelsen stadfæster afgørelsen",
        *(k for k in rows if k.startswith("Tilsyn:")),
    }
    for label in same:
        assert abs(_shown(rows[label][2], True) - previous[label]) <= 0.1 + 1e-9, (label, rows[label][2])
    label_2024 = "Formalitetsklager modtaget 2024 (resultatkontrakt)"
    assert rows[contract_label][2] == previous[label_2024]
    open_2025 = next(k for k in rows if k.startswith("Åbne afgørelser over fristen"))
    open_2024 = next(k for k in previous if k.startswith("Åbne afgørelser over fristen"))
    assert rows[open_2025][2] == previous[open_2024]


def test_overblik_links_reach_existing_sheets(runs: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    path, _, _ = runs
    book = openpyxl.load_workbook(path)
    rows = _overview_rows(path)
    assert len(rows) >= 13
    for label, (*_, cell) in rows.items():
        assert cell.hyperlink is not None, label
        target = cell.hyperlink.location.split("!")[0].strip("'")
        assert target in book.sheetnames, (label, target)


def test_every_sheet_prints_landscape_one_page_wide_with_a_footer(
    runs: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    path, _, _ = runs
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Overblik"
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert int(setup.paperSize) == 9, ws.title  # A4
        fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        if fit:
            # OOXML's default fitToWidth is 1 (xlsxwriter leaves it out); 0 pages tall = as many as needed
            assert setup.fitToWidth in (None, 1, "1") and setup.fitToHeight in (0, "0"), ws.title
        else:
            assert 10 <= int(setup.scale or 100) <= 100, ws.title  # no scale written: 100 %
        assert "Side &P af &N" in (ws.oddFooter.right.text or ""), ws.title
        assert "2025" in (ws.oddFooter.center.text or ""), ws.title
        if ws.title in LIST_SHEETS:
            assert ws.print_title_rows, ws.title
            assert "Internt - indeholder sagsnumre" in (ws.oddHeader.right.text or ""), ws.title
        pane = ws.freeze_panes
        if pane is not None:
            row = openpyxl.utils.cell.coordinate_to_tuple(pane)[0]
            assert row - 1 <= 10, (ws.title, pane)
    overview = book["Overblik"]
    assert not (overview.sheet_properties.pageSetUpPr and overview.sheet_properties.pageSetUpPr.fitToPage)
    assert int(overview.page_setup.scale) >= 70


def test_case_ids_are_text_without_excel_warnings(runs: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    path, _, _ = runs
    ws = openpyxl.load_workbook(path)["Overskredne frister"]
    assert all(isinstance(ws.cell(r, 1).value, str) for r in range(5, 30))
    import zipfile

    with zipfile.ZipFile(path) as z:
        names = openpyxl.load_workbook(path).sheetnames
        xml = z.read(f"xl/worksheets/sheet{names.index('Overskredne frister') + 1}.xml").decode()
    assert '<ignoredError sqref="A5:' in xml and 'numberStoredAsText="1"' in xml


def test_overblik_prints_on_exactly_one_page(
    runs: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    path, _, _ = runs
    program = soffice()
    pdfinfo, pdftotext = pdf_tools()
    command = [
        program,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(path),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / path.with_suffix(".pdf").name
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                [pdfinfo, str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )

    def page(n: int) -> str:
        return subprocess.run(
            [pdftotext, "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout

    # Overblik is the first sheet: page 1 is its title, and page 2 already belongs to the next sheet
    assert "Sagstidsmåling 2025: Jobcenter Nord" in page(1)
    assert "Svageste sagsområder" in page(1) or "Alle sagsområder" in page(1)
    assert "Handlingsliste" in page(2).splitlines()[0] or "Handlingsliste pr." in page(2)
    assert "Målepunkt" not in page(2)
    scale = int(openpyxl.load_workbook(path)["Overblik"].page_setup.scale)
    assert scale >= 70
    # the whole workbook: 147 pages before (Carlito); the case list is most of it now
    assert pages < 100, pages


# --- the action list, on hand-made cases ------------------------------------------------------


def _cases() -> pd.DataFrame:
    day = np.datetime64
    return pd.DataFrame(
        {
            "kind": ["decision", "decision", "complaint", "decision", "decision", "decision"],
            "case_key": ["1", "2", "3", "4", "5", "6"],
            "case_id": ["S-1", "S-2", "S-3", "S-4", "S-5", "S-6"],
            "unit_code": [UNIT] * 6,
            "case_area_code": ["A", "A", "B", "B", "A", "A"],
            "complaint_kind": [None, None, "handling", None, None, None],
            "received_date": [day("2026-01-01")] * 6,
            # as of Friday 20-11-2026: 1 overdue 120 days, 2 overdue 10 days, 3 due in 2 working
            # days, 4 overdue since Thursday's deadline (1 day), 5 within (nothing to do), 6
            # overdue exactly 90 days (not more than 90: stays "overdue")
            "deadline_date": [
                day("2026-07-23"),
                day("2026-11-10"),
                day("2026-11-24"),
                day("2026-11-19"),
                day("2026-12-31"),
                day("2026-08-22"),
            ],
            "state": ["overdue", "overdue", "due_soon", "overdue", "within", "overdue"],
            "days_open": [323] * 6,
            "days_over": [120, 10, 0, 1, 0, 90],
            "working_days_left": [0, 0, 2, 0, 30, 0],
            "delay_notice_date": [pd.NaT, day("2026-11-01"), pd.NaT, pd.NaT, pd.NaT, pd.NaT],
            "notified": [False, True, False, False, False, False],
            "notice_missing": [True, False, True, True, False, True],
        }
    )


def test_action_list_order_groups_and_new_cases() -> None:
    rows = ordered(_cases(), check_days=90)
    # saved first (3), then overdue most days first (6: 90, 2: 10, 4: 1), then the check (1: 120)
    assert rows["case_key"].tolist() == ["3", "6", "2", "4", "1"]
    assert rows["group"].tolist() == [SAVE, OVERDUE, OVERDUE, OVERDUE, CHECK]
    # previous working day of Friday 20-11-2026 is Thursday 19-11-2026: only case 4's deadline
    # (19-11) passed on or after it
    new = is_new(rows, dt.date(2026, 11, 19))
    assert rows["case_key"][new].tolist() == ["4"]
    words = actions(rows, rows["group"].to_numpy())
    assert words == [
        "Nå fristen: besvar klagen, ellers underret",  # 3: complaint due soon, no notice
        "Send underretning, og afgør sagen",  # 6
        "Underrettet: afgør sagen snarest",  # 2: notice sent 01-11
        "Send underretning, og afgør sagen",  # 4
        "Tjek registreringen: er sagen afgjort?",  # 1
    ]


def test_nightly_compares_with_the_same_dates_last_year() -> None:
    nightly = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 20))
    assert nightly.comparison() == Period(dt.date(2025, 1, 1), dt.date(2025, 11, 20))
    assert Period.year(2025).comparison() == Period.year(2024)
    leap = Period(dt.date(2024, 1, 1), dt.date(2024, 2, 29))  # whole months: the two months before
    assert leap.comparison() == Period(dt.date(2023, 11, 1), dt.date(2023, 12, 31))
    part = Period(dt.date(2024, 1, 1), dt.date(2024, 2, 28))  # not whole months: last year, same dates
    assert part.comparison() == Period(dt.date(2023, 1, 1), dt.date(2023, 2, 28))
    assert Period(dt.date(2024, 2, 29), dt.date(2024, 3, 5)).same_dates_last_year() == Period(
        dt.date(2023, 2, 28), dt.date(2023, 3, 5)
    )


# --- one status look, judged the same everywhere -----------------------------------------------

MARKS = {"✔": True, "✖": False}


def _marked(cell: Any) -> bool | None:
    """The status a cell carries: its text starts with ✔ / ✖ ("✖ Ikke opfyldt", "✔ Nej"), or
    its number format puts the symbol before the figure ('"✖ "0.0 %'); None if it carries none."""
    if isinstance(cell.value, str) and cell.value[:2] in ("✔ ", "✖ "):
        return MARKS[cell.value[0]]
    fmt = cell.number_format or ""
    if isinstance(cell.value, (int, float)) and fmt[:3] in ('"✔ ', '"✖ '):
        return MARKS[fmt[1]]
    return None


def _met(k: int, n: int, target: float) -> bool:
    """The independent judgement of k of n against a 0-100 target, in exact arithmetic."""
    from fractions import Fraction

    return 100 * k >= Fraction(str(target)) * n


def _pct_shown(cell: Any) -> float:
    """The percentage as the reader sees it: the cell stores the shown value (one decimal), so
    Excel's "0.0 %" prints exactly this number, never a rounding of a hidden longer one."""
    shown = float(cell.value) * 100.0
    assert abs(shown * 10 - round(shown * 10)) < 1e-6, (cell.coordinate, cell.value)
    return shown


def _rows_under(ws: Any, heading: str, col: int = 1) -> list[list[Any]]:
    """Every table whose header row has ``heading`` in column ``col``: its rows of cells, to
    the first empty first cell."""
    out = []
    for header in [r for r in ws.iter_rows() if r[col - 1].value == heading]:
        row = header[0].row + 1
        while ws.cell(row, 1).value not in (None, ""):
            out.append([ws.cell(row, c) for c in range(1, ws.max_column + 1)])
            row += 1
    return out


def _audit_samples(start: str, end: str) -> dict[str, tuple[int, int, int, int]]:
    """JC-NORD's audit samples per area straight from the demo database (no exclusions there
    for JC-NORD: Kvalitet's own table of excluded samples is all zeros): samples and the yes
    counts of the three findings."""
    import sqlite3

    from sagstid.settings import demo_db_path

    with sqlite3.connect(demo_db_path()) as con:
        rows = con.execute(
            "SELECT case_area_code, COUNT(*), SUM(resource_profile), SUM(citizen_involved), "
            "SUM(deadline_met_or_notified) FROM audit_samples WHERE unit_code = ? "
            "AND audit_date BETWEEN ? AND ? GROUP BY case_area_code",
            (UNIT, start, end),
        ).fetchall()
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}


def test_every_status_cell_agrees_with_an_independent_judgement(
    runs: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    """Every cell of the annual JC-NORD workbook that carries a status (a ✔ / ✖ word, or a
    figure with the symbol in its number format) is listed here with an independent judgement
    of the unrounded figure: exact integer arithmetic on counts (from results.json, the demo
    database, or the count columns beside the share), or results.json's unrounded share. The
    status must match it, and the figure shown beside (or in) the cell must lie on the same
    side of the target. A status cell this test does not know fails it."""
    path, now, _ = runs
    book = openpyxl.load_workbook(path)
    t = load_config(resource_dir("config")).targets
    # coordinate -> (met, figure cell or None, target, "pct" | "max")
    expected: dict[tuple[str, str], tuple[bool, Any, float, str]] = {}

    def expect(ws: Any, status: Any, met: bool, figure: Any, target: float, kind: str = "pct") -> None:
        expected[(ws.title, status.coordinate)] = (met, figure, target, kind)

    # Sagsområder: Afgørelser (D), Inden for fristen (E) beside the share (F) and status (G)
    areas_ws = book["Sagsområder"]
    area_counts: dict[str, tuple[int, int, int]] = {}  # name and code -> (decisions, within, notified)
    for r in _rows_under(areas_ws, "Sagsområde"):
        n, k = int(r[3].value), int(r[4].value)
        area_counts[str(r[0].value)] = area_counts[str(r[1].value)] = (n, k, int(r[11].value))
        expect(areas_ws, r[6], _met(k, n, t.concrete), r[5], t.concrete)
    assert len(area_counts) >= 2
    # Månedlig udvikling and Sagsområder pr. måned: the month's counts in B and C
    for name, target in (("Månedlig udvikling", t.general), ("Sagsområder pr. måned", t.concrete)):
        ws = book[name]
        for r in _rows_under(ws, "Måned"):
            if _marked(r[4]) is not None:
                expect(ws, r[4], _met(int(r[2].value), int(r[1].value), target), r[3], target)

    # Overblik: results.json for every target row; the areas from Sagsområder's counts
    ws = book["Overblik"]
    dec = _unit(now["decisions"]["by_unit"])
    comp = _unit(now["complaints"]["by_unit"])
    appeals = _unit(now["complaints"]["appeals_by_unit"])
    audit = _unit(now["audit"]["by_unit"])
    contract = _unit(now["contract"]["handling_complaints"])
    open_dec = _unit(now["open_cases"]["decisions"]["by_unit"])
    held = _unit(now["held_decisions"]["by_unit"])["gaming"]
    appeals_decided = sum(appeals[k] for k in ("confirmed", "changed", "remitted", "annulled"))
    by_label: dict[str, tuple[bool, float]] = {
        "Generel overholdelse af sagsbehandlingsfristerne": (
            _met(dec["within_deadline"], dec["decisions"], t.general),
            t.general,
        ),
        "Skriftlig underretning, når fristen overskrides": (
            _met(dec["exceeded_notified"], dec["exceeded"], t.delay_notice),
            t.delay_notice,
        ),
        "Klager besvaret rettidigt (besvaret i perioden)": (
            _met(comp["on_time"], comp["complaints"], t.complaints),
            t.complaints,
        ),
        "Ankestyrelsen stadfæster afgørelsen": (
            _met(appeals["confirmed"], appeals_decided, t.appeal_confirmed),
            t.appeal_confirmed,
        ),
        "Tilsyn: ressourceprofil med konkret vurdering": (
            _met(audit["resource_profile"], audit["samples"], t.audit),
            t.audit,
        ),
        "Tilsyn: borgeren har medvirket til ressourceprofilen": (
            _met(audit["citizen_involved"], audit["samples"], t.audit),
            t.audit,
        ),
        "Tilsyn: frist overholdt eller underrettet (stikprøver)": (
            _met(audit["deadline_met_or_notified"], audit["samples"], t.audit),
            t.audit,
        ),
        "Tilsyn: frist overholdt eller underrettet (alle afgørelser)": (
            _met(audit["decisions_kept"], audit["decisions"], t.audit),
            t.audit,
        ),
        # the open decisions' yardstick is the general target ("pejlemærke")
        next(
            k
            for k in (r[0].value for r in _rows_under(ws, "Målepunkt"))
            if k.startswith("Åbne afgørelser inden")
        ): (
            _met(open_dec["within"], open_dec["open"], t.general),
            t.general,
        ),
    }
    for r in _rows_under(ws, "Målepunkt"):
        label = str(r[0].value)
        if _marked(r[2]) is None:
            continue
        if label in by_label:
            met, target = by_label[label]
            expect(ws, r[2], met, r[1], target)
        elif label.startswith("Laveste sagsområde: "):
            n, k, _ = area_counts[label.split(": ", 1)[1]]
            # it is the lowest: no area of the unit has a smaller exact share
            assert all(k * m <= kk * n for m, kk, _ in area_counts.values())
            expect(ws, r[2], _met(k, n, t.concrete), r[1], t.concrete)
        elif label.startswith("Formalitetsklager modtaget"):
            # a whole year: on course exactly when received <= the maximum
            expect(ws, r[2], contract["received"] <= contract["max"], r[1], contract["max"], "max")
        elif label.startswith("Mønster"):
            expect(ws, r[2], not held["flagged"], None, 0)
        else:
            raise AssertionError(f"Overblik: a status on a row this test does not know: {label}")
    for r in _rows_under(ws, "Sagsområde"):  # Svageste sagsområder
        n, k, _ = area_counts[str(r[0].value)]
        expect(ws, r[2], _met(k, n, t.concrete), r[1], t.concrete)

    # Klager: the unit's counts in results.json and in the kind table's own count columns
    ws = book["Klager"]
    for r in _rows_under(ws, "Mål"):
        if r[0].value == "Klager behandlet rettidigt":
            expect(ws, r[4], _met(comp["on_time"], comp["complaints"], t.complaints), r[2], t.complaints)
        elif r[0].value == "Ankestyrelsen stadfæster afgørelsen":
            met = _met(appeals["confirmed"], appeals_decided, t.appeal_confirmed)
            expect(ws, r[4], met, r[2], t.appeal_confirmed)
    for r in _rows_under(ws, "Klagetype"):
        expect(ws, r[3], _met(int(r[2].value), int(r[1].value), t.complaints), r[3], t.complaints)
    for r in _rows_under(ws, "Udfald"):
        if r[0].value == "Stadfæstelsesprocent":
            met = _met(appeals["confirmed"], appeals_decided, t.appeal_confirmed)
            expect(ws, r[1], met, r[1], t.appeal_confirmed)
    for r in _rows_under(ws, "Klager"):  # the resultatkontrakt: the count carries the status
        expect(ws, r[1], contract["received"] <= contract["max"], r[1], contract["max"], "max")
        assert _marked(r[2]) is None  # never the maximum
    alerts = {a["month"] for a in now["surge_alerts"]["alerts"] if a["unit_code"] == UNIT}
    from sagstid.report.words import MONTHS

    for r in _rows_under(ws, "Måned"):
        month_name, year = str(r[0].value).split()[:2]
        month = f"{year}-{MONTHS.index(month_name) + 1:02d}"
        assert (_marked(r[3]) is False) == (month in alerts), r[0].value
        if month in alerts:
            expect(ws, r[3], False, None, 0)

    # Kvalitet: the targets table's own counts; the areas from the demo database and from
    # Sagsområder's counts (all decisions: within the deadline, or notified in time)
    ws = book["Kvalitet"]
    for r in _rows_under(ws, "Mål"):
        expect(ws, r[5], _met(int(r[3].value), int(r[2].value), t.audit), r[4], t.audit)
    samples = _audit_samples("2025-01-01", "2025-12-31")
    for r in _rows_under(ws, "Sagsområde"):
        name = str(r[0].value)
        if name == "I alt":
            found = (audit["samples"], audit["resource_profile"], audit["citizen_involved"])
            yes = (*found, audit["deadline_met_or_notified"])
            kept = (audit["decisions"], audit["decisions_kept"])
        else:
            code = name.rsplit("(", 1)[-1].rstrip(")")
            if r[1].value == "ingen sager i perioden":
                assert code not in samples
                continue
            yes = samples[code]
            n, k, notified = area_counts[code]
            kept = (n, k + notified)
        assert r[1].value == yes[0], name  # the same samples as the database holds
        for col, k in zip((2, 3, 4), yes[1:], strict=True):
            expect(ws, r[col], _met(k, yes[0], t.audit), r[col], t.audit)
        expect(ws, r[6], _met(kept[1], kept[0], t.audit), r[6], t.audit)

    # Tilbageholdte afgørelser: the pattern flag, and as many marked weeks as results.json counts
    ws = book["Tilbageholdte afgørelser"]
    for row in ws.iter_rows():
        if row[0].value and str(row[0].value).startswith("Mønster:"):
            expect(ws, row[1], not held["flagged"], None, 0)
    weeks = [r[7] for r in _rows_under(ws, "Uge") if _marked(r[7]) is not None]
    assert len(weeks) == held["suspicious_weeks_in_period"]
    for cell in weeks:
        expect(ws, cell, False, None, 0)

    # every status cell in the workbook is one of the above, and agrees
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                state = _marked(cell)
                if state is None:
                    continue
                seen += 1
                key = (sheet.title, cell.coordinate)
                assert key in expected, f"a status this test does not judge: {key} {cell.value!r}"
                met, figure, target, kind = expected[key]
                assert state == met, (key, cell.value, met)
                if figure is None:
                    continue
                if kind == "max":  # a count against a maximum
                    assert (float(figure.value) <= target) == met, key
                else:  # the shown figure is on the status's side of the target
                    assert (_pct_shown(figure) >= target - 1e-9) == met, (key, figure.value, target)
    assert seen == len(expected) and seen > 200, (seen, len(expected))


def test_service_targets_are_on_overblik_of_a_unit_held_to_them(
    runs: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    """Ydelsesservice has decisions under the catalogue's internal service targets (BEFORD,
    KH-ANS in the demo): its Overblik names them with the share kept, rounded half up to one
    decimal, from results.json's counts (within ÷ decisions under a service target). JC-NORD has
    none, and no such row."""
    path, now, _ = runs
    ys = next(u for u in now["decisions"]["by_unit"] if u["unit_code"] == "YS")
    assert ys["service_target_decisions"] > 0
    share = 100.0 * ys["within_service_target"] / ys["service_target_decisions"]
    ws = openpyxl.load_workbook(path.parent / "enhed-YS.xlsx")["Overblik"]
    rows = {str(r[0].value): r for r in _rows_under(ws, "Målepunkt")}
    row = rows["Servicemål (interne, kortere frister) overholdt"]
    assert abs(float(row[1].value) * 100.0 - share) <= 0.05 + 1e-9, (row[1].value, share)
    assert row[2].value == "– intet måltal"  # no percentage target: no ✔ / ✖
    assert row[7].hyperlink is not None and "Sagsområder" in row[7].hyperlink.location
    nord = {str(r[0].value) for r in _rows_under(openpyxl.load_workbook(path)["Overblik"], "Målepunkt")}
    assert not any(label.startswith("Servicemål") for label in nord)


def test_summary_sentence_names_every_missed_target(
    runs: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    # The sentence at the top of Overblik listed a held-decisions pattern as an empty item
    # ("... og .") and said "1 sagsområder". Checked on every unit's workbook against the
    # status cells below it.
    patterns = 0
    for path in sorted(runs[0].parent.glob("enhed-*.xlsx")):
        ws = openpyxl.load_workbook(path)["Overblik"]
        sentence = str(ws.cell(3, 1).value)
        assert " og ." not in sentence and ", ," not in sentence and ": ." not in sentence, sentence
        rows = _overview_rows(path)
        held = rows.get("Mønster: sene afgørelser holdt tilbage")
        if held is not None and str(held[1]).startswith("✖ Mønster i "):
            patterns += 1
            weeks = str(held[1]).removeprefix("✖ Mønster i ")  # "3 af 8 uger"
            assert f"sene afgørelser holdt tilbage (mønster i {weeks})" in sentence, sentence
        if " 1 sagsområde" in sentence or " 1 sagsområder" in sentence:
            assert " 1 sagsområde under" in sentence, sentence
    assert patterns >= 1  # the demo has a unit holding decisions back (not a vacuous check)
