"""The citizens' page forventet-sagsbehandlingstid.html in a real headless Chromium (Debian's
package, installed by the test as PostgreSQL and LibreOffice are): it loads without console
errors, the table has one row per published area, it fits a phone's width (390 x 844) with
sufficient contrast, and a screenshot is taken at that size.

Three published areas (10 calendar days each): KH-ANS with 3 decisions in the window (enough,
min_count 3), LED-YD with 2 (too few), SEN-NY with none at all (too few, but still a row).
"""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from servers import CHROMIUM_FLAGS, chromium

from sagstid.periods import Period
from sagstid.pipeline import run_period

DEADLINES = (
    "deadlines:\n"
    "  - {area: KH-ANS, name: Kontanthjælp, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
    "  - {area: LED-YD, name: Ledighedsydelse, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
    "  - {area: SEN-NY, name: Seniorjob, value: 4, unit: weeks, valid_from: 2020-01-01}\n"
    "  - {area: GAMMEL, name: Udgået ordning, value: 4, unit: weeks, valid_from: 2020-01-01,"
    " valid_to: 2024-12-31}\n"
)
MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def decision(ident, area, received, decided):
    return {
        "decision_id": ident,
        "case_id": f"S-{ident}",
        "citizen_ref": "010101-1234",
        "unit_code": "JC-NORD",
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
        "sent_date": decided,
    }


DECISIONS = [
    # KH-ANS: 4, 9 and 12 days; k = ceil(0.9 x 3) = 3 -> 12 dage; open: 5 (at least
    # suppress_below, so the projection may be published) -> ceil(5 x 31 / 3) = ceil(51.7) = 52
    decision(1, "KH-ANS", "2025-03-01", "2025-03-05"),
    decision(2, "KH-ANS", "2025-03-01", "2025-03-10"),
    decision(3, "KH-ANS", "2025-03-02", "2025-03-14"),
    decision(4, "KH-ANS", "2025-03-20", None),
    decision(7, "KH-ANS", "2025-03-21", None),
    decision(8, "KH-ANS", "2025-03-24", None),
    decision(9, "KH-ANS", "2025-03-25", None),
    decision(10, "KH-ANS", "2025-03-26", None),
    decision(5, "LED-YD", "2025-03-02", "2025-03-04"),
    decision(6, "LED-YD", "2025-03-03", "2025-03-06"),
]


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


@pytest.fixture
def page(make_db, make_config, tmp_path) -> Path:
    config = make_config(deadlines=DEADLINES)
    (config / "measurement.yaml").write_text("expected_wait: {months: 1, min_count: 3}\n", encoding="utf-8")
    out = tmp_path / "out"
    run_period(make_db(decisions=DECISIONS), config, MARCH, out)
    return out / "forventet-sagsbehandlingstid.html"


def run_chromium(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        browser,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def console_errors(stderr: str) -> list[str]:
    """Console messages and page errors Chromium logs with --enable-logging=stderr."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.in_body = False
        self.rows: list[list[str]] = []
        self.col_headers: list[str] = []
        self.caption = ""
        self._cell: str | None = None
        self._where = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "html":
            self.lang = attr.get("lang")
        if tag == "tbody":
            self.in_body = True
        if tag == "tr" and self.in_body:
            self.rows.append([])
        if tag == "th" and attr.get("scope") == "col":
            self.col_headers.append("")
            self._where = "col"
        if tag in ("th", "td") and self.in_body:
            assert tag == "td" or attr.get("scope") == "row"
            self.rows[-1].append("")
            self._where = "cell"
        if tag == "caption":
            self._where = "caption"

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        if tag in ("th", "td", "caption"):
            self._where = ""

    def handle_data(self, data: str) -> None:
        if self._where == "cell":
            self.rows[-1][-1] += data
        elif self._where == "col":
            self.col_headers[-1] += data
        elif self._where == "caption":
            self.caption += data


def test_page_loads_without_errors_one_row_per_published_area(browser, page, tmp_path):
    done = run_chromium(browser, tmp_path, "--dump-dom", page.as_uri())
    assert console_errors(done.stderr) == []
    table = _Table()
    table.feed(done.stdout)
    assert table.lang == "da"
    assert "31. marts 2025" in table.caption
    assert len(table.col_headers) == 4 and "målt" in table.col_headers[2] and "skøn" in table.col_headers[3]
    # one row per area published on 2025-03-31 (GAMMEL ended 2024-12-31), in name order
    rows = {r[0]: r for r in table.rows}
    assert list(rows) == ["Kontanthjælp", "Ledighedsydelse", "Seniorjob"]
    kh = rows["Kontanthjælp"]
    assert "10 kalenderdage" in kh[1] and kh[2].endswith("12 dage") and kh[3].endswith("ca. 52 dage")
    assert rows["Ledighedsydelse"][2].endswith("for få sager") and rows["Seniorjob"][3].endswith(
        "for få sager"
    )
    assert "4 uger" in rows["Seniorjob"][1]
    assert "<script" not in page.read_text(encoding="utf-8")  # readable without JavaScript
    assert "010101" not in page.read_text(encoding="utf-8")


def test_the_error_check_catches_a_broken_page(browser, tmp_path):
    # the console check above would pass vacuously if Chromium never logged page errors
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html lang="da"><body><script>nope(</script></body></html>', encoding="utf-8"
    )
    done = run_chromium(browser, tmp_path, "--dump-dom", broken.as_uri())
    assert console_errors(done.stderr) != []


# Measures the page in the browser (the page itself has no script) and shows the answer as the
# colour of a 20 x 20 px square at the top left of a screenshot. Headless Chromium lays a page
# out at least 500 px wide whatever --window-size says (a 390 px screenshot is cropped from
# it), so the page is shown in a 390 x 844 px iframe, whose viewport is exactly a phone's:
# red 255 when the page is wider than the window (it would scroll sideways), green 255 when
# the window is 390 px wide (the phone), blue 255 when some text's WCAG contrast ratio against
# its effective background is below 4.5:1 (AA). (0, 255, 0) is a pass.
_PROBE = """<script>
function rgb(s) { return s.match(/[\\d.]+/g).map(Number); }
function lum(c) { const v = c.slice(0, 3).map(x => { x /= 255;
  return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
function bg(e) { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
  if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; }
let worst = 99;
for (const e of document.querySelectorAll('h1, h2, p, caption, th, td, span, strong')) {
  if (!e.textContent.trim() || e.getClientRects().length === 0) continue;
  const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
  worst = Math.min(worst, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)); }
const wide = document.documentElement.scrollWidth > window.innerWidth;
const marker = document.createElement('div');
marker.style.cssText = 'position:fixed;top:0;left:0;width:20px;height:20px;z-index:99999;background:rgb(' +
  (wide ? 255 : 0) + ',' + (window.innerWidth === 390 ? 255 : 0) + ',' + (worst < 4.5 ? 255 : 0) + ')';
document.body.appendChild(marker);
</script>"""


def top_left_pixel(png: bytes) -> tuple[int, ...]:
    """The first pixel of a PNG (8-bit RGB or RGBA): for the first pixel of the first row every
    PNG filter predicts 0, so the stored bytes are the colour."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(png):
        length = struct.unpack(">I", png[pos : pos + 4])[0]
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            depth, colour = data[8], data[9]
            assert depth == 8 and colour in (2, 6)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompressobj().decompress(idat, 8)
    return tuple(raw[1:4])


def phone_frame(folder: Path, html: str, name: str) -> Path:
    """A page showing ``html`` in a 390 x 844 px iframe (a phone's viewport)."""
    (folder / f"{name}-inner.html").write_text(html, encoding="utf-8")
    frame = folder / f"{name}.html"
    frame.write_text(
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>telefon</title></head>'
        f'<body style="margin:0"><iframe src="{name}-inner.html" title="telefon" width="390" height="844" '
        'style="border:0;display:block"></iframe></body></html>',
        encoding="utf-8",
    )
    return frame


def probe_shot(browser: str, html: str, tmp_path: Path) -> tuple[int, ...]:
    tmp_path.mkdir(exist_ok=True)
    frame = phone_frame(tmp_path, html.replace("</body>", _PROBE + "</body>"), "probed")
    shot = tmp_path / "probed.png"
    done = run_chromium(browser, tmp_path, "--window-size=390,844", f"--screenshot={shot}", frame.as_uri())
    assert console_errors(done.stderr) == []
    return top_left_pixel(shot.read_bytes())


def test_fits_a_phone_with_sufficient_contrast(browser, page, tmp_path):
    assert probe_shot(browser, page.read_text(encoding="utf-8"), tmp_path) == (0, 255, 0)


def test_the_probe_catches_a_wide_page_and_pale_text(browser, tmp_path):
    wide = '<!DOCTYPE html><html lang="da"><body><p style="width:800px">bred</p></body></html>'
    assert probe_shot(browser, wide, tmp_path / "a") == (255, 255, 0)
    pale = '<!DOCTYPE html><html lang="da"><body><p style="color:#aaaaaa">bleg</p></body></html>'
    assert probe_shot(browser, pale, tmp_path / "b") == (0, 255, 255)


def test_screenshot_at_phone_width(browser, page, tmp_path):
    shot = tmp_path / "phone.png"
    run_chromium(
        browser, tmp_path, "--window-size=390,844", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri()
    )
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (390, 844)
