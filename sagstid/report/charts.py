"""Chart builders for the workbooks (xlsxwriter), shared by the unit and committee workbooks.

* :func:`trend_chart`: a monthly share with last year's line and the target line;
* :func:`bar_chart`: units or case areas as columns (sorted by the caller, lowest first)
  against a target line, columns below the target hatched;
* :func:`share_chart`: a weekly share against a threshold (the held-decision rule).

Every chart plots cells the sheet already shows (a chart is a picture of a table, never
the only place of a figure): the categories, the values and a column with the target on each
row. Percent cells hold fractions (0.844 shown as 84,4 %).

Common rules: Danish title and series names; the y-axis scaled to the data and the target
(:func:`axis_bounds`: minimum and maximum padded by 2 points and rounded outwards to 5 points,
at least 10 points apart, never beyond 0-100 %) instead of 0-100 %, so 80-87 % against a
90 % target is visibly below it; lines told apart by dash as well as colour (the target dashed
orange, last year dotted grey, this period solid dark blue with markers), so they survive
greyscale print and colour-blind readers; a size that fits an A4 landscape page
(:data:`WIDTH` by :data:`HEIGHT` pixels, about 24 cm by 8 cm); and alt text given to
:func:`insert` (``description``), since a screen reader cannot see the lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

WIDTH, HEIGHT = 900, 320
ROW_PX = 20  # xlsxwriter's default row height in pixels

CURRENT = {"color": "#1F4E79", "width": 2.25}
LAST_YEAR = {"color": "#7F7F7F", "width": 1.5, "dash_type": "round_dot"}
TARGET = {"color": "#C55A11", "width": 2.0, "dash_type": "dash"}
BAR_MET = {"color": "#2E75B6"}
BAR_NOT_MET = {"pattern": "wide_upward_diagonal", "fg_color": "#C55A11", "bg_color": "#FFFFFF"}
PCT_AXIS = "0 %"
PCT_LABEL = "0.0 %"


@dataclass(frozen=True)
class Col:
    """A column of cells on a sheet: rows ``first``..``last`` (0-based, both included)."""

    sheet: str
    col: int
    first: int
    last: int

    def ref(self) -> list[Any]:
        return [self.sheet, self.first, self.col, self.last, self.col]


@dataclass(frozen=True)
class Cols:
    """Several runs of cells in one column, plotted as one series (a table split into parts
    that each have their own header, e.g. so that each part prints on one page). The runs
    must share the column: LibreOffice reads a union over two columns as two category levels."""

    parts: tuple[Col, ...]

    def ref(self) -> str:
        from xlsxwriter.utility import xl_range_abs

        sheet = self.parts[0].sheet.replace("'", "''")
        ranges = ",".join(f"'{sheet}'!{xl_range_abs(c.first, c.col, c.last, c.col)}" for c in self.parts)
        return f"=({ranges})" if len(self.parts) > 1 else f"={ranges}"


def axis_bounds(
    values: Iterable[Any],
    targets: Iterable[float] = (),
    pad: float = 2.0,
    step: float = 5.0,
    min_span: float = 10.0,
) -> tuple[float, float]:
    """The y-axis (min, max) in 0-100 for the values and targets (0-100; None/NaN ignored):
    padded by ``pad``, rounded outwards to ``step``, widened to ``min_span``, within 0-100.

    >>> axis_bounds([80.2, 86.9], [90])
    (75.0, 95.0)
    """
    numbers = np.asarray([v for v in (*values, *targets) if v is not None], dtype=float)
    numbers = numbers[~np.isnan(numbers)]
    if numbers.size == 0:
        return 0.0, 100.0
    low = math.floor((numbers.min() - pad) / step) * step
    high = math.ceil((numbers.max() + pad) / step) * step
    while high - low < min_span:  # a flat series still gets a readable band
        low, high = low - step, high + step
    low, high = max(low, 0.0), min(high, 100.0)
    if high - low < min_span:  # pushed against 0 or 100: widen on the other side
        low, high = (0.0, min_span) if low == 0.0 else (100.0 - min_span, 100.0)
    return float(low), float(high)


def _pct_y_axis(chart: Chart, bounds: tuple[float, float], name: str | None = None) -> None:
    low, high = bounds
    unit = 0.02 if high - low <= 10 else 0.05  # 4-10 gridlines
    chart.set_y_axis(
        {
            "min": low / 100.0,
            "max": high / 100.0,
            "major_unit": unit,
            "num_format": PCT_AXIS,
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
            **({"name": name} if name else {}),
        }
    )


def _finish(chart: Chart, title: str, width: int, height: int) -> Chart:
    chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": width, "height": height})
    return chart


def trend_chart(
    workbook: Workbook,
    title: str,
    categories: Col,
    current: Col,
    target: Col,
    values: Iterable[Any],
    target_value: float,
    last_year: Col | None = None,
    names: tuple[str, str, str] = ("Overholdelse", "Sidste år", "Målsætning"),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """This period's monthly share, last year's (optional) and the target, as lines.

    ``values`` are every plotted share in 0-100 (this year and last), for the axis.
    """
    chart = workbook.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": names[0],
            "categories": categories.ref(),
            "values": current.ref(),
            "line": CURRENT,
            "marker": {
                "type": "circle",
                "size": 6,
                "fill": {"color": CURRENT["color"]},
                "border": {"color": CURRENT["color"]},
            },
        }
    )
    if last_year is not None:
        chart.add_series(
            {
                "name": names[1],
                "categories": categories.ref(),
                "values": last_year.ref(),
                "line": LAST_YEAR,
                "marker": {"type": "none"},
            }
        )
    chart.add_series(
        {
            "name": names[2],
            "categories": categories.ref(),
            "values": target.ref(),
            "line": TARGET,
            "marker": {"type": "none"},
        }
    )
    _pct_y_axis(chart, axis_bounds(values, [target_value]))
    chart.set_x_axis({"num_font": {"rotation": -45}})
    return _finish(chart, title, width, height)


def bar_chart(
    workbook: Workbook,
    title: str,
    categories: Col,
    values: Col,
    target: Col,
    shares: Iterable[Any],
    target_value: float,
    names: tuple[str, str] = ("Overholdelse", "Målsætning"),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """Columns (one per unit or area, in the sheet's order: sort the rows lowest first)
    against a target line; columns below the target are hatched orange, the others solid
    blue, each labelled with its value.

    ``shares`` are the plotted values in 0-100, in row order (for the axis and the hatching).
    """
    plotted = [None if v is None else float(v) for v in shares]
    met = [v is not None and not np.isnan(v) and v >= target_value - 1e-9 for v in plotted]
    points = [
        {"fill": BAR_MET} if ok else {"pattern": BAR_NOT_MET, "border": {"color": BAR_NOT_MET["fg_color"]}}
        for ok in met
    ]
    chart = workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": names[0],
            "categories": categories.ref(),
            "values": values.ref(),
            "points": points,
            "gap": 60,
            "data_labels": {
                "value": True,
                "num_format": PCT_LABEL,
                "position": "inside_end",
                "font": {"size": 8},
            },
        }
    )
    line = workbook.add_chart({"type": "line"})
    line.add_series(
        {
            "name": names[1],
            "categories": categories.ref(),
            "values": target.ref(),
            "line": TARGET,
            "marker": {"type": "none"},
        }
    )
    chart.combine(line)
    _pct_y_axis(chart, axis_bounds(plotted, [target_value]))
    chart.set_x_axis({"num_font": {"rotation": -45}})
    return _finish(chart, title, width, height)


def share_chart(
    workbook: Workbook,
    title: str,
    categories: Col | Cols,
    share: Col | Cols,
    threshold: Col | Cols,
    shares: Iterable[Any],
    threshold_value: float,
    names: tuple[str, str] = ("Andel sene afgørelser", "Grænse"),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """A weekly share (line with markers) against a threshold (dashed line)."""
    chart = workbook.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": names[0],
            "categories": categories.ref(),
            "values": share.ref(),
            "line": CURRENT,
            "marker": {
                "type": "circle",
                "size": 4,
                "fill": {"color": CURRENT["color"]},
                "border": {"color": CURRENT["color"]},
            },
        }
    )
    chart.add_series(
        {
            "name": names[1],
            "categories": categories.ref(),
            "values": threshold.ref(),
            "line": TARGET,
            "marker": {"type": "none"},
        }
    )
    _pct_y_axis(chart, axis_bounds(shares, [threshold_value]))
    chart.set_x_axis({"num_font": {"rotation": -45}, "interval_unit": 4})
    return _finish(chart, title, width, height)


def insert(ws: Worksheet, row: int, col: int, chart: Chart, description: str) -> int:
    """Put ``chart`` at (row, col) with ``description`` as its alt text; returns the number of
    default-height rows it covers (leave them empty, and start a printed page before ``row``
    if the chart would cross a page break)."""
    if not description.strip():
        raise ValueError("a chart needs alt text")
    ws.insert_chart(row, col, chart, {"description": description, "object_position": 2})
    return rows_spanned(chart)


def rows_spanned(chart: Chart) -> int:
    """How many 20-pixel rows the chart covers."""
    height = int(getattr(chart, "height", HEIGHT))
    return math.ceil(height / ROW_PX)


def heat_map(
    ws: Worksheet,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
    target: float,
    bold_below: Any = None,
) -> None:
    """A heat map over a block of percent cells (fractions, written as shown values from
    status.shown_values so the colour and the figure agree): orange below ``target`` (0-100),
    white at it, blue at 100 %; blank cells stay blank. Colour is not alone: pass
    ``bold_below`` (a workbook format with bold) to set figures under the target in bold."""
    cells = (first_row, first_col, last_row, last_col)
    if bold_below is not None:
        ws.conditional_format(
            *cells, {"type": "cell", "criteria": "<", "value": target / 100.0, "format": bold_below}
        )
    ws.conditional_format(
        *cells,
        {
            "type": "3_color_scale",
            "min_type": "num",
            "min_value": 0.5,
            "min_color": "#F4A460",
            "mid_type": "num",
            "mid_value": target / 100.0,
            "mid_color": "#FFFFFF",
            "max_type": "num",
            "max_value": 1.0,
            "max_color": "#9DC3E6",
        },
    )
