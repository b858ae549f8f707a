"""The committee workbook (udvalg.xlsx) as the committee reads and prints it.

A demo database (sagstid.dev.demo, fixed seed, 9 units and 23 case areas like the full demo but
6.000 decisions a year so the runs are quick) is measured for 2025 and for 3rd quarter 2025
with run_period, as the scheduled jobs do; the workbook is read back with openpyxl and checked
against results.json, which the same run wrote:

* every figure on Overblik equals the one worked out here from results.json's counts (the
  percentages from their numerators and denominators, not from the workbook's code);
* every unit under the general target is named on Overblik;
* every sheet's page set-up: A4 landscape, one page wide, the footer with title, period and
  "Side x af y", the table header repeated; Overblik at a fixed scale of at least 70 %.

Then LibreOffice (tests/servers.py installs it with the Carlito font, so page breaks are
Excel's) prints each workbook to a tagged PDF with ``sagstid.ops.pdf`` (what ``--pdf`` does):
Overblik on one page, the whole workbook on at most 20.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from servers import pdftotext, soffice

from sagstid.dev import demo
from sagstid.ops import pdf
from sagstid.paths import resource_dir
from sagstid.periods import Period
from sagstid.pipeline import run_period

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september")
GENERAL, CONCRETE, NOTICE, COMPLAINTS, APPEALS, AUDIT = 90.0, 80.0, 100.0, 95.0, 80.0, 95.0
LABELS = {
    "general": "Afgørelser truffet inden for fristen (generel målsætning)",
    "areas": "Sagsområder under 80 % inden for fristen",
    "notice": "Borgeren underrettet skriftligt, når fristen blev overskredet",
    "complaints": "Klager besvaret inden for fristen (besvaret i perioden)",
    "appeals": "Ankestyrelsen stadfæster kommunens afgørelse",
    "resource_profile": "Tilsyn: ressourceprofil med konkret vurdering",
    "citizen_involved": "Tilsyn: borgeren har medvirket til ressourceprofilen",
    "deadline_met_or_notified": "Tilsyn: frist overholdt eller borger underrettet (stikprøver)",
    "decisions_kept": "Tilsyn: frist overholdt eller borger underrettet (alle afgørelser)",
    "contract": "Enheder over resultatkontraktens maksimum for formalitetsklager",
}


def build_db(folder: Path) -> Path:
    db = folder / "demo.sqlite"
    demo.build_demo_database(db, years=(2024, 2025), decisions_per_year=6000, complaints_per_year=600)
    return db


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The annual 2025 and the 3rd quarter 2025 runs' folders."""
    folder = tmp_path_factory.mktemp("committee")
    db = build_db(folder)
    out = {}
    for name, period in (("annual", Period.year(2025)), ("quarterly", Period.quarter("2025Q3"))):
        out[name] = folder / name
        run_period(f"sqlite:///{db}", resource_dir("config"), period, out[name])
    out["db"] = db
    return out


def results(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def overview_rows(path: Path) -> dict[str, dict[str, Any]]:
    """Overblik's table: label -> {heading: value}."""
    ws = openpyxl.load_workbook(path)["Overblik"]
    rows = list(ws.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == "Målepunkt")
    names = [c.value for c in rows[header]]
    out = {}
    for row in rows[header + 1 :]:
        if row[0].value is None:
            break
        out[row[0].value] = {n: c.value for n, c in zip(names, row, strict=True)}
    return out


def overview_text(path: Path) -> str:
    ws = openpyxl.load_workbook(path)["Overblik"]
    return " ".join(c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str))


def pct(numerator: int, denominator: int) -> float:
    return 100.0 * numerator / denominator


def assert_shown(cell: Any, expected: float, target: float) -> None:
    """The cell (a fraction) shows ``expected`` (0-100) to one decimal, on the same side of the
    target (94,96 % against 95 % may show 94,9 %, never 95,0 %)."""
    shown = 100 * cell
    assert abs(shown - expected) <= 0.1 + 1e-9, (shown, expected)
    assert (shown >= target - 1e-9) == (expected >= target - 1e-9), (shown, expected, target)


def status(expected: float, target: float) -> str:
    return "✔ Opfyldt" if expected >= target - 1e-9 else "✖ Ikke opfyldt"


def test_overview_figures_equal_results_json(runs: dict[str, Path]) -> None:
    r = results(runs["annual"])
    rows = overview_rows(runs["annual"] / "udvalg.xlsx")
    d = r["decisions"]["total"]
    checks = [
        ("general", pct(d["within_deadline"], d["decisions"]), GENERAL),
        ("notice", pct(d["exceeded_notified"], d["exceeded"]), NOTICE),
    ]
    c = r["complaints"]["total"]
    checks.append(("complaints", pct(c["on_time"], c["complaints"]), COMPLAINTS))
    outcomes = r["complaints"]["appeals"]
    decided = sum(outcomes.values()) - outcomes["rejected"]  # rejected appeals are not judged
    checks.append(("appeals", pct(outcomes["confirmed"], decided), APPEALS))
    a = r["audit"]["total"]
    for measure, of in (
        ("resource_profile", "samples"),
        ("citizen_involved", "samples"),
        ("deadline_met_or_notified", "samples"),
        ("decisions_kept", "decisions"),
    ):
        checks.append((measure, pct(a[measure], a[of]), AUDIT))
    for key, expected, target in checks:
        row = rows[LABELS[key]]
        assert_shown(row["2025"], expected, target)
        assert row["Status"] == status(expected, target), key
    general = rows[LABELS["general"]]
    assert general["Grundlag (klik for detaljer)"] == (
        f"{d['within_deadline']:,} af {d['decisions']:,} afgørelser".replace(",", ".")
    )
    # the same period last year (2024) beside it, and the change worked out from the shown figures
    before = rows[LABELS["general"]]["2024"]
    change = round(100 * general["2025"] - 100 * before, 1)
    arrow = "▲" if change > 0 else "▼" if change < 0 else "►"
    assert general["Ændring fra 2024"] == f"{arrow} {abs(change):.1f} pp".replace(".", ",")

    # areas under 80 %: counted from results.json's per-area counts, among the areas with at
    # least 5 decisions (a smaller area's status is not published)
    judged = [x for x in r["decisions"]["by_area"] if x["decisions"] >= 5]
    small = [x for x in r["decisions"]["by_area"] if 0 < x["decisions"] < 5]
    below = [x for x in judged if pct(x["within_deadline"], x["decisions"]) < CONCRETE]
    areas = rows[LABELS["areas"]]
    assert areas["2025"] == len(below)
    assert areas["Grundlag (klik for detaljer)"] == f"af {len(judged)} sagsområder" + (
        " med mindst 5 afgørelser" if small else ""
    )
    assert areas["Status"] == ("✔ Opfyldt" if not below else "✖ Ikke opfyldt")

    over = [u for u in r["contract"]["handling_complaints"] if u["received"] > (u["max"] or 10**9)]
    assert rows[LABELS["contract"]]["2025"] == len(over)

    # open decisions at the period's last day, not "today"
    o = r["open_cases"]["decisions"]["total"]
    assert r["open_cases"]["as_of"] == "2025-12-31"
    within = rows["Åbne afgørelser pr. 31-12-2025, hvor fristen ikke er overskredet"]
    assert_shown(within["2025"], pct(o["open"] - o["overdue"], o["open"]), GENERAL)
    overdue = rows["Åbne afgørelser pr. 31-12-2025 over fristen"]
    assert (overdue["2025"], overdue["Status"]) == (o["overdue"], "Intet mål")
    assert overdue["Grundlag (klik for detaljer)"] == f"af {o['open']:,} åbne afgørelser".replace(",", ".")


def unit_names(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as con:
        return dict(con.execute("SELECT unit_code, unit_name FROM units").fetchall())


@pytest.mark.parametrize("run", ["annual", "quarterly"])
def test_every_unit_below_the_general_target_is_named(runs: dict[str, Path], run: str) -> None:
    r, names = results(runs[run]), unit_names(runs["db"])
    text = overview_text(runs[run] / "udvalg.xlsx")
    judged = [u for u in r["decisions"]["by_unit"] if u["decisions"] >= 5]  # 1-4: suppressed
    below = [u for u in judged if pct(u["within_deadline"], u["decisions"]) < GENERAL]
    assert below, "the demo has units under 90 %"
    assert f"{len(below)} af {len(judged)} enheder er under den generelle målsætning på 90 %" in text
    for unit in below:
        assert names[unit["unit_code"]] in text, unit["unit_code"]
    for unit in judged:
        if unit not in below:
            assert f"{names[unit['unit_code']]} (" not in text.split("generelle målsætning")[1].split(".")[0]


def test_quarter_compares_with_last_year_and_the_year_to_date(runs: dict[str, Path]) -> None:
    rows = overview_rows(runs["quarterly"] / "udvalg.xlsx")
    general = rows[LABELS["general"]]
    assert list(general) == [
        "Målepunkt",
        "3. kvartal 2025",
        "Status",
        "Mål",
        "2. kvartal 2025",
        "3. kvartal 2024",
        "Ændring fra 3. kvartal 2024",
        "År til dato 2025",
        "Status år til dato",
        "Grundlag (klik for detaljer)",
    ]
    # the quarter's figure is the run's own (results.json); the year to date is
    # January-September, checked against the months Udvikling publishes
    q = results(runs["quarterly"])["decisions"]["total"]
    assert_shown(general["3. kvartal 2025"], pct(q["within_deadline"], q["decisions"]), GENERAL)
    wb = openpyxl.load_workbook(runs["quarterly"] / "udvalg.xlsx")
    months = [r for r in wb["Udvikling"].iter_rows(values_only=True) if r[0] and str(r[0]).endswith(" 2025")]
    # Udvikling shows the year to date: January to September, and its months add up to the
    # year-to-date figure on Overblik
    assert [m[0] for m in months] == [f"{month} 2025" for month in MONTHS[:9]]
    within, decided = sum(m[2] for m in months), sum(m[1] for m in months)
    assert_shown(general["År til dato 2025"], pct(within, decided), GENERAL)
    assert general["Status år til dato"] == status(pct(within, decided), GENERAL)


PAGED = {"Enheder", "Sagsområder", "Udvikling"}  # sheets with a chart under the table


@pytest.mark.parametrize("run", ["annual", "quarterly"])
def test_page_setup_of_every_sheet(runs: dict[str, Path], run: str) -> None:
    book = openpyxl.load_workbook(runs[run] / "udvalg.xlsx")
    label = "2025" if run == "annual" else "3. kvartal 2025"
    for ws in book.worksheets:
        name = ws.title
        assert ws.page_setup.orientation == "landscape", name
        assert str(ws.page_setup.paperSize) == "9", name  # A4
        footer = ws.oddFooter
        assert "Sagstidsmåling" in footer.left.text, name
        assert footer.center.text.endswith(label), name
        assert footer.right.text.endswith("Side &P af &N"), name
        fit = ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else False
        if name == "Overblik":
            assert not fit and 70 <= int(ws.page_setup.scale) <= 100
            assert ws.print_area is not None
        elif name in PAGED:
            # a fixed scale (so the page break before the chart holds), never below 40 %
            assert not fit and 40 <= int(ws.page_setup.scale or 100) <= 100, (
                name
            )  # 100: the default, left out
        else:
            # fit to 1 page wide (1 is the file format's default, which xlsxwriter leaves out), as
            # many tall as needed (0)
            assert fit and (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0, name
            assert ws.print_title_rows, name  # the table's header row on every page


@pytest.mark.parametrize("run", ["annual", "quarterly"])
def test_libreoffice_prints_overblik_on_one_page_and_the_workbook_on_at_most_20(
    runs: dict[str, Path], run: str
) -> None:
    done = pdf.export_pdf(runs[run] / "udvalg.xlsx", program=soffice())
    assert done.path == runs[run] / "udvalg.pdf", done.message
    data = done.path.read_bytes()
    assert b"/StructTreeRoot" in data and b"/MarkInfo" in data  # a tagged PDF
    assert b"/Lang(da-DK)" in data  # in Danish: screen readers speak it so, numbers read 91,7 %
    text = subprocess.run(
        [pdftotext(), "-layout", str(done.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) <= 20, len(pages)
    # Overblik is page 1, whole: its title, its last line, and the next sheet starts on page 2
    assert "Hvor bør udvalget spørge?" in pages[0]
    assert "Definitioner og regler står på arket Metode." in " ".join(pages[0].split())
    assert f"Side 1 af {len(pages)}" in pages[0]
    assert "Hvor bør udvalget spørge?" not in pages[1] and pages[1].lstrip().startswith("Enheder")
    print(f"{run}: {len(pages)} pages")


def test_pdf_without_libreoffice_says_so_in_one_line(
    runs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "soffice_program", lambda: None)
    done = pdf.export_pdf(runs["annual"] / "udvalg.xlsx")
    assert done.path is None and done.message == pdf.NOT_INSTALLED and "\n" not in done.message


@pytest.mark.parametrize("run", ["annual", "quarterly"])
def test_no_scientific_notation_anywhere(runs: dict[str, Path], run: str) -> None:
    """A politician reads no "5,1E-11": no cell of any sheet has a scientific number format."""
    book = openpyxl.load_workbook(runs[run] / "udvalg.xlsx")
    scientific = [
        (ws.title, cell.coordinate)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None and "E+" in str(cell.number_format).upper()
    ]
    assert scientific == []


# -- status in every committee table, never by colour alone -----------------------------------

HEADER_RGB = "FFDDEBF7"  # xlsx.HEADER_FILL: a table's header cells
SYMBOL = {"✔": True, "✖": False}  # met / not met


def judged(k: float, n: float, target: float) -> bool | None:
    """Met when k of n is at least the target: 100 * k >= target * n, in exact arithmetic
    (Fraction), independent of sagstid's status code; None without a denominator."""
    from fractions import Fraction

    if not n:
        return None
    return 100 * Fraction(int(k)) >= Fraction(str(target)) * int(n)


def expected_statuses(r: dict[str, Any]) -> dict[tuple[str, str, str], tuple[bool | None, float, float]]:
    """(sheet, row label, column heading) -> (met, unrounded 0-100 value, target), worked out
    here from results.json's counts."""
    out: dict[tuple[str, str, str], tuple[bool | None, float, float]] = {}

    def add(sheet: str, label: str, heading: str, k: float, n: float, target: float) -> None:
        out[(sheet, label, heading)] = (judged(k, n, target), pct(k, n) if n else float("nan"), target)

    d = r["decisions"]
    for row in [*d["by_unit"], {**d["total"], "unit_code": "Hele forvaltningen"}]:
        code = row["unit_code"]
        for sheet, heading in (
            ("Enheder", "Generel overholdelse"),
            ("Enheder", "Generel målsætning"),
            ("Åbne sager", "Afgjorte: overholdelse"),
        ):
            add(sheet, code, heading, row["within_deadline"], row["decisions"], GENERAL)
        add("Enheder", code, "Underretning", row["exceeded_notified"], row["exceeded"], NOTICE)
    for row in d["by_area"]:
        add(
            "Sagsområder",
            row["case_area_code"],
            "Overholdelse",
            row["within_deadline"],
            row["decisions"],
            CONCRETE,
        )
    c = r["complaints"]
    kinds = {
        "decision": "Realitetsklager (over en afgørelse)",
        "handling": "Formalitetsklager (over sagsbehandlingen)",
    }
    for row in [*c["by_unit"], {**c["total"], "unit_code": "Hele forvaltningen"}]:
        add("Klager", row["unit_code"], "Rettidighed", row["on_time"], row["complaints"], COMPLAINTS)
    for row in [*c["by_kind"], {**c["total"], "complaint_kind": "total"}]:
        label = kinds.get(row["complaint_kind"], "I alt")
        add("Klager", label, "Rettidighed", row["on_time"], row["complaints"], COMPLAINTS)
    total = c["total"]
    for heading in ("Denne periode", "Opfyldt"):
        add(
            "Klager", "Klager behandlet rettidigt", heading, total["on_time"], total["complaints"], COMPLAINTS
        )
    decided = ("confirmed", "changed", "remitted", "annulled")  # rejected appeals are not judged
    a = c["appeals"]
    for heading in ("Denne periode", "Opfyldt"):
        add(
            "Klager",
            "Ankestyrelsen stadfæster afgørelsen",
            heading,
            a["confirmed"],
            sum(a[o] for o in decided),
            APPEALS,
        )
    for row in [*c["appeals_by_unit"], {**a, "unit_code": "Hele forvaltningen"}]:
        add(
            "Ankestyrelsen",
            row["unit_code"],
            "Stadfæstelsesprocent",
            row["confirmed"],
            sum(row[o] for o in decided),
            APPEALS,
        )
    audit = r["audit"]
    headings = {
        "resource_profile": "Ressourceprofil med konkret vurdering før afgørelsen",
        "citizen_involved": "Borgeren har medvirket til ressourceprofilen",
        "deadline_met_or_notified": "Frist overholdt eller borgeren underrettet (stikprøver)",
        "decisions_kept": "Frist overholdt eller borgeren underrettet (alle afgørelser)",
    }
    for key, row in [
        *(("case_area_code", x) for x in audit["by_area"]),
        *(("unit_code", x) for x in audit["by_unit"]),
        ("unit_code", {**audit["total"], "unit_code": "Hele forvaltningen"}),
    ]:
        for measure, heading in headings.items():
            n = row["decisions"] if measure == "decisions_kept" else row["samples"]
            add("Tilsyn", row[key], heading, row[measure], n, AUDIT)
    labels = {
        "resource_profile": "Ressourceprofil med konkret vurdering før afgørelsen",
        "citizen_involved": "Borgeren har medvirket til ressourceprofilen",
        "deadline_met_or_notified": "Frist overholdt eller borgeren underrettet (stikprøver)",
        "decisions_kept": "Frist overholdt eller borgeren underrettet (alle afgørelser)",
    }
    t = audit["total"]
    for measure, label in labels.items():
        n = t["decisions"] if measure == "decisions_kept" else t["samples"]
        for heading in ("Andel", "Opfyldt"):
            add("Tilsyn", label, heading, t[measure], n, AUDIT)
    return out


FIGURE_BESIDE_WORD = ("Denne periode", "Andel")  # the figure a status word "Opfyldt" judges


def status_cells(path: Path) -> list[tuple[str, str, str, Any, bool, Any]]:
    """Every cell of the committee workbook (Overblik aside: its own test above) that states a
    status: a number whose format puts ✔ / ✖ before it, or a text starting with one. Each as
    (sheet, row label in column A, the heading above it in its table, the cell, met?, the
    figure the status word judges: the number under FIGURE_BESIDE_WORD in the same row, which
    is plain (xlsx.Styles: a figure beside its own status word), else None)."""
    book = openpyxl.load_workbook(path)
    found = []
    for ws in book.worksheets:
        if ws.title == "Overblik":
            continue
        rows = list(ws.iter_rows())
        for i, row in enumerate(rows):
            for cell in row:
                fmt, value = str(cell.number_format), cell.value
                if isinstance(value, (int, float)) and fmt[:2] in ('"✔', '"✖'):
                    met = SYMBOL[fmt[1]]
                elif isinstance(value, str) and value[:2] in ("✔ ", "✖ "):
                    met = SYMBOL[value[0]]
                else:
                    continue
                header = next(
                    r for r in reversed(rows[:i]) if r[cell.column - 1].fill.fgColor.rgb == HEADER_RGB
                )
                above = header[cell.column - 1]
                figure = None
                if isinstance(value, str):
                    beside = [c for c, h in zip(row, header, strict=False) if h.value in FIGURE_BESIDE_WORD]
                    if beside and isinstance(beside[0].value, (int, float)):
                        figure = beside[0]
                found.append((ws.title, str(row[0].value), str(above.value), cell, met, figure))
    return found


@pytest.mark.parametrize("run", ["annual", "quarterly"])
def test_every_status_cell_agrees_with_results_json(runs: dict[str, Path], run: str) -> None:
    """Klager, Ankestyrelsen, Tilsyn, Resultatkontrakt, Enheder, Sagsområder, Udvikling, Åbne
    sager: every judged figure says ✔ / ✖ (not colour alone); the symbol is the judgement of
    the unrounded value (from results.json's counts), and the figure as Excel shows it (one
    decimal of a per cent, half up) is on the same side of the target: 94,996 % against 95 %
    never shows "95,0 %"."""
    r = results(runs[run])
    expected = expected_statuses(r)
    contract = {row["unit_code"]: row["status"] for row in r["contract"]["handling_complaints"]}
    targets = {("Enheder", "Laveste"): CONCRETE, ("Udvikling", "Overholdelse"): GENERAL}
    checked, sided, beside = 0, 0, 0
    cells = status_cells(runs[run] / "udvalg.xlsx")
    assert {cell[0] for cell in cells} >= {
        "Klager",
        "Ankestyrelsen",
        "Tilsyn",
        "Resultatkontrakt",
        "Enheder",
        "Sagsområder",
        "Udvikling",
    }
    for sheet, label, heading, cell, met, figure in cells:
        where = (sheet, label, heading, cell.coordinate)
        if sheet == "Resultatkontrakt":  # the pace against the contract's maximum, in words
            assert met == (contract[label] == "on_course"), where
            checked += 1
            continue
        if sheet == "Flow og ventetid":  # a goal against its straight line (measure/goals.py)
            # judged here from the row's own figures: Basis, Mål, Forventet nu, Aktuelt; a goal
            # below its baseline is met when the projected figure is at most the expected one
            base, goal, expected_now, current = (cell.parent.cell(cell.row, c).value for c in (4, 5, 7, 8))
            down = float(goal) < float(base)
            on_track = (
                float(current) <= float(expected_now) if down else float(current) >= float(expected_now)
            )
            assert met == on_track, (where, base, goal, expected_now, current)
            checked += 1
            continue
        if sheet == "Enheder" and heading.startswith("Antal områder"):
            continue  # a count of areas under 80 %: ✔ only at 0 (checked on the unit's row below)
        key = (sheet, label, heading)
        if key in expected:
            want, value, target = expected[key]
            assert met == want, (where, value, target)
            checked += 1
        else:
            # no count for it in results.json (a unit's lowest area, a month): the symbol and
            # the shown figure agree with each other
            target = next(t for (s, h), t in targets.items() if s == sheet and heading.startswith(h))
            value = None
            sided += 1
        if heading == "Opfyldt" and sheet in ("Klager", "Tilsyn"):
            assert figure is not None, where  # a status word always has the figure it judges
        for judged in (cell, figure):  # the status cell, and the plain figure its word judges
            if judged is None or not isinstance(judged.value, (int, float)):
                continue
            shown = float(f"{100 * judged.value + 1e-9:.1f}")  # what "0.0 %" displays
            assert (shown >= target) == met, (where, judged.coordinate, shown, target)
            if value is not None:
                assert abs(shown - value) <= 0.1 + 1e-9, (where, judged.coordinate, shown, value)
            beside += judged is figure
    assert checked >= 100, checked  # most status cells are judged against results.json
    # Klager's two target rows and Tilsyn's four measures: the figure beside each status word
    # (annual 6; quarterly 5: Tilsyn's all-decisions row is hidden as "x" there, word and all)
    assert beside >= (6 if run == "annual" else 5), beside
    print(f"{run}: {checked} status cells checked against results.json, {sided} by their side only")
