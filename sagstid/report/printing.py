"""Print set-up for the workbooks' sheets: every sheet prints on A4 landscape, one page wide.

Two modes:

* :func:`setup_list` (the default for every sheet): A4 landscape, fit to one page wide and as
  many pages tall as needed, header rows repeated on every page (lists), a footer with the
  report's title, the period, the run date and "Side x af y", and for sheets that list case
  numbers a header "Internt - indeholder sagsnumre" on every page.
* :func:`setup_dashboard` (Overblik): one page at a *fixed* print scale (at least
  :data:`MIN_DASHBOARD_SCALE` %) over a fixed print area, so the page is readable; fit-to-page
  would shrink any sheet onto one page, however small the type.

Excel's header/footer codes: ``&L``/``&C``/``&R`` left/centre/right, ``&P`` page, ``&N`` pages;
a literal '&' is written '&&'. Excel refuses header or footer text longer than 255 characters,
so the title is shortened to fit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from sagstid.report.words import da_date

A4 = 9  # Excel's paper code
MIN_DASHBOARD_SCALE = 70
DEFAULT_DASHBOARD_SCALE = 75
INTERNAL = "Internt - indeholder sagsnumre"
PAGE_OF = "Side &P af &N"
FOOTER_MAX = 255
# Margins in inches (Excel's unit): narrow sides so a wide list keeps a readable scale.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
HEADER_MARGIN, FOOTER_MARGIN = 0.25, 0.25
# 8 pt in the sheet's font; the size goes first, since '&8' followed by '2025' would read as
# the size 82025
FONT = '&8&"-,Regular"'


@dataclass(frozen=True)
class PrintInfo:
    """What the footer says: the report's title, its period (as the reader knows it, e.g.
    '2025' or '3. kvartal 2025') and the day the run was made."""

    title: str
    period: str
    run_date: dt.date

    def footer(self) -> str:
        right = f"Kørt {da_date(self.run_date)} · {PAGE_OF}"
        centre = _escape(self.period)
        room = FOOTER_MAX - len(f"{FONT}&L{FONT}&C{centre}{FONT}&R{right}")
        left = _escape(_shorten(self.title, max(room, 10)))
        return f"&L{FONT}{left}&C{FONT}{centre}&R{FONT}{right}"


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def _shorten(text: str, room: int) -> str:
    # room counts the escaped text; '&' doubles, so leave space for it
    if len(_escape(text)) <= room:
        return text
    cut = text
    while len(_escape(cut)) + 1 > room:
        cut = cut[:-1]
    return cut.rstrip() + "…"


def _common(ws: Worksheet, info: PrintInfo, lists_cases: bool) -> None:
    ws.set_paper(A4)
    ws.set_landscape()
    ws.set_margins(**MARGINS)
    ws.set_footer(info.footer(), margin=FOOTER_MARGIN)
    if lists_cases:
        ws.set_header(f"&R{FONT}&B{INTERNAL}", margin=HEADER_MARGIN)


def setup_list(
    ws: Worksheet, info: PrintInfo, header_rows: tuple[int, int] | None = None, lists_cases: bool = False
) -> None:
    """A4 landscape, one page wide (as tall as needed), footer; ``header_rows`` (first, last,
    0-based) repeated at the top of every page; the "Internt" header if the sheet lists cases.
    """
    _common(ws, info, lists_cases)
    ws.fit_to_pages(1, 0)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)


def setup_paged(
    ws: Worksheet,
    info: PrintInfo,
    width_px: int,
    breaks: list[int],
    header_rows: tuple[int, int] | None = None,
    lists_cases: bool = False,
) -> int:
    """For a sheet with charts: like :func:`setup_list`, but at a fixed scale that fits
    ``width_px`` (the sheet's used width in pixels) on one page wide, with a page break before
    each row in ``breaks`` (0-based; put one before a chart that would cross a page). Excel and
    LibreOffice ignore manual page breaks under fit-to-page, hence the fixed scale. Returns
    the scale."""
    _common(ws, info, lists_cases)
    scale = scale_for_width(width_px)
    ws.set_print_scale(scale)
    if breaks:
        ws.set_h_pagebreaks(sorted(set(breaks)))
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    return scale


def scale_for_width(width_px: int) -> int:
    """The largest print scale (10-100 %) at which ``width_px`` of sheet fits one A4
    landscape page wide."""
    room_at_100 = (11.69 - MARGINS["left"] - MARGINS["right"]) * 96
    return max(10, min(100, int(room_at_100 * 100 // max(width_px, 1))))


def setup_dashboard(
    ws: Worksheet,
    info: PrintInfo,
    area: tuple[int, int, int, int],
    scale: int = DEFAULT_DASHBOARD_SCALE,
    lists_cases: bool = False,
) -> None:
    """One printed page: the print area ``area`` (first row, first col, last row, last col,
    0-based) at a fixed ``scale`` % (at least 70), centred, no gridlines.

    The caller keeps the area within one page at that scale: :func:`page_room` gives the room
    (at 75 % about 1.390 by 860 px of sheet: some 43 rows of 20 px, 20 columns of 64 px).
    """
    if scale < MIN_DASHBOARD_SCALE:
        raise ValueError(f"a dashboard prints at {MIN_DASHBOARD_SCALE} % or more (got {scale} %)")
    _common(ws, info, lists_cases)
    ws.set_print_scale(scale)
    ws.print_area(*area)
    ws.center_horizontally()
    ws.hide_gridlines(2)  # neither on screen nor in print


def page_room(scale: int = DEFAULT_DASHBOARD_SCALE) -> tuple[int, int]:
    """The sheet area (width, height in pixels at 96 dpi) one A4 landscape page holds at
    ``scale`` % with :data:`MARGINS` (A4 is 11.69 by 8.27 inches)."""
    width_in = 11.69 - MARGINS["left"] - MARGINS["right"]
    height_in = 8.27 - MARGINS["top"] - MARGINS["bottom"] - 0.35  # header and footer lines
    factor = 96 * 100 / scale
    return int(width_in * factor), int(height_in * factor)


def header_height(headings: Sequence[str], widths: Sequence[float], line_points: float = 15.0) -> float:
    """The row height (points) a wrapped header row needs so its last line does not cover the
    first data row (LibreOffice and print do not grow unset rows): the most lines any heading
    takes at its column's width (in characters; words are not split), times ``line_points``."""
    lines = 1
    for text, width in zip(headings, widths, strict=True):
        room = max(int(width) - 1, 1)
        count, used = 1, 0
        for word in str(text).split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need > room and used > 0:
                count, used = count + 1, len(word)
            else:
                used = need
        lines = max(lines, count)
    return math.ceil(lines * line_points)
