"""The big case lists (exceeded decisions, late complaints, the action list, held decisions),
written a column at a time instead of a cell at a time.

xlsxwriter spends about 10 microseconds on a cell written through ``write_string`` /
``write_number``: argument checks, a cell object, then the cell's XML when the row is flushed.
A unit with 60,000 listed decisions has 600,000 such cells. In ``constant_memory`` mode (every
unit workbook: sheets written top to bottom) xlsxwriter writes each finished row's XML straight
to the sheet's row file; :func:`write_list` writes the same XML for a whole block of rows
itself, a chunk of rows at a time:

* each column is converted once (``pd.factorize`` for texts: every distinct text is escaped
  once; numbers and dates as whole arrays, dates as Excel day numbers), never per cell;
* a row is one string join of its cells' XML as xlsxwriter writes them: ``<c r="A5" s="3"
  t="inlineStr">`` for texts that are mostly distinct (ids: memory stays flat), shared strings
  (``t="s"``, the workbook's table, as xlsxwriter's in-memory mode writes every text) for texts
  that repeat (areas, Ja/Nej, rules), numbers and Excel day numbers as ``<v>``;
  tests/test_list_writer.py reads the file back against the same cells written one by one;
* the worksheet's own bookkeeping (the last row written, the used range) is updated as
  xlsxwriter's writes do, so everything written after the list (filters, print areas, panes,
  conditional formats) works as before.

A missing value writes no cell (a blank, never a formatted empty cell); a text is always text
(never a formula, number or link). Outside constant_memory mode, or when the sheet has set-up
the row XML would have to carry (a default row height, row formats within the list), the same
cells are written one at a time through xlsxwriter's ``write_string`` / ``write_number``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from sagstid.report.xlsx import Column, Sheet

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
CHUNK_ROWS = 2_048  # rows converted and written at a time: memory stays flat however long the list
STRING_MAX = 32_767  # Excel's longest cell text, in UTF-16 units
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")

TEXT, NUMBER = "text", "number"


def _fit(value: str) -> str:
    """``value`` cut to Excel's longest cell text, as xlsxwriter cuts it."""
    if len(value) > STRING_MAX // 2 and len(value.encode("utf-16-le")) // 2 > STRING_MAX:
        return value.encode("utf-16-le")[: 2 * STRING_MAX].decode("utf-16-le", errors="ignore")
    return value


def _cell_text(value: str) -> str:
    """``value`` as the body of an inline-string cell, escaped as xlsxwriter escapes it."""
    if not _SPECIAL.search(value):
        return f' t="inlineStr"><is><t>{value}</t></is></c>'
    value = _ESCAPED_ESCAPE.sub(r"_x005F\1", value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
    preserve = ' xml:space="preserve"' if re.search(r"^\s|\s$", value) else ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{preserve}>{value}</t></is></c>'


def _number_text(value: int | float) -> str:
    return f"><v>{value:.16G}</v></c>" if isinstance(value, float) else f"><v>{value}</v></c>"


@dataclass(frozen=True)
class ListColumn:
    """One column of a list: its values (one per row), its format (one, or one per row) and
    optionally a text (with its format) written where a number or date is missing."""

    kind: str  # TEXT or NUMBER
    values: Any  # TEXT: python str/None objects, or codes into ``labels``; NUMBER: ints/floats
    missing: np.ndarray  # True where no value
    fmt: Format | Sequence[Format | None] | None
    labels: list[str] | None = None  # TEXT given as codes (pd.factorize): the distinct texts
    missing_text: str | None = None
    missing_fmt: Format | None = None

    def __len__(self) -> int:
        return len(self.missing)


def text(
    values: pd.Series | Sequence[Any] | np.ndarray,
    fmt: Format | Sequence[Format | None] | None,
    rename: Mapping[str, str] | None = None,
) -> ListColumn:
    """A text column (missing or empty: no cell); every distinct value is converted once, and
    shown as ``rename`` has it where it is there (e.g. an area code as the area's name)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series)
    labels = [str(u) for u in np.asarray(uniques, dtype=object)]
    if rename:
        labels = [rename.get(label, label) for label in labels]
    labels = [_fit(label) for label in labels]
    empty = [i for i, label in enumerate(labels) if label == ""]
    if empty:  # an empty text is a blank cell
        codes = np.where(np.isin(codes, empty), -1, codes)
    return ListColumn(TEXT, codes, codes < 0, fmt, labels=labels)


def number(
    values: pd.Series | Sequence[Any] | np.ndarray,
    fmt: Format | Sequence[Format | None] | None,
    missing_text: str | None = None,
    missing_fmt: Format | None = None,
) -> ListColumn:
    """A number column (missing, NaN or infinite: no cell, or ``missing_text``); whole numbers
    are written as integers."""
    floats = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    missing = ~np.isfinite(floats)
    shown = np.where(missing, 0.0, floats)
    whole = bool(np.all(shown == np.round(shown))) and bool(np.all(np.abs(shown) < 2**53))
    return ListColumn(
        NUMBER, shown.astype(np.int64) if whole else shown, missing, fmt, None, missing_text, missing_fmt
    )


def date(
    values: pd.Series | np.ndarray,
    fmt: Format | Sequence[Format | None] | None,
    missing_text: str | None = None,
    missing_fmt: Format | None = None,
) -> ListColumn:
    """A date column as Excel day numbers (shown by ``fmt``'s date format); missing: no cell,
    or ``missing_text``."""
    days = np.asarray(values).astype("datetime64[D]")
    missing = np.isnat(days)
    serial = np.where(missing, 0, (days - EXCEL_EPOCH).astype(np.int64))
    return ListColumn(NUMBER, serial, missing, fmt, None, missing_text, missing_fmt)


def _python(column: ListColumn, lo: int, hi: int) -> list[Any]:
    """The column's values for rows lo..hi-1 as Python objects (None: no value)."""
    missing = column.missing[lo:hi].tolist()
    if column.labels is not None:
        labels = column.labels
        return [None if m else labels[c] for c, m in zip(column.values[lo:hi].tolist(), missing, strict=True)]
    return [None if m else v for v, m in zip(column.values[lo:hi].tolist(), missing, strict=True)]


def _formats(column: ListColumn, lo: int, hi: int) -> list[Format | None]:
    if isinstance(column.fmt, Format) or column.fmt is None:
        return [column.fmt] * (hi - lo)
    return list(column.fmt[lo:hi])


def _style(fmt: Format | None) -> str:
    return "" if fmt is None else f' s="{fmt._get_xf_index()}"'


def _text_bodies(ws: Worksheet, column: ListColumn) -> dict[int, str] | None:
    """A repeated text column's cells as shared strings (the workbook's table, as xlsxwriter's
    in-memory mode writes every text): code -> the cell XML after its style. None for a column
    of mostly distinct texts (ids): those are written inline, so memory stays flat."""
    assert column.labels is not None
    codes = column.values[~column.missing]
    if 2 * len(column.labels) > len(codes):
        return None
    uses = np.bincount(codes, minlength=len(column.labels)).tolist()
    table = ws.str_table
    bodies = {}
    for code, (label, n) in enumerate(zip(column.labels, uses, strict=True)):
        if n:
            bodies[code] = f' t="s"><v>{table._get_shared_string_index(label)}</v></c>'
            table.count += n - 1  # every use counts, as xlsxwriter counts them
    return bodies


def _cells(
    column: ListColumn, letter: str, numbers: range, lo: int, hi: int, bodies: dict[int, str], shared: bool
) -> list[str]:
    """The cells' XML for rows lo..hi-1 (``numbers``: their 1-based row numbers); "" where a
    row has no cell. ``bodies``: the text column's cells after the style, by code (filled here
    for inline texts, a chunk at a time)."""
    values = column.values[lo:hi].tolist()
    gone = column.missing[lo:hi]
    none = "" if column.missing_text is None else _style(column.missing_fmt) + _cell_text(column.missing_text)
    one_style = isinstance(column.fmt, Format) or column.fmt is None
    if column.labels is not None and not shared:  # inline texts: each distinct text escaped once
        if len(bodies) > 4 * CHUNK_ROWS:  # ids, distinct per row: keep the cache small
            bodies.clear()
        labels = column.labels
        for code in set(values) - bodies.keys():
            if code >= 0:
                bodies[code] = _cell_text(labels[code])
    if not one_style:  # one format per row (e.g. the action coloured by its group)
        formats = _formats(column, lo, hi)
        styles = {f: _style(f) for f in set(formats)}
        row_styles = [styles[f] for f in formats]
        if column.labels is not None:
            return [
                f'<c r="{letter}{r}"{s}{bodies[c]}' if c >= 0 else ""
                for r, s, c in zip(numbers, row_styles, values, strict=True)
            ]
        return [
            (f'<c r="{letter}{r}"{none}' if none else "") if m else f'<c r="{letter}{r}"{s}{_number_text(v)}'
            for r, s, v, m in zip(numbers, row_styles, values, gone.tolist(), strict=True)
        ]
    style = _style(column.fmt)
    head = f'<c r="{letter}'
    if column.labels is not None:
        tail = f'"{style}'
        return [f"{head}{r}{tail}{bodies[c]}" if c >= 0 else "" for r, c in zip(numbers, values, strict=True)]
    tail = f'"{style}><v>'
    if column.values.dtype.kind == "f":
        cells = [f"{head}{r}{tail}{v:.16G}</v></c>" for r, v in zip(numbers, values, strict=True)]
    else:
        cells = [f"{head}{r}{tail}{v}</v></c>" for r, v in zip(numbers, values, strict=True)]
    if gone.any():
        blank = f'"{none}' if none else ""
        for i in np.flatnonzero(gone).tolist():
            cells[i] = f"{head}{numbers[i]}{blank}" if blank else ""
    return cells


def _fast_path(ws: Worksheet, first_row: int, rows: int) -> bool:
    """Whether the block can be written as row XML: constant_memory, plain rows, nothing of the
    block written yet."""
    if not ws.constant_memory or ws.excel_version != 2007:
        return False
    if ws.default_row_height != ws.original_row_height:
        return False
    last = first_row + rows - 1
    if any(first_row <= r <= last for r in ws.row_info) or any(first_row <= r <= last for r in ws.comments):
        return False
    return first_row > ws.previous_row or (first_row == ws.previous_row and not ws.table.get(first_row))


def write_list(ws: Worksheet, first_row: int, columns: Sequence[ListColumn], first_col: int = 0) -> int:
    """Write ``columns`` (all of one length) as rows from ``first_row`` down, starting in
    column ``first_col``; returns the last row of the block (``first_row - 1`` if empty).
    Every row of the block must be below the rows already written."""
    n = len(columns[0]) if columns else 0
    if any(len(c) != n for c in columns):
        raise ValueError("write_list: columns of different lengths")
    if n == 0:
        return first_row - 1
    if first_row + n > ws.xls_rowmax:
        raise ValueError(f"sheet {ws.name!r}: {n} rows from row {first_row} do not fit on a sheet")
    if ws.constant_memory and (
        first_row < ws.previous_row or (first_row == ws.previous_row and ws.table.get(first_row))
    ):
        raise ValueError(f"sheet {ws.name!r}: row {first_row} is above rows already written")
    if not _fast_path(ws, first_row, n):
        _write_cells(ws, first_row, columns, first_col)
        return first_row + n - 1
    if first_row > ws.previous_row:
        ws._write_single_row(first_row)  # the row waiting above the list (its header) is written
    has_cell = np.zeros(n, dtype=bool)
    used_cols = []
    for offset, column in enumerate(columns):
        present = ~column.missing if column.missing_text is None else np.ones(n, dtype=bool)
        has_cell |= present
        if present.any():
            used_cols.append(first_col + offset)
    if not used_cols:
        return first_row + n - 1
    rows_with_cells = np.flatnonzero(has_cell)
    ws._check_dimensions(first_row + int(rows_with_cells[0]), used_cols[0])
    ws._check_dimensions(first_row + int(rows_with_cells[-1]), used_cols[-1])
    letters = [xl_col_to_name(first_col + offset) for offset in range(len(columns))]
    shared = [_text_bodies(ws, c) if c.labels is not None else None for c in columns]
    bodies = [b if b is not None else {} for b in shared]
    for lo in range(0, n, CHUNK_ROWS):
        hi = min(n, lo + CHUNK_ROWS)
        numbers = range(first_row + lo + 1, first_row + hi + 1)  # the rows' 1-based numbers
        cells = [
            _cells(c, letter, numbers, lo, hi, b, s is not None)
            for c, letter, b, s in zip(columns, letters, bodies, shared, strict=True)
        ]
        inner = map("".join, zip(*cells, strict=True))
        ws.fh.write("".join([f'<row r="{r}">{c}</row>' for r, c in zip(numbers, inner, strict=True) if c]))
    ws.previous_row = first_row + n  # as after xlsxwriter's own writes: later rows go below
    return first_row + n - 1


def _write_cells(ws: Worksheet, first_row: int, columns: Sequence[ListColumn], first_col: int) -> None:
    """The same cells written one at a time (in-memory workbooks, sheets with row set-up)."""
    n = len(columns[0])
    for lo in range(0, n, CHUNK_ROWS):
        hi = min(n, lo + CHUNK_ROWS)
        values = [_python(c, lo, hi) for c in columns]
        formats = [_formats(c, lo, hi) for c in columns]
        for i in range(hi - lo):
            row = first_row + lo + i
            for offset, column in enumerate(columns):
                value = values[offset][i]
                col = first_col + offset
                if value is None:
                    if column.missing_text is not None:
                        ws.write_string(row, col, column.missing_text, column.missing_fmt)
                elif column.kind == TEXT:
                    ws.write_string(row, col, value, formats[offset][i])
                else:
                    ws.write_number(row, col, value, formats[offset][i])


def column(kind: str, values: Any, fmt: Format | None) -> ListColumn:
    """A list column for a :class:`sagstid.report.xlsx.Column` kind: "text" (and "link") as
    text, "date" as dates, any other kind as numbers (``values`` already a ListColumn: as is)."""
    if isinstance(values, ListColumn):
        return values
    if kind in ("text", "link"):
        return text(values, fmt)
    if kind == "date":
        return date(values, fmt)
    return number(values, fmt)


def sheet_table(
    sheet: Sheet,
    columns: Sequence[Column],
    values: Sequence[Any],
    autofilter: bool = True,
    header_height: float | None = None,
) -> tuple[int, int]:
    """:meth:`Sheet.table` for a long list given a column at a time (``values``: one sequence
    or Series per column): a header row (``header_height``: its height), then the rows.
    Returns (header row, last row)."""
    header = sheet.header([c.heading for c in columns])
    if header_height is not None:
        sheet.ws.set_row(header, header_height)  # the header row is not written out yet
    data = [column(c.kind, v, sheet.styles.get(c.kind)) for c, v in zip(columns, values, strict=True)]
    last = write_list(sheet.ws, header + 1, data)
    sheet.row = max(sheet.row, last + 1)
    if autofilter and last > header:
        sheet.ws.autofilter(header, 0, last, len(columns) - 1)
    return header, last
