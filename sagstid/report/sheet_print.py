"""Print set-up for every sheet of a finished workbook (before it is closed): A4 landscape, one
page wide, the table's header row repeated, the footer of printing.PrintInfo.

A sheet without charts prints with ``fit_to_pages(1, 0)`` (printing.setup_list); a sheet with
charts at a fixed scale that fits its width, with a page break before each chart that does not
start the sheet (printing.setup_paged), so no chart is cut across two pages. The header row to
repeat is the first row written in ``header_format`` (the workbook's table header).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sagstid.report.printing import PrintInfo, setup_list, setup_paged

DEFAULT_COL_PX = 64
ROW_PX = 20


def _col_px(ws: Worksheet, col: int) -> int:
    info = getattr(ws, "col_info", {}).get(col)
    width = getattr(info, "width", None)
    if width is None:
        return DEFAULT_COL_PX
    return int(float(width) * 7 + 5)


def _row_px(ws: Worksheet, row: int) -> int:
    size = getattr(ws, "row_sizes", {}).get(row)
    return ROW_PX if not size else int(float(size[0]) * 96 / 72)


def used_width_px(ws: Worksheet) -> int:
    """The width of the written columns plus any chart reaching further right, in pixels."""
    last = int(getattr(ws, "dim_colmax", 0) or 0)
    width = sum(_col_px(ws, c) for c in range(last + 1))
    for chart in getattr(ws, "charts", []):
        row, col, obj = chart[0], chart[1], chart[2]
        left = sum(_col_px(ws, c) for c in range(col)) + int(chart[3] or 0)
        width = max(width, left + int(getattr(obj, "width", 480) * float(chart[5] or 1)))
        _ = row
    return width


def header_row(ws: Worksheet, header_format: Any) -> int | None:
    """The first row holding a cell in ``header_format`` (None if there is none)."""
    table = getattr(ws, "table", {})
    for row in sorted(table):
        for cell in table[row].values():
            if getattr(cell, "format", None) is header_format:
                return int(row)
    return None


def chart_rows(ws: Worksheet) -> list[int]:
    return sorted(int(chart[0]) for chart in getattr(ws, "charts", []))


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
        rows = [r for r in chart_rows(ws) if r > 2]
        if rows:
            scale = setup_paged(ws, info, used_width_px(ws), breaks=rows, header_rows=repeat)
            modes[ws.get_name()] = f"paged at {scale} %"
        else:
            setup_list(ws, info, header_rows=repeat)
            modes[ws.get_name()] = "list"
    return modes
