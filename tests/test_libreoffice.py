"""Every workbook sagstid writes opens in a real spreadsheet application: LibreOffice.

LibreOffice (headless, from Debian packages; installed by tests/servers.py if absent) converts
each workbook of a run (every unit workbook and the committee workbook) to PDF with its own
throw-away user profile. It must exit 0, say nothing on stderr, and write a non-empty PDF with
at least one page for every workbook.

Formulas: where a workbook holds formulas (``<f>`` elements in a sheet's XML), LibreOffice
recalculates the workbook (the profile sets "recalculate on load: always") and saves it as xlsx
again; its values must equal the values sagstid stored. sagstid's workbooks hold no formulas
today (checked below and reported); a hand-made workbook with one correct and one wrong stored
value shows that the comparison sees LibreOffice's own results, not the stored ones.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from servers import soffice

from sagstid.cli import cli
from sagstid.dev import demo

# "Recalculation on file load: always" for OOXML and ODF files.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
FORMULA = re.compile(rb"<f[ >]")
JAVA_WARNING = re.compile(r"Warning: failed to launch javaldx - java may not function correctly")


def convert(files: Sequence[Path], target: str, out: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    """Convert ``files`` with one headless LibreOffice run into ``out``; fail on any complaint."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    command = [
        soffice(),
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, files),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice did not finish converting {len(files)} files in 600 s")
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    # Installed without recommends there is no Java; LibreOffice says so, and needs none here.
    stderr = [
        line for line in done.stderr.splitlines() if line.strip() and not JAVA_WARNING.fullmatch(line.strip())
    ]
    assert stderr == [], done.stderr
    assert "error" not in done.stdout.lower(), done.stdout
    for path in files:
        assert f"convert {path} -> " in done.stdout, (path, done.stdout)
    return done


def formula_cells(path: Path) -> dict[tuple[str, str], Any]:
    """(sheet, cell) -> the value stored with each formula in the workbook at ``path``."""
    formulas = openpyxl.load_workbook(path)
    stored = openpyxl.load_workbook(path, data_only=True)
    found = {}
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found[(sheet.title, cell.coordinate)] = stored[sheet.title][cell.coordinate].value
    return found


def recalculated(path: Path, cells: dict[tuple[str, str], Any], tmp: Path) -> dict[tuple[str, str], Any]:
    """The values LibreOffice computes for ``cells`` after loading ``path`` and saving as xlsx."""
    convert([path], "xlsx", tmp / "recalculated", tmp / "profile-xlsx")
    book = openpyxl.load_workbook(tmp / "recalculated" / path.name, data_only=True)
    return {key: book[key[0]][key[1]].value for key in cells}


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run on a small demo database: 9 unit workbooks, udvalg.xlsx, results.json."""
    folder = tmp_path_factory.mktemp("lo")
    db = folder / "demo.sqlite"
    demo.build_demo_database(db, years=(2024, 2025), decisions_per_year=1500, complaints_per_year=200)
    out = folder / "out"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--db",
            f"sqlite:///{db}",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--out",
            str(out),
            "--workers",
            "1",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out


def test_every_workbook_converts_to_pdf(workbooks: Path, tmp_path: Path) -> None:
    files = sorted(workbooks.glob("*.xlsx"))
    results = json.loads((workbooks / "results.json").read_text(encoding="utf-8"))
    names = {p.name for p in files}
    # the committee's workbook, and one for (at least) every unit with measured decisions
    assert "udvalg.xlsx" in names
    assert {f"enhed-{u['unit_code']}.xlsx" for u in results["decisions"]["by_unit"]} <= names
    assert len(files) >= 10  # the demo's 9 units + udvalg.xlsx
    convert(files, "pdf", tmp_path / "pdf", tmp_path / "profile")
    for path in files:
        pdf = tmp_path / "pdf" / (path.stem + ".pdf")
        assert pdf.is_file(), pdf
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 1000, pdf
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        assert pages >= 1, pdf


def test_workbooks_hold_no_formulas_today(workbooks: Path) -> None:
    """Checked in the XML itself: no sheet of any workbook has an <f> element. If this changes,
    test_libreoffice_computes_what_sagstid_stored compares every formula's value."""
    for path in sorted(workbooks.glob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            assert sheets, path
            for name in sheets:
                assert not FORMULA.search(archive.read(name)), (path.name, name)


def test_libreoffice_computes_what_sagstid_stored(workbooks: Path, tmp_path: Path) -> None:
    for path in sorted(workbooks.glob("*.xlsx")):
        cells = formula_cells(path)
        if not cells:
            continue  # nothing to compare in this workbook (see the test above)
        computed = recalculated(path, cells, tmp_path / path.stem)
        for key, value in cells.items():
            got = computed[key]
            if isinstance(value, (int, float)) and isinstance(got, (int, float)):
                assert got == pytest.approx(value, rel=1e-9), (path.name, key, got, value)
            else:
                assert got == value, (path.name, key, got, value)


def test_the_comparison_sees_libreoffice_results(tmp_path: Path) -> None:
    """A workbook with =A1*A2 stored as 6 (right) and =A1+A2 stored as 99 (wrong): after
    LibreOffice's recalculation the first still reads 6 and the second 5 (2 + 3)."""
    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Ark")
    sheet.write_number("A1", 2)
    sheet.write_number("A2", 3)
    sheet.write_formula("A3", "=A1*A2", None, 6)
    sheet.write_formula("A4", "=A1+A2", None, 99)
    book.close()
    cells = formula_cells(path)
    assert cells == {("Ark", "A3"): 6, ("Ark", "A4"): 99}
    assert recalculated(path, cells, tmp_path) == {("Ark", "A3"): 6, ("Ark", "A4"): 5}
