"""The committee workbook's charts, each drawn from cells the sheet shows (charts.py):

* Udvikling: the monthly share with last year's line and the target, the axis fitted to the
  data, under the table (a "Samme måned sidste år" column is written beside the table for it);
* Enheder: units against the general target, Sagsområder: areas against the concrete target,
  as sorted columns with the target line, under the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sagstid.report import charts
from sagstid.report.status import shown_values
from sagstid.report.words import EXCEL_FORMATS, da_pct_number

LAST_YEAR_WIDTH = 14


def _previous_month(month: str) -> str:
    year, number = month.split("-")
    return f"{int(year) - 1}-{number}"


def add_trend(
    workbook: Workbook,
    ws: Worksheet,
    header_format: Any,
    first: int,
    last: int,
    months: Sequence[str],
    monthly: pd.DataFrame,
    last_year: pd.DataFrame | None,
    target: float,
    below: int,
    share_col: int = 3,
    target_col: int = 4,
    free_col: int = 8,
) -> int:
    """Write last year's share per month in ``free_col`` (header in row ``first - 1``) and
    put the trend chart under the table (rows ``first``..``last``); returns the first row
    after the chart. Months of fewer than ``below`` decisions are left out of the line."""
    fmt = workbook.add_format({"num_format": EXCEL_FORMATS["pct"], "valign": "top"})
    ws.set_column(free_col, free_col, LAST_YEAR_WIDTH)
    ws.write_string(first - 1, free_col, "Samme måned sidste år", header_format)
    plotted: list[float] = []
    if last_year is not None and len(last_year):
        frame = last_year.set_index("month")
        for i, month in enumerate(months):
            key = _previous_month(month)
            if key not in frame.index:
                continue
            n, pct = float(frame.at[key, "decisions"]), float(frame.at[key, "compliance_pct"])  # type: ignore[arg-type]
            if pd.isna(pct) or 0 < n < below:
                continue
            value = float(shown_values([pct], target)[0])
            plotted.append(value)
            ws.write_number(first + i, free_col, value / 100.0, fmt)
    now = monthly.set_index("month")["compliance_pct"].reindex(list(months)).tolist()
    plotted += [float(v) for v in now if not pd.isna(v)]
    name = ws.get_name()
    chart = charts.trend_chart(
        workbook,
        "Afgørelser inden for fristen pr. måned",
        charts.Col(name, 0, first, last),
        charts.Col(name, share_col, first, last),
        charts.Col(name, target_col, first, last),
        plotted,
        target,
        last_year=charts.Col(name, free_col, first, last) if last_year is not None else None,
        names=("I år", "Sidste år", f"Målsætning {da_pct_number(target)} %"),
        width=900,
        height=240,
    )
    row = last + 1
    rows = charts.insert(
        ws,
        row,
        0,
        chart,
        f"Linjediagram: andel afgørelser inden for fristen måned for måned, i år og sidste år, "
        f"med målsætningen på {da_pct_number(target)} % som stiplet linje.",
    )
    return row + rows + 1


def add_bars(
    workbook: Workbook,
    ws: Worksheet,
    row: int,
    title: str,
    name_col: int,
    share_col: int,
    first: int,
    last: int,
    shares: Sequence[Any],
    target: float,
    target_col: int,
    what: str,
    height: int = 340,
) -> int:
    """A sorted column chart of ``share_col`` (rows ``first``..``last``, named in
    ``name_col``) against the target in ``target_col`` at ``row``; returns the row after it."""
    name = ws.get_name()
    chart = charts.bar_chart(
        workbook,
        title,
        charts.Col(name, name_col, first, last),
        charts.Col(name, share_col, first, last),
        charts.Col(name, target_col, first, last),
        [None if v is None or pd.isna(v) else float(v) for v in shares],
        target,
        names=("Inden for fristen", f"Målsætning {da_pct_number(target)} %"),
        width=1000,
        height=height,
    )
    rows = charts.insert(
        ws,
        row,
        0,
        chart,
        f"Søjlediagram: andel afgørelser inden for fristen for hver {what}, laveste først, "
        f"med målsætningen på {da_pct_number(target)} % som stiplet linje; søjler under målet er "
        f"skraverede.",
    )
    return row + rows + 1
