"""Print set-up for every sheet of a finished workbook (before it is closed): A4 landscape, one
page wide, the table's header row repeated (the title line on a sheet of several tables), the
footer of printing.PrintInfo.

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
TABLE_ROW_PX = 20  # an unset row, for keeping tables on one page (LibreOffice draws about 17-19)


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
    rows = header_rows(ws, header_format)
    return rows[0] if rows else None


def header_rows(ws: Worksheet, header_format: Any) -> list[int]:
    """Every row holding a cell in ``header_format``: the header of each table on the sheet."""
    table = getattr(ws, "table", {})
    return [
        int(row)
        for row in sorted(table)
        if any(getattr(cell, "format", None) is header_format for cell in table[row].values())
    ]


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
        # a few points more than the lines: the bottom border sat on the first row's text
        ws.set_row(row, max(header_height(headings, widths) + 4, 15))


CHARS_PER_WIDTH = 1.1  # running text: about 1,1 characters per unit of column width ("0")


def wrap_long_texts(workbook: Workbook, ws: Worksheet, wrapped: Any, keep: Iterable[Any] = ()) -> None:
    """Wrap every text that runs past the sheet's last column or into the next cells: a text
    that is the last cell of its row and longer than its column is merged with the empty
    columns to its right up to the sheet's last column, wrapped, and its row made as high as
    its lines. (Fit to one page wide measures the columns, not a note that overflows them, so
    LibreOffice shrank whole sheets to print one long line; and an unset row does not grow.)
    Cells in a format of ``keep`` (titles, headers) are left alone."""
    strings = {index: text for text, index in workbook.str_table.string_table.items()}
    table = getattr(ws, "table", {})
    widths = [c for c, info in getattr(ws, "col_info", {}).items() if getattr(info, "width", None)]
    last = max([int(getattr(ws, "dim_colmax", 0) or 0), *widths])  # room laid out for text too
    keep = set(map(id, keep))
    merged = {(int(m[0]), int(m[1])) for m in getattr(ws, "merge", [])}
    for row in sorted(table):
        cells = table[row]
        if not cells:
            continue
        col = max(cells)
        cell = cells[col]
        text = strings.get(getattr(cell, "string", None))
        fmt = getattr(cell, "format", None)
        if not isinstance(text, str) or id(fmt) in keep or (row, col) in merged:
            continue
        if getattr(fmt, "bold", 0) or getattr(fmt, "font_size", 11) != 11:
            continue  # a title or a heading (a sheet's own formats)
        room = sum(_col_px(ws, c) for c in range(col, last + 1)) / 7
        own = _col_px(ws, col) / 7
        if len(text) <= own * CHARS_PER_WIDTH:
            if getattr(cell.format, "text_wrap", 0) and row_px(ws, row) > ROW_PX:
                ws.set_row(row, 15)  # a wrapped text of one line (Metode): one line high
            continue
        lines = max(1, -(-len(text) // max(int(room * CHARS_PER_WIDTH), 1)))
        if getattr(cell.format, "text_wrap", 0):  # wrapped already (Metode): only its height
            lines = max(1, -(-len(text) // max(int(own * CHARS_PER_WIDTH), 1)))
            ws.set_row(row, 15 * lines)
            continue
        if col < last:
            ws.merge_range(row, col, row, last, text, wrapped)
        else:
            ws.write_string(row, col, text, wrapped)
        ws.set_row(row, max(row_px(ws, row) * 0.75, 15 * lines))


def table_breaks(
    ws: Worksheet, section_format: Any, scale: int, top: int = 0, header_format: Any = None
) -> list[int]:
    """The section rows before which a page should start so that no table is cut in two: a
    section (its title to the row before the next) that would not fit on what is left of the
    page, but fits on a page of its own, starts a new page. Rows are estimated at their set
    height or TABLE_ROW_PX; ``top``: pixels of repeated rows on every page."""
    table = getattr(ws, "table", {})

    def holds(row: int, fmt: Any) -> bool:
        return any(getattr(cell, "format", None) is fmt for cell in table[row].values())

    sections = [int(row) for row in sorted(table) if holds(row, section_format)]
    # a table's header starts a block of its own unless a section title is just above it
    headers = [int(row) for row in sorted(table) if header_format is not None and holds(row, header_format)]
    starts = sorted({*sections, *(h for h in headers if not any(0 < h - s <= 3 for s in sections))})
    if not starts:
        return []
    last = max(table)
    page = page_room(scale)[1] - top

    def px(row: int) -> int:  # (18 px, nearer what LibreOffice draws, cut tables in print)
        size = getattr(ws, "row_sizes", {}).get(row)
        return TABLE_ROW_PX if not size or size[0] is None else int(size[0])

    ends = [*starts[1:], last + 1]
    used = sum(px(r) for r in range(starts[0]))
    breaks: list[int] = []
    for start, end in zip(starts, ends, strict=True):
        height = sum(px(r) for r in range(start, end))
        if used + height > page and height <= page and used > 0:
            breaks.append(start)
            used = 0
        used += height
        while used > page:  # a section longer than a page runs on
            used -= page
    return breaks


def prepare_print(
    workbook: Workbook,
    info: PrintInfo,
    header_format: Any,
    skip: Iterable[str] = (),
    wrap: tuple[Any, Iterable[Any]] | None = None,
    section_format: Any = None,
) -> dict[str, str]:
    """Set up every sheet of ``workbook`` not in ``skip`` for print; returns sheet -> mode
    ("list" or "paged at n %"). ``wrap``: (the wrapped text format, formats to leave alone)
    to wrap long texts first (wrap_long_texts); ``section_format``: a list sheet of several
    tables gets page breaks before the section titles of tables that would be cut
    (table_breaks)."""
    skipped = set(skip)
    modes: dict[str, str] = {}
    for ws in workbook.worksheets():
        if ws.get_name() in skipped:
            continue
        if wrap is not None:
            wrap_long_texts(workbook, ws, wrap[0], wrap[1])
        headers = header_rows(ws, header_format)
        # one table: its header on every page; several (Klager, Tilsyn, Åbne sager ...): the
        # sheet's title line, since the first table's header would stand over the others' rows
        repeat = None if not headers else (headers[0], headers[0]) if len(headers) == 1 else (0, 0)
        for row in headers:
            fit_header(workbook, ws, row)
        if getattr(ws, "charts", []):
            # a margin for the difference between the 7 px a character xlsxwriter reckons with
            # and the font LibreOffice or Excel draws with
            width = int(used_width_px(ws) * WIDTH_MARGIN)
            scale = setup_paged(ws, info, width, breaks=chart_breaks(ws, scale_for_width(width)))
            modes[ws.get_name()] = f"paged at {scale} %"
        else:
            setup_list(ws, info, header_rows=repeat)
            modes[ws.get_name()] = "list"
            if section_format is not None and len(headers) > 1:
                # keep each table on one page where it fits (fit to width keeps manual breaks)
                scale = scale_for_width(int(used_width_px(ws) * WIDTH_MARGIN))
                top = row_px(ws, repeat[0]) if repeat else 0
                breaks = table_breaks(ws, section_format, scale, top, header_format)
                if breaks:
                    ws.set_h_pagebreaks(breaks)
    return modes
