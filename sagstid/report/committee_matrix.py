"""The committee workbook's "Enhed x område": the share of decisions within the deadline for
every case area (rows, by name) and unit (columns, by name), as a heat map.

One table of shares, no second table of counts (the counts per unit and per area are on
Enheder and Sagsområder). The colour is a conditional format (charts.heat_map: orange below the
area target, white at it, blue towards 100 %), and a figure under the target is also bold, so
the colour is never alone. Hidden groups follow the workbook's suppression plan
(committee_suppression.py): "<5" for a small group, "x" for one hidden to protect a small one,
in italics as on the other sheets; groups without decisions are blank.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.measure.run import RunMeasurement
from sagstid.report.charts import heat_map
from sagstid.report.status import STATUS_STYLE, shown_values
from sagstid.report.suppress import PRIMARY, note, shown_as
from sagstid.report.words import EXCEL_FORMATS, da_pct_number
from sagstid.report.xlsx import SUPPRESSED

SHEET = "Enhed x område"
NAME_WIDTH, UNIT_WIDTH = 40, 17


def _small(n: Any, below: int) -> bool:
    return n is not None and not pd.isna(n) and 0 < float(n) < below


def write_committee_matrix(
    workbook: Workbook,
    ctx: RunMeasurement,
    header_format: Any,
    plan: Any = None,
) -> None:
    """Write the sheet. ``plan`` (committee_suppression.Plan) says which groups the workbook
    hides ("<5" small, "x" hidden to protect a small one), the same on every sheet; a group it
    does not know is hidden when it has 1 to ``ctx.suppress_below - 1`` decisions."""
    m, t, below = ctx.current, ctx.targets, ctx.suppress_below
    areas = m.by_area.sort_values("area_name", kind="stable")
    units = m.by_unit.sort_values("unit_code", kind="stable")
    area_codes = areas["case_area_code"].astype(str).tolist()
    unit_codes = units["unit_code"].astype(str).tolist()
    share = m.by_unit_area.pivot(index="case_area_code", columns="unit_code", values="compliance_pct")
    count = m.by_unit_area.pivot(index="case_area_code", columns="unit_code", values="decisions")
    share = share.reindex(index=area_codes, columns=unit_codes)
    count = count.reindex(index=area_codes, columns=unit_codes)

    marks: list[str] = []

    def mark(key: tuple[str, ...], n: object) -> str | None:
        """The hidden cell's text ("<5", "x"), or None when the figure is shown."""
        state = None if plan is None else plan.state(key)
        if state is None and _small(n, below):
            state = PRIMARY
        shown = shown_as(state, below)
        if shown is not None:
            marks.append(shown)
        return shown

    ws = workbook.add_worksheet(SHEET)
    title = workbook.add_format({"bold": True, "font_size": 14})
    note_format = workbook.add_format(
        {"italic": True, "font_color": "#404040", "text_wrap": True, "valign": "top"}
    )
    text = workbook.add_format({"valign": "top"})
    bold_text = workbook.add_format({"valign": "top", "bold": True, "top": 1})
    pct = workbook.add_format(
        {"num_format": EXCEL_FORMATS["pct"], "valign": "top", "border": 1, "border_color": "#D9D9D9"}
    )
    bold_pct = workbook.add_format(
        {"num_format": EXCEL_FORMATS["pct"], "valign": "top", "bold": True, "top": 1}
    )
    # hidden cells look as on the workbook's other sheets (status.py: "<5" / "x" in italics)
    small = workbook.add_format({**STATUS_STYLE[SUPPRESSED], "valign": "top"})
    below_bold = workbook.add_format({"bold": True})
    ws.set_column(0, 0, NAME_WIDTH)
    ws.set_column(1, len(unit_codes) + 1, UNIT_WIDTH)
    ws.write_string(0, 0, f"Overholdelse pr. sagsområde og enhed {ctx.period.label}", title)
    ws.merge_range(
        1,
        0,
        1,
        len(unit_codes) + 1,
        f"Andel afgørelser truffet inden for fristen. Orange og fed: under målet på "
        f"{da_pct_number(t.concrete)} % for det enkelte sagsområde; hvid: ved målet; blå: tæt på "
        f"100 %. Tom: ingen afgørelser. Antal afgørelser står på Enheder og Sagsområder.",
        note_format,
    )
    ws.set_row(1, 32)
    header = 3
    headings = ["Sagsområde", *[ctx.unit_name(c) for c in unit_codes], "Alle enheder"]
    # unit names in a smaller type, so "Beskæftigelsescenter" fits its column unbroken
    unit_header = workbook.add_format(
        {
            "bold": True,
            "font_size": 9,
            "bg_color": "#DDEBF7",
            "pattern": 1,
            "bottom": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )
    for col, heading in enumerate(headings):
        ws.write_string(header, col, heading, header_format if col == 0 else unit_header)
    ws.set_row(header, 32)
    shown = shown_values(share.to_numpy(dtype=float), t.concrete)
    first = header + 1
    for i, code in enumerate(area_codes):
        row = first + i
        ws.write_string(row, 0, str(areas["area_name"].iloc[i]), text)
        for j, unit in enumerate(unit_codes):
            n = float(count.iat[i, j])  # type: ignore[arg-type]
            if np.isnan(n) or n == 0:
                continue
            hidden = mark(("decisions", "cell", unit, code), n)
            if hidden is not None:
                ws.write_string(row, j + 1, hidden, small)
            elif not np.isnan(shown[i, j]):
                ws.write_number(row, j + 1, shown[i, j] / 100.0, pct)
        n_area, v_area = areas["decisions"].iloc[i], areas["compliance_pct"].iloc[i]
        col = len(unit_codes) + 1
        hidden = mark(("decisions", "area", code), n_area)
        if hidden is not None:
            ws.write_string(row, col, hidden, small)
        elif not pd.isna(v_area):
            ws.write_number(row, col, float(shown_values([v_area], t.concrete)[0]) / 100.0, pct)
    last = first + len(area_codes) - 1
    heat_map(ws, first, 1, last, len(unit_codes) + 1, t.concrete, bold_below=below_bold)
    total = last + 1
    ws.write_string(total, 0, "Alle sagsområder", bold_text)
    for j, unit in enumerate(unit_codes):
        n, v = units["decisions"].iloc[j], units["compliance_pct"].iloc[j]
        hidden = mark(("decisions", "unit", unit), n)
        if hidden is not None:
            ws.write_string(total, j + 1, hidden, small)
        elif not pd.isna(v):
            ws.write_number(total, j + 1, float(shown_values([v], t.general)[0]) / 100.0, bold_pct)
    v = m.total.get("compliance_pct")
    hidden = mark(("decisions", "total"), m.total.get("decisions"))
    if hidden is not None:
        ws.write_string(total, len(unit_codes) + 1, hidden, small)
    elif v is not None and not pd.isna(v):
        ws.write_number(total, len(unit_codes) + 1, float(shown_values([v], t.general)[0]) / 100.0, bold_pct)
    ws.merge_range(
        total + 2,
        0,
        total + 2,
        len(unit_codes) + 1,
        f'Rækken "Alle sagsområder" er enhedens samlede overholdelse (generel målsætning '
        f"{da_pct_number(t.general)} %).",
        note_format,
    )
    if marks:  # what the marks mean, in the words of every other sheet (suppress.note)
        # across the table's width: in column A alone it wrapped over the header row
        ws.merge_range(2, 0, 2, len(unit_codes) + 1, note(below), note_format)
    ws.freeze_panes(first, 1)
