"""The committee workbook as a tagged, accessible PDF for the meeting agenda (``--pdf``).

LibreOffice (headless) converts ``udvalg.xlsx`` to ``udvalg.pdf`` in the same folder with the
PDF export filter's ``UseTaggedPDF`` option (a tagged PDF: headings, tables and reading order
for screen readers; the charts carry their alt text). LibreOffice runs with a throw-away user
profile, so it neither needs nor touches a user's own. Where LibreOffice is not installed the
run is not failed: :func:`export_pdf` returns a one-line message instead.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FILTER = 'pdf:calc_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
# The throw-away profile's locale: Danish, so numbers print as the workbook shows them in a
# Danish Excel ("91,7 %", "11.870") and the PDF declares its language (da-DK) for screen readers.
_ITEM = (
    '<item oor:path="/org.openoffice.{path}"><prop oor:name="{name}" oor:op="fuse">'
    "<value>da-DK</value></prop></item>"
)
PROFILE = "\n".join(
    [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
        ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
        _ITEM.format(path="Setup/L10N", name="ooSetupSystemLocale"),
        _ITEM.format(path="Setup/L10N", name="ooLocale"),
        _ITEM.format(path="Office.Linguistic/General", name="DefaultLocale"),
        "</oor:items>",
        "",
    ]
)
TIMEOUT_S = 600
NOT_INSTALLED = (
    "PDF ikke lavet: LibreOffice er ikke installeret "
    "(apt-get install libreoffice-calc-nogui fonts-crosextra-carlito)."
)


@dataclass(frozen=True)
class PdfResult:
    path: Path | None  # the PDF written, or None
    message: str  # one line for the operator


def soffice_program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def export_pdf(workbook: Path, program: str | None = None) -> PdfResult:
    """Write ``workbook`` as a tagged PDF beside it (same name, .pdf)."""
    program = program or soffice_program()
    if program is None:
        return PdfResult(None, NOT_INSTALLED)
    target = workbook.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="sagstid-pdf-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
        command = [
            program,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--convert-to",
            FILTER,
            "--outdir",
            str(workbook.parent),
            str(workbook),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return PdfResult(None, f"PDF ikke lavet: LibreOffice blev ikke færdig på {TIMEOUT_S} s.")
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        return PdfResult(
            None, f"PDF ikke lavet: LibreOffice fejlede ({reason[-1] if reason else done.returncode})."
        )
    return PdfResult(target, f"PDF til dagsordenen: {target}")
