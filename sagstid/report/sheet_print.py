"""Print set-up for every sheet of a finished workbook (before it is closed): A4 landscape, one
page wide, the table's header row repeated, the footer of printing.PrintInfo.

A sheet without charts prints with ``fit_to_pages(1, 0)`` (printing.setup_list); a sheet with
charts at a fixed scale that fits its width, with a page break before each chart that would not
fit on the page it starts on (printing.setup_paged), so no chart is cut across two pages; such a
sheet's table is short (one page) and its header is not repeated above the chart. The header row to
repeat is the first row written in ``header_format`` (the workbook's table header).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sagstid.report.printing import (
    PrintInfo,
    header_height,
    page_room,
    scale_for_width,
    setup_list,
    setup_paged,
)

DEFAULT_COL_PX = 64
ROW_PX = 20
WIDTH_MARGIN = 1.08


def _col_px(ws: Worksheet, col: int) -> int:
    info = getattr(ws, "col_info", {}).get(col)
    if info is not None and getattr(info, "hidden", False):
        return 0
    width = getattr(info, "width", None)  # xlsxwriter keeps it in pixels
    return DEFAULT_COL_PX if width is None else int(width)


def used_width_px(ws: Worksheet) -> int:
    """The width of the written columns plus any chart reaching further right, in pixels."""
    last = int(getattr(ws, "dim_colmax", 0) or 0)
    width = sum(_col_px(ws, c) for c in range(last + 1))
    for chart in getattr(ws, "charts", []):
        col, obj = chart[1], chart[2]
        left = sum(_col_px(ws, c) for c in range(col)) + int(chart[3] or 0)
        width = max(width, left + int(getattr(obj, "width", 480) * float(chart[5] or 1)))
    return width


def header_row(ws: Worksheet, header_format: Any) -> int | None:
    """The first row holding a cell in ``header_format`` (None if there is none)."""
    table = getattr(ws, "table", {})
    for row in sorted(table):
        for cell in table[row].values():
            if getattr(cell, "format", None) is header_format:
                return int(row)
    return None


def row_px(ws: Worksheet, row: int) -> int:
    size = getattr(ws, "row_sizes", {}).get(row)  # xlsxwriter keeps it in pixels
    return ROW_PX if not size or size[0] is None else int(size[0])


def chart_breaks(ws: Worksheet, scale: int) -> list[int]:
    """The chart rows before which a page must start: every chart, unless everything down to
    its bottom fits on the page it starts on at ``scale`` % (row heights are estimated at 20 px;
    LibreOffice and Excel draw them a little lower, so the estimate errs towards a break)."""
    page = page_room(scale)[1]
    breaks: list[int] = []
    for chart in sorted(getattr(ws, "charts", []), key=lambda c: int(c[0])):
        row = int(chart[0])
        start = breaks[-1] if breaks else 0
        top = sum(row_px(ws, r) for r in range(start, row))
        height = int(getattr(chart[2], "height", 288) * float(chart[6] or 1))
        if top + height > page:
            breaks.append(row)
    return breaks


def fit_header(workbook: Workbook, ws: Worksheet, row: int) -> None:
    """Give a wrapped header row the height its longest heading needs (LibreOffice and print
    do not grow a row by themselves, so a second line would cover the first data row)."""
    strings = {index: text for text, index in workbook.str_table.string_table.items()}
    cells = getattr(ws, "table", {}).get(row, {})
    headings, widths = [], []
    for col, cell in sorted(cells.items()):
        text = strings.get(getattr(cell, "string", None))
        if isinstance(text, str) and _col_px(ws, col) > 0:  # hidden columns do not print
            headings.append(text)
            widths.append(max(_col_px(ws, col) - 5, 7) / 7)
    if headings:
        ws.set_row(row, max(header_height(headings, widths), 15))


def prepare_print(
    workbook: Workbook, info: PrintInfo, header_format: Any, skip: Iterable[str] = ()
) -> dict[str, str]:
    """Set up every sheet of ``workbook`` not in ``skip`` for print; returns sheet -> mode
    ("list" or "paged at n %")."""
    skipped = set(skip)
    modes: dict[str, str] = {}
    for ws in workbook.worksheets():
        if ws.get_name() in skipped:
            continue
        header = header_row(ws, header_format)
        repeat = None if header is None else (header, header)
        if header is not None:
            fit_header(workbook, ws, header)
        if getattr(ws, "charts", []):
            # a margin for the difference between the 7 px a character xlsxwriter reckons with
            # and the font LibreOffice or Excel draws with
            width = int(used_width_px(ws) * WIDTH_MARGIN)
            scale = setup_paged(ws, info, width, breaks=chart_breaks(ws, scale_for_width(width)))
            modes[ws.get_name()] = f"paged at {scale} %"
        else:
            setup_list(ws, info, header_rows=repeat)
            modes[ws.get_name()] = "list"
    return modes
