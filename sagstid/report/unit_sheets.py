"""The unit workbook's own sheets written with the shared report helpers (status, printing,
charts, words): Sagsområder (sorted, names, status column, bar chart against the concrete
target), Månedlig udvikling (this period beside last year, the target as a column, trend
chart), Sagsområder pr. måned (one block per area instead of one tab per area code),
Overskredne frister (area names, ids as text) and Klager besvaret for sent.

Every sheet gets its print set-up here (A4 landscape, one page wide, footer; case lists repeat
their header row and say "Internt - indeholder sagsnumre"). Frozen panes stay within the first
screen (row 10 at most).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sagstid.measure.run import RunMeasurement
from sagstid.report import charts, printing
from sagstid.report import list_writer as lists
from sagstid.report.labels import case_rule_texts
from sagstid.report.status import NO_DATA, StatusFormats, change, shown_value, status_of, status_text
from sagstid.report.unit_overview import FEW, SHEETS, period_short, period_words
from sagstid.report.words import EXCEL_FORMATS, MISSING, MONTHS, da_date, da_number, da_pct_number
from sagstid.report.xlsx import Styles, months_between, text_list

MONTH_HEADER_ROW = 3  # Månedlig udvikling: the header row (0-based); data below it
MAX_FREEZE_ROW = 10
LIST_PX = 1350  # case lists print at a fixed scale of about 80 % (some 40 rows a page), one page wide


class Formats:
    """The plain cell formats of one workbook (number formats with the Danish % space)."""

    def __init__(self, workbook: Workbook) -> None:
        self.text = workbook.add_format({"valign": "top"})
        self.wrap = workbook.add_format({"valign": "top", "text_wrap": True})
        self.center = workbook.add_format({"valign": "top", "align": "center"})  # Ja / Nej
        self.indent = workbook.add_format({"valign": "top", "indent": 1})  # text after a number column
        self.bold = workbook.add_format({"valign": "top", "bold": True})
        self.link = workbook.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        self.num = {
            k: workbook.add_format({"num_format": v, "valign": "top"}) for k, v in EXCEL_FORMATS.items()
        }
        self.date = workbook.add_format({"num_format": "dd-mm-yyyy", "valign": "top"})
        self.grey = workbook.add_format({"font_color": "#595959", "italic": True, "valign": "top"})


def sheet_px(widths: Sequence[float], chart_px: int = 0) -> int:
    """A safe estimate of a sheet's printed width in pixels (LibreOffice with Carlito draws a
    character width about 7-8 px plus cell padding), and at least a chart's width."""
    return int(max(sum(widths) * 8 + 5 * len(widths), chart_px) + 30)


def header_row(
    ws: Worksheet,
    styles: Styles,
    row: int,
    headings: list[str],
    widths: Sequence[float],
    right: Collection[int] = (),
) -> None:
    """A header row as tall as its wrapped headings need (bold lines of about 16 pt); the
    headings of the columns in ``right`` (numbers and dates) right-aligned over their figures."""
    ws.set_row(row, printing.header_height(headings, widths, line_points=16.0))
    for col, heading in enumerate(headings):
        ws.write_string(row, col, heading, styles.header_right if col in right else styles.header)


def freeze(ws: Worksheet, row: int, col: int = 0) -> None:
    """Freeze panes under ``row`` only when that keeps the frozen part on the first screen."""
    if row <= MAX_FREEZE_ROW:
        ws.freeze_panes(row, col)


def _pct_or_blank(ws: Worksheet, row: int, col: int, value: float | None, fmt: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, value / 100.0, fmt)


def month_labels(ctx: RunMeasurement) -> list[tuple[str, str]]:
    """(YYYY-MM, Danish label) for every month of the period; a part month says so."""
    months = months_between(ctx.period.start, ctx.period.end)
    out = []
    for month in months:
        year, number = (int(x) for x in month.split("-"))
        label = f"{MONTHS[number - 1]} {year}"
        last_day = calendar.monthrange(year, number)[1]
        if (year, number) == (ctx.period.end.year, ctx.period.end.month) and ctx.period.end.day != last_day:
            label += f" (til og med {ctx.period.end.day}.)"
        if (year, number) == (ctx.period.start.year, ctx.period.start.month) and ctx.period.start.day != 1:
            label += f" (fra {ctx.period.start.day}.)"
        out.append((month, label))
    return out


def _last_year_aligned(ctx: RunMeasurement) -> bool:
    """The comparison period is the same dates one year earlier (so months line up)."""
    p, q = ctx.period, ctx.previous_period
    return q.start.year == p.start.year - 1 and (q.start.month, q.start.day) == (p.start.month, p.start.day)


def _by_month(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    table = frame.assign(month=frame["month"].astype(str)).set_index("month")
    return table.reindex(months)


def write_monthly(
    workbook: Workbook,
    styles: Styles,
    status: StatusFormats,
    fm: Formats,
    ctx: RunMeasurement,
    code: str,
    info: printing.PrintInfo,
) -> tuple[int, int]:
    """Månedlig udvikling; returns the (first, last) data rows (the Overblik chart uses them)."""
    ws = workbook.add_worksheet(SHEETS["monthly"])
    target = ctx.targets.general
    prev_label = period_short(ctx.previous_period)
    aligned = _last_year_aligned(ctx)
    headings = [
        "Måned",
        "Afgørelser",
        "Inden for fristen",
        "Overholdelse",
        "Status",
        "Målsætning",
        f"Overholdelse samme måned {prev_label}" if aligned else "Samme måned sidste år",
        "Hele forvaltningen",
        "Overskredne frister",
        "Heraf underrettet i tide",
    ]
    widths = [26, 11, 11, 13, 16, 11, 14, 12, 11, 11]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_string(
        0, 0, f"Månedlig udvikling {period_words(ctx.period)}: {ctx.unit_name(code)}", styles.title
    )
    ws.write_string(
        1,
        0,
        (
            f"Andel afgørelser truffet inden for fristen, måned for måned. Målsætning: mindst "
            f"{da_pct_number(target)} %. Måneder med færre end {FEW} afgørelser vurderes ikke (få sager)."
        ),
        styles.subtitle,
    )
    header_row(ws, styles, MONTH_HEADER_ROW, headings, widths, right={1, 2, 3, 5, 6, 7, 8, 9})
    labels = month_labels(ctx)
    months = [m for m, _ in labels]
    own = _by_month(ctx.current.by_unit_month, months)
    whole = _by_month(ctx.current.by_month, months)
    last_year_months = [f"{int(m[:4]) - 1}{m[4:]}" for m in months]
    before = _by_month(ctx.previous.by_unit_month, last_year_months) if aligned else None
    row = MONTH_HEADER_ROW
    plotted: list[float] = []
    for i, (_, label) in enumerate(labels):
        row += 1
        decisions = 0 if pd.isna(own["decisions"].iloc[i]) else int(own["decisions"].iloc[i])
        pct = None if decisions == 0 else float(own["compliance_pct"].iloc[i])
        ws.write_string(row, 0, label, fm.text)
        ws.write_number(row, 1, decisions, fm.num["int"])
        ws.write_number(row, 2, 0 if decisions == 0 else int(own["within_deadline"].iloc[i]), fm.num["int"])
        if decisions < FEW:
            _pct_or_blank(ws, row, 3, pct, fm.num["pct"])
            ws.write_string(row, 4, "– få sager" if decisions else "– ingen sager", status.word(NO_DATA))
        else:
            state = status_of(pct, target)
            ws.write_number(
                row, 3, (shown_value(pct, target) or 0) / 100.0, status.get(state, "pct", fill=False)
            )
            ws.write_string(row, 4, status_text(state), status.word(state))
            plotted.append(float(pct or 0))
        ws.write_number(row, 5, target / 100.0, fm.num["pct"])
        last = None
        if before is not None and not pd.isna(before["compliance_pct"].iloc[i]):
            last = shown_value(float(before["compliance_pct"].iloc[i]), target)
            plotted.append(float(before["compliance_pct"].iloc[i]))
        _pct_or_blank(ws, row, 6, last, fm.num["pct"])
        w = whole["compliance_pct"].iloc[i]
        _pct_or_blank(ws, row, 7, None if pd.isna(w) else shown_value(float(w), target), fm.num["pct"])
        ws.write_number(row, 8, 0 if decisions == 0 else int(own["exceeded"].iloc[i]), fm.num["int"])
        ws.write_number(row, 9, 0 if decisions == 0 else int(own["exceeded_notified"].iloc[i]), fm.num["int"])
    first, last_row = MONTH_HEADER_ROW + 1, row
    chart_row = row + 2
    chart = charts.trend_chart(
        workbook,
        f"Generel overholdelse pr. måned: {ctx.unit_name(code)}",
        charts.Col(ws.name, 0, first, last_row),
        charts.Col(ws.name, 3, first, last_row),
        charts.Col(ws.name, 5, first, last_row),
        plotted,
        target,
        last_year=charts.Col(ws.name, 6, first, last_row) if aligned else None,
        names=(f"Overholdelse {period_short(ctx.period)}", prev_label, "Målsætning"),
        width=1000,
        height=320,
    )
    charts.insert(
        ws,
        chart_row,
        0,
        chart,
        (
            f"Linjediagram over den generelle overholdelse pr. måned i {period_words(ctx.period)}"
            + (f", med {prev_label} som prikket linje" if aligned else "")
            + f" og målsætningen {da_pct_number(target)} % som stiplet linje."
        ),
    )
    freeze(ws, MONTH_HEADER_ROW + 1, 1)
    room_rows = printing.page_room(printing.scale_for_width(sheet_px(widths, 1000)))[1] // 20
    breaks = [chart_row] if chart_row + charts.rows_spanned(chart) > room_rows else []
    printing.setup_paged(ws, info, sheet_px(widths, 1000), breaks, header_rows=None)
    return first, last_row


def area_table(ctx: RunMeasurement, code: str) -> pd.DataFrame:
    """The unit's areas, lowest compliance first, with last period's figure."""
    now = ctx.current.by_unit_area
    now = now[now["unit_code"].to_numpy() == code]
    before = ctx.previous.by_unit_area
    before = before[before["unit_code"].to_numpy() == code][["case_area_code", "compliance_pct"]]
    out = now.merge(
        before.rename(columns={"compliance_pct": "previous_pct"}), on="case_area_code", how="left"
    )
    return out.sort_values(["compliance_pct", "case_area_code"], kind="stable").reset_index(drop=True)


def write_areas(
    workbook: Workbook,
    styles: Styles,
    status: StatusFormats,
    fm: Formats,
    ctx: RunMeasurement,
    code: str,
    info: printing.PrintInfo,
    area_rows: dict[str, int],
) -> None:
    ws = workbook.add_worksheet(SHEETS["areas"])
    target = ctx.targets.concrete
    prev = period_short(ctx.previous_period)
    headings = [
        "Sagsområde",
        "Kode",
        "Frist",
        "Afgørelser",
        "Inden for fristen",
        "Overholdelse",
        "Status",
        "Målsætning",
        prev,
        "Ændring",
        "Overskredne frister",
        "Heraf underrettet i tide",
        "Median dage",
    ]
    # the longest area name ("Hjælpemidler og arbejdspladsindretning, gentagen ansøgning") fits A;
    # column D is wide enough for Nøgletal's "Hele forvaltningen" heading on two lines
    widths = [58, 11, 13, 14, 10, 12, 16, 11, 9, 11, 11, 11, 8]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_string(0, 0, f"Sagsområder {period_words(ctx.period)}: {ctx.unit_name(code)}", styles.title)
    ws.write_string(
        1,
        0,
        (
            f"Lavest overholdelse først. Målsætning: mindst {da_pct_number(target)} % i hvert sagsområde. "
            "Klik på et sagsområde for at se det måned for måned."
        ),
        styles.subtitle,
    )
    header = 3
    header_row(ws, styles, header, headings, widths, right={3, 4, 5, 7, 8, 9, 10, 11, 12})
    areas = area_table(ctx, code)
    row = header
    shares: list[float] = []
    for area in areas.to_dict("records"):
        row += 1
        block = area_rows.get(str(area["case_area_code"]), 0)
        ws.write_url(
            row, 0, f"internal:'{SHEETS['area_months']}'!A{block + 1}", fm.link, string=str(area["area_name"])
        )
        ws.write_string(row, 1, str(area["case_area_code"]), fm.text)
        ws.write_string(row, 2, str(area.get("deadline_text", "")), fm.text)
        ws.write_number(row, 3, int(area["decisions"]), fm.num["int"])
        ws.write_number(row, 4, int(area["within_deadline"]), fm.num["int"])
        from sagstid.report.status import write_status_cells

        write_status_cells(ws, row, 5, area["compliance_pct"], target, status)
        ws.write_number(row, 7, target / 100.0, fm.num["pct"])
        now = shown_value(area["compliance_pct"], target)
        before = shown_value(area["previous_pct"], target)
        if before is None:
            ws.write_string(row, 8, MISSING, fm.text)
        else:
            ws.write_number(row, 8, before / 100.0, fm.num["pct"])
        ws.write_string(row, 9, change(now, before).text, fm.text)
        ws.write_number(row, 10, int(area["exceeded"]), fm.num["int"])
        ws.write_number(row, 11, int(area["exceeded_notified"]), fm.num["int"])
        median = area.get("median_days")
        if median is None or pd.isna(median):
            ws.write_string(row, 12, MISSING, fm.text)
        else:
            ws.write_number(row, 12, float(median), fm.num["days"] if "days" in fm.num else fm.num["int"])
        shares.append(float(area["compliance_pct"]))
    freeze(ws, header + 1, 1)
    last = row
    row = _key_figures(ws, styles, fm, ctx, code, row + 2)
    breaks: list[int] = []
    if len(areas):
        chart_row = row + 1
        chart = charts.bar_chart(
            workbook,
            f"Overholdelse pr. sagsområde mod målsætningen på {da_pct_number(target)} %",
            charts.Col(ws.name, 1, header + 1, last),
            charts.Col(ws.name, 5, header + 1, last),
            charts.Col(ws.name, 7, header + 1, last),
            shares,
            target,
            width=1100,
            height=340,
        )
        charts.insert(
            ws,
            chart_row,
            0,
            chart,
            (
                f"Søjlediagram: overholdelsen i hvert af enhedens {len(areas)} sagsområder, lavest først, "
                f"mod målsætningen {da_pct_number(target)} % (stiplet linje); "
                "søjler under målet er skraverede."
            ),
        )
        breaks = [chart_row]
        row = chart_row + 18  # below the chart (340 px)
    if "service_target_decisions" in areas and (areas["service_target_decisions"].to_numpy() > 0).any():
        from sagstid.report.catalogue_sheets import write_service_targets
        from sagstid.report.xlsx import Sheet, load_layout

        breaks.append(row + 1)
        write_service_targets(Sheet.continuing(workbook, styles, ws, row), load_layout(), areas)
    printing.setup_paged(ws, info, sheet_px(widths, 1100), breaks)


AREA_MONTH_WIDTHS = [26, 11, 11, 13, 16, 11, 11, 10]
AREA_FIRST_ROW = 4
AREA_MONTHS_PX = 1280  # printed at about 84 %: two areas of twelve months on a page


def area_block_starts(ctx: RunMeasurement, code: str) -> tuple[dict[str, int], list[int]]:
    """Where each area's block starts on "Sagsområder pr. måned" (areas by name, a block
    kept on one printed page) and the page breaks: the layout both the sheet and the links to
    it use."""
    areas = area_table(ctx, code).sort_values("area_name", kind="stable")
    block_rows = len(months_between(ctx.period.start, ctx.period.end)) + 4  # title, header (2 lines), gap
    room = printing.page_room(printing.scale_for_width(AREA_MONTHS_PX))[1] // 20 - 2
    row, used = AREA_FIRST_ROW, 0
    starts: dict[str, int] = {}
    breaks: list[int] = []
    for area_code in areas["case_area_code"].astype(str):
        if used and used + block_rows > room:
            breaks.append(row)
            used = 0
        starts[area_code] = row
        used += block_rows
        row += block_rows
    return starts, breaks


KEY_FIGURES = (
    ("decisions", "Antal afgørelser", "int"),
    ("within_deadline", "Inden for frist", "int"),
    ("exceeded", "Overskredet", "int"),
    ("exceeded_notified", "Heraf underrettet i tide", "int"),
    ("mean_days", "Gennemsnitlig sagsbehandlingstid (kalenderdage)", "dec"),
    ("median_days", "Median sagsbehandlingstid (kalenderdage)", "dec"),
    ("p80_days", "80 % fraktil (kalenderdage)", "dec"),
    ("p90_days", "90 % fraktil (kalenderdage)", "dec"),
    ("mean_working_days", "Gennemsnitlig sagsbehandlingstid (arbejdsdage)", "dec"),
    ("median_working_days", "Median sagsbehandlingstid (arbejdsdage)", "dec"),
)


def _key_figures(ws: Worksheet, styles: Styles, fm: Formats, ctx: RunMeasurement, code: str, row: int) -> int:
    """Nøgletal for all the unit's decisions: this period, the comparison period and the whole
    administration (decisions with their processing times); returns the next free row."""
    from sagstid.report.xlsx import first_row

    series = [
        first_row(ctx.current.by_unit, "unit_code", code),
        first_row(ctx.previous.by_unit, "unit_code", code),
        ctx.current.total,
    ]
    ws.set_row(row, 32)  # "Hele forvaltningen" wraps
    ws.write_string(row, 0, "Nøgletal", styles.header)
    for col, heading in enumerate(
        (period_short(ctx.period), period_short(ctx.previous_period), "Hele forvaltningen"), start=1
    ):
        ws.write_string(row, col, heading, styles.header_right)
    for key, label, kind in KEY_FIGURES:
        row += 1
        ws.write_string(row, 0, label, fm.text)
        for col, figures in enumerate(series, start=1):
            value = None if figures is None else figures.get(key)
            if value is None or pd.isna(value):
                ws.write_string(row, col, MISSING, fm.text)
            else:
                ws.write_number(row, col, float(value), fm.num[kind])
    return row + 2


def write_area_months(
    workbook: Workbook,
    styles: Styles,
    status: StatusFormats,
    fm: Formats,
    ctx: RunMeasurement,
    code: str,
    info: printing.PrintInfo,
) -> dict[str, int]:
    """One block per area: its months with decisions, compliance and status. Returns the
    first row of each area's block (for links)."""
    ws = workbook.add_worksheet(SHEETS["area_months"])
    target = ctx.targets.concrete
    headings = [
        "Måned",
        "Afgørelser",
        "Inden for fristen",
        "Overholdelse",
        "Status",
        "Overskredne frister",
        "Heraf underrettet i tide",
        "Gns. dage",
    ]
    widths = AREA_MONTH_WIDTHS
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_string(
        0, 0, f"Sagsområder pr. måned {period_words(ctx.period)}: {ctx.unit_name(code)}", styles.title
    )
    ws.write_string(
        1,
        0,
        (
            f"Målsætning: mindst {da_pct_number(target)} % i hvert sagsområde. Måneder med færre end {FEW} "
            "afgørelser vurderes ikke (få sager)."
        ),
        styles.subtitle,
    )
    ws.write_url(2, 0, f"internal:'{SHEETS['areas']}'!A1", fm.link, string="Tilbage til Sagsområder")
    labels = month_labels(ctx)
    months = [m for m, _ in labels]
    areas = area_table(ctx, code).sort_values("area_name", kind="stable")
    frame = ctx.current.by_unit_area_month
    frame = frame.assign(month=frame["month"].astype(str))
    starts, breaks = area_block_starts(ctx, code)
    for area in areas.to_dict("records"):
        area_code = str(area["case_area_code"])
        row = starts[area_code]
        ws.write_string(
            row,
            0,
            f"{area['area_name']} ({area_code}), frist {area.get('deadline_text', '')}",
            styles.section,
        )
        header_row(ws, styles, row + 1, headings, widths, right={1, 2, 3, 5, 6, 7})
        table = frame[frame["case_area_code"].to_numpy() == area_code].set_index("month").reindex(months)
        # each column converted once (a cell read through .iloc costs as much as writing it)
        figures = {
            k: table[k].tolist()
            for k in (
                "decisions",
                "within_deadline",
                "compliance_pct",
                "exceeded",
                "exceeded_notified",
                "mean_days",
            )
        }
        r = row + 1
        for i, (_, label) in enumerate(labels):
            r += 1
            n = figures["decisions"][i]
            n = 0 if pd.isna(n) else int(n)
            ws.write_string(r, 0, label, fm.text)
            ws.write_number(r, 1, n, fm.num["int"])
            ws.write_number(r, 2, 0 if n == 0 else int(figures["within_deadline"][i]), fm.num["int"])
            pct = None if n == 0 else float(figures["compliance_pct"][i])
            if n < FEW:
                _pct_or_blank(ws, r, 3, pct, fm.num["pct"])
                ws.write_string(r, 4, "– få sager" if n else "– ingen sager", status.word(NO_DATA))
            else:
                state = status_of(pct, target)
                ws.write_number(
                    r, 3, (shown_value(pct, target) or 0) / 100.0, status.get(state, "pct", fill=False)
                )
                ws.write_string(r, 4, status_text(state), status.word(state))
            ws.write_number(r, 5, 0 if n == 0 else int(figures["exceeded"][i]), fm.num["int"])
            ws.write_number(r, 6, 0 if n == 0 else int(figures["exceeded_notified"][i]), fm.num["int"])
            mean = figures["mean_days"][i]
            if pd.isna(mean):
                ws.write_string(r, 7, MISSING, fm.text)
            else:
                ws.write_number(r, 7, float(mean), fm.num.get("dec", fm.num["int"]))
    printing.setup_paged(ws, info, max(sheet_px(widths), AREA_MONTHS_PX), breaks)
    return starts


def _area_names(ctx: RunMeasurement) -> dict[str, str]:
    names = ctx.current.by_area[["case_area_code", "area_name"]].dropna()
    return dict(zip(names["case_area_code"].astype(str), names["area_name"].astype(str), strict=False))


def area_name_list(ctx: RunMeasurement, codes: pd.Series) -> list[str | None]:
    names = _area_names(ctx)
    return [None if c is None else names.get(str(c), str(c)) for c in text_list(codes)]


def write_exceeded(
    workbook: Workbook,
    styles: Styles,
    fm: Formats,
    ctx: RunMeasurement,
    code: str,
    info: printing.PrintInfo,
    room: int,
) -> None:
    """Every exceeded decision, most days over first, with the area's name."""
    ws = workbook.add_worksheet(SHEETS["exceeded"])
    headings = [
        "Sagsnummer",
        "Sagsområde",
        "Modtaget",
        "Frist",
        "Afgjort",
        "Dage over fristen",
        "Underrettet i tide",
        "Underretnings- dato",
        "Fristregel",
    ]
    widths = [16, 36, 11, 11, 11, 10, 11, 12, 28]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    cases = ctx.current.cases
    late = cases[cases["exceeded"].to_numpy()].sort_values(
        ["days_over", "case_id", "decision_id"],
        ascending=[False, True, True],
        kind="stable",
        na_position="last",
    )
    total = len(late)
    ws.write_string(
        0,
        0,
        f"Overskredne frister {period_words(ctx.period)}: {ctx.unit_name(code)} "
        f"({da_number(total)} afgørelser)",
        styles.title,
    )
    late = late.iloc[:room]
    ws.write_string(
        1,
        0,
        "Afgørelser truffet efter fristen, flest dage over fristen først. Brug filtrene i "
        "overskriftsrækken til at udvælge."
        + (
            f" Kun de {da_number(room)} afgørelser med flest dage over fristen er vist."
            if total > room
            else ""
        ),
        styles.subtitle,
    )
    header = 3
    header_row(ws, styles, header, headings, widths, right={2, 3, 4, 5, 8})
    if not total:
        ws.write_string(header + 1, 0, "Ingen afgørelser overskred fristen i perioden.", fm.grey)
    else:
        # the notice date (blank: none sent) says whether the citizen was told; no Ja/Nej
        # column repeats it
        last = lists.write_list(
            ws,
            header + 1,
            [
                lists.text(late["case_id"], fm.text),
                lists.text(late["case_area_code"], fm.text, rename=_area_names(ctx)),
                lists.date(late["received_date"], fm.date),
                lists.date(late["deadline_date"], fm.date),
                lists.date(late["decided_date"], fm.date),
                lists.number(late["days_over"], fm.num["int"]),
                lists.text(np.where(late["notice_in_time"].to_numpy(dtype=bool), "Ja", "Nej"), fm.center),
                lists.date(late["delay_notice_date"], fm.date),
                lists.text(
                    case_rule_texts(late), fm.indent
                ),  # the rule behind the deadline, e.g. "10 arbejdsdage"
            ],
        )
        ws.autofilter(header, 0, last, len(headings) - 1)
        ws.ignore_errors({"number_stored_as_text": f"A{header + 2}:A{last + 1}"})
    freeze(ws, header + 1, 1)
    printing.setup_paged(
        ws, info, max(sheet_px(widths), LIST_PX), [], header_rows=(header, header), lists_cases=True
    )


def write_late_complaints_sheet(
    workbook: Workbook,
    styles: Styles,
    layout: Any,
    fm: Formats,
    ctx: RunMeasurement,
    code: str,
    info: printing.PrintInfo,
) -> None:
    """Klager besvaret for sent: the unit's late complaints (its own sheet, so the header
    freezes on the first screen)."""
    from sagstid.report.follow_up_sheets import write_late_complaints
    from sagstid.report.xlsx import Sheet

    assert ctx.complaints is not None
    sheet = Sheet(workbook, styles, SHEETS["late_complaints"], widths=(16, 40, 15, 11, 11, 11, 10, 12, 16))
    sheet.title(f"Klager besvaret for sent {period_words(ctx.period)}: {ctx.unit_name(code)}")
    sheet.skip()
    header = sheet.row + 2  # write_late_complaints: a section line and a note, then the header
    sheet.ws.set_row(header, printing.header_height(["Via Borgerrådgiveren", "Dage over frist"], [12, 10]))
    write_late_complaints(sheet, layout, ctx.complaints.rows)
    if sheet.row > header + 1:
        sheet.ws.ignore_errors({"number_stored_as_text": f"A{header + 2}:A{sheet.row}"})
    finish_sheet(sheet.ws, info, header_rows=(header, header), lists_cases=True, columns=9)


def finish_sheet(
    ws: Worksheet,
    info: printing.PrintInfo,
    header_rows: tuple[int, int] | None = None,
    lists_cases: bool = False,
    columns: int | None = None,
) -> None:
    """Print set-up for a sheet written by a shared writer, and no freeze below row 10;
    ``columns`` limits the print area to the table columns (a long note overflowing to the
    right would otherwise shrink the page)."""
    panes = getattr(ws, "panes", None)
    if panes and panes[0] > MAX_FREEZE_ROW:
        ws.panes = []
    printing.setup_list(ws, info, header_rows=header_rows, lists_cases=lists_cases)
    if columns is not None and ws.dim_rowmax is not None:
        ws.print_area(0, 0, ws.dim_rowmax, columns - 1)


def run_date(ctx: RunMeasurement) -> dt.date:
    return ctx.as_of or ctx.period.end


def week_label(day: Any) -> str:
    from sagstid.report.words import da_week

    return da_week(day)


__all__ = ["Formats", "da_date", "write_area_months", "write_areas", "write_exceeded", "write_monthly"]
