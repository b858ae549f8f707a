"""Shared helpers for the Excel reports: labels, formats and row-by-row sheet writing.

Big workbooks are written with xlsxwriter in ``constant_memory`` mode, so a unit with 150,000
exceeded decisions does not hold them all in memory (small ones are assembled in memory,
which is quicker). That mode flushes a row as soon as a later row is written, so every sheet
is written strictly top to bottom in either mode; :class:`Sheet` keeps a cursor that only
moves down and refuses to go back.

Every text cell is written with ``write_string`` (and the workbook turns off xlsxwriter's
string-to-formula and string-to-URL guessing as a second guard), so a source text such as
``=HYPERLINK(...)`` is stored as text, never as a formula.

All Danish labels come from ``reports/layout.yaml`` (:func:`load_layout`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
import yaml
from xlsxwriter.chart import Chart
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sagstid.paths import resource_dir
from sagstid.report.words import EXCEL_FORMATS, da_date, da_number, da_pct_number  # noqa: F401 (re-exported)
from sagstid.values import is_missing

LAYOUT_FILE = "layout.yaml"
EXCEL_MAX_ROWS = 1_048_576
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

HEADER_FILL = "#DDEBF7"
SUPPRESSED = "suppressed"  # a small group's hidden figure (suppress.py): "<5", "x"
LINK_FONT = "#0563C1"

# Every number in report/status.py's Danish formats (words.EXCEL_FORMATS: "0.0 %", "#,##0.0").
NUM_FORMATS: dict[str, str | None] = {
    "text": None,
    "center": None,  # a short word (Ja / Nej) centred in its column
    "link": None,
    "sci": "0.0E+00",  # small probabilities (the surge alert's Poisson tail)
    **{k: EXCEL_FORMATS[k] for k in ("int", "pct", "goal", "dec", "pp", "date", "datetime")},
}
NUMERIC_KINDS = frozenset({"int", "pct", "goal", "dec", "sci", "pp", "date", "datetime"})


class LayoutError(KeyError):
    """A label the report needs is missing from reports/layout.yaml."""


@dataclass(frozen=True)
class Layout:
    """The Danish labels of reports/layout.yaml, looked up by dotted key."""

    data: dict[str, Any]
    source: Path

    def get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise LayoutError(f"{self.source}: no label {key!r}")
            node = node[part]
        return node

    def text(self, key: str, **values: Any) -> str:
        """The label ``key``, with ``{name}`` placeholders filled from ``values``."""
        label = self.get(key)
        if not isinstance(label, str):
            raise LayoutError(f"{self.source}: label {key!r} is not a text")
        return label.format(**values) if values else label


@lru_cache(maxsize=4)
def load_layout(path: Path | None = None) -> Layout:
    """reports/layout.yaml (or ``path``), read once per process."""
    source = Path(path) if path is not None else resource_dir("reports") / LAYOUT_FILE
    with source.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise LayoutError(f"{source}: expected a mapping of labels")
    return Layout(data, source)


# --- values ---------------------------------------------------------------------------------


def first_row(frame: pd.DataFrame, key: str, value: object) -> pd.Series | None:
    """The first row of ``frame`` whose ``key`` is ``value`` (None if there is none)."""
    rows = frame[frame[key].to_numpy() == value]
    return rows.iloc[0] if len(rows) else None


def get(row: pd.Series | None, key: str) -> Any:
    """``row[key]``, None where the row or the value is missing."""
    value = None if row is None else row.get(key)
    return None if is_missing(value) else value


def count(row: pd.Series | None, key: str) -> int:
    """``row[key]`` as a count (0 where missing)."""
    value = get(row, key)
    return 0 if value is None else int(value)


def number(row: pd.Series | None, key: str) -> float | None:
    """``row[key]`` as a float (None where missing)."""
    value = get(row, key)
    return None if value is None else float(value)


def fraction(pct: Any) -> float | None:
    """A 0-100 percentage as the fraction Excel's percent format expects; None if missing."""
    return None if is_missing(pct) else float(pct) / 100.0


def met_state(pct: Any, target: float) -> str | None:
    """'met' or 'not_met' for a 0-100 percentage against a target; None if there is no value."""
    if is_missing(pct):
        return None
    return "met" if float(pct) >= target - 1e-9 else "not_met"


def text_lines(text: str, width: float) -> int:
    """About how many lines ``text`` takes wrapped in ``width`` character units (Calibri /
    Carlito at 11 pt: about 1,1 characters a unit, words not split)."""
    room = max(int(float(width) * 1.1) - 2, 1)
    lines, used = 1, 0
    for word in str(text).split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need > room and used > 0:
            lines, used = lines + 1, len(word)
        else:
            used = need
    return lines


def excel_serials(values: pd.Series | np.ndarray) -> list[float | None]:
    """Dates as Excel day numbers (shown with a date format); None where missing."""
    days = np.asarray(values).astype("datetime64[D]")
    missing = np.isnat(days)
    serial = (days - EXCEL_EPOCH).astype(np.int64).astype(float)
    out = serial.astype(object)
    out[missing] = None
    return out.tolist()


def text_list(values: pd.Series) -> list[str | None]:
    """A column as Python strings (None where missing), converted once for fast writing."""
    missing = values.isna().to_numpy()
    out = values.astype(str).to_numpy(dtype=object)
    out[missing] = None
    return out.tolist()


def month_label(month: str, months: Sequence[str]) -> str:
    """'2024-03' as 'marts 2024'."""
    year, number = month.split("-")
    return f"{months[int(number) - 1]} {year}"


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """Every month 'YYYY-MM' from start to end, both included."""
    first, last = np.datetime64(start, "M"), np.datetime64(end, "M")
    return np.arange(first, last + 1).astype(str).tolist()


def sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique (case-insensitive) Excel sheet name close to ``wanted``; adds it to used."""
    base = _SHEET_NAME_BAD.sub("_", wanted).strip("'") or "Ark"
    base = base[:SHEET_NAME_MAX]
    name, number = base, 2
    while name.lower() in used or name.lower() == "history":
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    used.add(name.lower())
    return name


# --- formats ---------------------------------------------------------------------------------


# The fills a writer gives a judged cell (report/status.py decides the state):
# "met" / "not_met" for a cell that carries the status itself (a figure with no word beside it,
# or the status word), "met_figure" / "not_met_figure" for a figure beside its own status word,
# and SUPPRESSED for a hidden small figure.
FIGURE_FILLS = {"met_figure": "met", "not_met_figure": "not_met"}
STATUS_FILLS = frozenset({"met", "not_met", *FIGURE_FILLS, SUPPRESSED})


HEADER_PROPS: dict[str, Any] = {
    "bold": True,
    "bg_color": HEADER_FILL,
    "pattern": 1,
    "bottom": 1,
    "text_wrap": True,
    "valign": "top",
}
"""A table header's cell: bold on the header fill, a line under it, wrapped at the top."""


class Styles:
    """The formats of one workbook, created on first use and shared.

    Both workbooks (the unit's and the committee's) draw a status one way, report/status.py's:

    - **not met** ("not_met"): bold on orange with a dark border, and "✖ " before the figure
      (in the number format, so the cell stays a number: "✖ 84,4 %") or before a text
      ("✖ Ikke opfyldt", "✖ Ja");
    - **met** ("met"): a figure in dark blue text, unfilled (colour only the cell that needs
      action; a table of met figures does not shout), with "✔ " before it; a status word
      ("✔ Opfyldt") on status.py's pale blue, as StatusFormats.word writes it on Overblik, so
      one word looks the same on every sheet;
    - **a figure beside its own status word** ("met_figure" / "not_met_figure"): plain, bold
      when not met; the word beside it carries the symbol and the colour;
    - **hidden** (SUPPRESSED, "<5" / "x"): italic dark grey on white, right-aligned, legible in
      black-and-white print and unlike both status colours.

    So the status is never colour alone. The writer stores the *shown* value
    (status.judged_fraction / status.shown_value) in a judged cell, so the figure as printed
    never lands on the wrong side of the target. Numbers use the Danish formats of
    words.EXCEL_FORMATS ("0.0 %")."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[Any, ...], Format] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.subtitle = workbook.add_format({"italic": True, "font_color": "#595959"})
        self.section = workbook.add_format({"bold": True, "font_size": 12})
        self.header = workbook.add_format(HEADER_PROPS)
        self._header_right: Format | None = None
        self._note_wrap: Format | None = None

    @property
    def header_right(self) -> Format:
        """The header format right-aligned, for a heading over a column of numbers."""
        if self._header_right is None:
            self._header_right = self.workbook.add_format({**HEADER_PROPS, "align": "right"})
        return self._header_right

    @property
    def note_wrap(self) -> Format:
        """A note's format (grey italic), wrapped: for a note merged over a table's width."""
        if self._note_wrap is None:
            self._note_wrap = self.workbook.add_format(
                {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"}
            )
        return self._note_wrap

    def get(
        self, kind: str = "text", fill: str | None = None, bold: bool = False, wrap: bool = False
    ) -> Format:
        """The format for a cell of ``kind`` (a NUM_FORMATS key), optionally with a status
        (``fill``, one of STATUS_FILLS) and bold."""
        key = (kind, fill, bold, wrap)
        if key not in self._cache:
            props: dict[str, Any] = {"valign": "top"}
            if NUM_FORMATS[kind]:
                props["num_format"] = NUM_FORMATS[kind]
            if kind == "link":
                props.update(font_color=LINK_FONT, underline=1)
            if kind == "center":
                props["align"] = "center"
            if fill:
                props.update(status_props(kind, fill))
            if bold:
                props.update(bold=True, top=1)
            if wrap:
                props["text_wrap"] = True
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


def status_props(kind: str, fill: str) -> dict[str, Any]:
    """The cell properties of a judged or hidden cell of ``kind`` (see :class:`Styles`):
    status.py's STATUS_STYLE, a met figure unfilled, the symbol in a number's format."""
    from sagstid.report.status import STATUS_STYLE, SYMBOLS

    if fill not in STATUS_FILLS:
        raise KeyError(f"no status look {fill!r}")
    if fill in FIGURE_FILLS:
        return {"bold": True} if FIGURE_FILLS[fill] == "not_met" else {}
    props = dict(STATUS_STYLE[fill])
    number = NUM_FORMATS[kind]
    if fill == "met" and number:  # only what needs action is filled; a met figure has its ✔
        props = {k: v for k, v in props.items() if k not in ("bg_color", "pattern")}
    if fill in SYMBOLS and number:
        props["num_format"] = f'"{SYMBOLS[fill]} "{number}'
    return props


def status_mark(fill: str | None) -> str | None:
    """The symbol a text cell with a status starts with ("✔" / "✖"), else None."""
    from sagstid.report.status import MET, NOT_MET, SYMBOLS

    return {"met": SYMBOLS[MET], "not_met": SYMBOLS[NOT_MET]}.get(fill or "")


def new_workbook(path: Path, constant_memory: bool = True) -> tuple[Workbook, Styles]:
    """A workbook that never turns text into formulas, numbers or links.

    ``constant_memory`` keeps only one row per sheet in memory (for big sheets; it uses temp
    files); otherwise the workbook is assembled in memory, which is quicker for small ones.
    """
    options: dict[str, Any] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    options["constant_memory" if constant_memory else "in_memory"] = True
    workbook = xlsxwriter.Workbook(str(path), options)
    return workbook, Styles(workbook)


def fix_properties(workbook: Workbook, ctx: Any) -> None:
    """Document properties from the measurement, not the clock: a re-run of the same period
    on the same data writes byte-identical files (xlsxwriter otherwise stamps the time)."""
    day = ctx.as_of or ctx.period.end
    workbook.set_properties(
        {
            "title": f"Sagsbehandlingstider {ctx.period.label}",
            "author": "sagstid",
            "company": "Beskæftigelses- og Integrationsforvaltningen",
            "created": dt.datetime(day.year, day.month, day.day),
        }
    )


@contextlib.contextmanager
def open_workbook(path: Path, constant_memory: bool = True) -> Iterator[tuple[Workbook, Styles]]:
    """A new workbook at ``path``, closed (saved) on success; on an error no file is left."""
    path = Path(path)
    workbook, styles = new_workbook(path, constant_memory)
    try:
        yield workbook, styles
    except BaseException:
        with contextlib.suppress(Exception):
            workbook.close()
        path.unlink(missing_ok=True)
        raise
    workbook.close()


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
    """Write one value with the method for its type; text always as text, missing as blank."""
    if is_missing(value):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, (bool, np.bool_)):
        raise TypeError("write Ja/Nej texts, not booleans")
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isinf(number):
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_number(row, col, number, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, the kind of values (NUM_FORMATS key) and its width."""

    heading: str
    kind: str = "text"
    width: float = 14


class Sheet:
    """A worksheet written top to bottom (as constant_memory requires)."""

    def __init__(self, workbook: Workbook, styles: Styles, name: str, widths: Sequence[float] = ()) -> None:
        self.workbook = workbook
        self.styles = styles
        self.name = name
        self.ws: Worksheet = workbook.add_worksheet(name)
        self.row = 0  # the next row to write
        self.widths = list(widths)
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)

    @classmethod
    def continuing(cls, workbook: Workbook, styles: Styles, ws: Worksheet, row: int) -> Sheet:
        """A Sheet that writes on into ``ws`` (already laid out by hand) from ``row`` on."""
        sheet = cls.__new__(cls)
        sheet.workbook, sheet.styles, sheet.name, sheet.ws = workbook, styles, ws.name, ws
        sheet.row, sheet.widths = row, []
        return sheet

    def _take(self, row: int | None = None) -> int:
        if row is not None and row < self.row:
            raise ValueError(f"sheet {self.name!r}: row {row} is above rows already written")
        current = self.row if row is None else row
        self.row = current + 1
        return current

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def line(self, text: str, fmt: Format | None = None, col: int = 0) -> int:
        row = self._take()
        self.ws.write_string(row, col, text, fmt)
        return row

    def title(self, text: str) -> int:
        return self.line(text, self.styles.title)

    def note(self, text: str) -> int:
        return self.line(text, self.styles.subtitle)

    def section(self, text: str) -> int:
        return self.line(text, self.styles.section)

    def note_wrapped(self, text: str) -> int:
        """A note wrapped over the width of the sheet's columns (``widths``), as tall as its
        lines, so a long explanation is neither cut at the print area's edge nor widens the
        page; a plain :meth:`note` on a sheet without widths."""
        if not self.widths:
            return self.note(text)
        row = self._take()
        self.ws.set_row(row, 15 * text_lines(text, sum(self.widths)) + 2)
        self.ws.merge_range(row, 0, row, len(self.widths) - 1, text, self.styles.note_wrap)
        return row

    def header(self, headings: Sequence[str], col: int = 0, kinds: Sequence[str] | None = None) -> int:
        """A header row; with ``kinds`` (the columns' NUM_FORMATS keys), a heading over numbers
        is right-aligned like the numbers under it."""
        row = self._take()
        widths = self.widths[col : col + len(headings)]
        if len(widths) == len(headings):  # a wrapped header gets the height it needs (not over row 1)
            from sagstid.report.printing import header_height

            height = header_height(headings, widths)
            if height > 15:
                self.ws.set_row(row, height)
        right = set()
        if kinds is not None:
            right = {i for i, kind in enumerate(kinds) if kind in NUMERIC_KINDS}
        for offset, heading in enumerate(headings):
            fmt = self.styles.header_right if offset in right else self.styles.header
            self.ws.write_string(row, col + offset, heading, fmt)
        return row

    def values(
        self,
        values: Sequence[Any],
        kinds: Sequence[str],
        fills: str | Sequence[str | None] | None = None,
        bold: bool = False,
        col: int = 0,
    ) -> int:
        """One row of values; ``fills`` is one fill for the row or one per cell."""
        row = self._take()
        per_cell = fills if isinstance(fills, (list, tuple)) else [fills] * len(values)
        for offset, (value, kind, fill) in enumerate(zip(values, kinds, per_cell, strict=False)):
            mark = status_mark(fill) if kind in ("text", "center") else None
            if mark and isinstance(value, str) and not value.startswith(mark):
                value = f"{mark} {value}"  # never colour alone: "✖ Ikke opfyldt", "✖ Ja"
            put(self.ws, row, col + offset, value, self.styles.get(kind, fill, bold))
        return row

    def link(
        self, target_sheet: str, text: str, row: int | None = None, col: int = 0, fill: str | None = None
    ) -> int:
        """A link to cell A1 of another sheet, on a new row or over a cell of the last row."""
        if row is None:
            row = self._take()
        elif row != self.row - 1:
            raise ValueError(f"sheet {self.name!r}: a link can only go on the last row written")
        quoted = target_sheet.replace("'", "''")
        self.ws.write_url(row, col, f"internal:'{quoted}'!A1", self.styles.get("link", fill), string=text)
        return row

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        fills: Iterable[str | Sequence[str | None] | None] | None = None,
        autofilter: bool = True,
        freeze: bool = False,
        header_height: float | None = None,
    ) -> tuple[int, int]:
        """A header and rows; returns (header row, last row). Adds filter buttons if asked.
        ``header_height``: the header row's height, set before the rows (a sheet written top
        to bottom, constant_memory, cannot go back to it)."""
        kinds = [c.kind for c in columns]
        header = self.header([c.heading for c in columns], kinds=kinds)
        if header_height is not None:
            self.ws.set_row(header, header_height)
        fill_iter = iter(fills) if fills is not None else None
        last = header
        for values in rows:
            last = self.values(values, kinds, next(fill_iter) if fill_iter else None)
        if autofilter and last > header:
            self.ws.autofilter(header, 0, last, len(columns) - 1)
        if freeze:
            self.ws.freeze_panes(header + 1, 0)
        return header, last


def frame_rows(frame: pd.DataFrame, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows of ``frame``'s ``keys`` columns as tuples, each column converted once."""
    return list(zip(*[frame[key].tolist() for key in keys], strict=False)) if len(frame) else []


def line_chart(
    workbook: Workbook,
    sheet: str,
    title: str,
    categories: tuple[int, int, int],
    series: Sequence[tuple[str, int, dict[str, Any]]],
    first: int,
    last: int,
) -> Chart:
    """A line chart of percent columns: categories (col, first, last) and series
    (name, column, line options) over rows first..last of ``sheet``."""
    chart = workbook.add_chart({"type": "line"})
    cat_col = categories[0]
    for name, col, line in series:
        chart.add_series(
            {
                "name": name,
                "categories": [sheet, first, cat_col, last, cat_col],
                "values": [sheet, first, col, last, col],
                "line": line,
                "marker": {"type": "circle", "size": 5} if not line.get("dash_type") else {"type": "none"},
            }
        )
    chart.set_title({"name": title, "name_font": {"size": 12}})
    chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 360})
    return chart
