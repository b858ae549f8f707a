"""The committee workbook: the whole administration's deadline figures, aggregates only.

Sheets: Overblik, Enheder, Sagsområder, Enhed x område, Udvikling, then (when measured) Klager,
Ankestyrelsen, Tilsyn and Resultatkontrakt (committee_follow_up.py), Datakvalitet, Metode.
No case rows and no case numbers are written here. Groups with fewer than
``ctx.suppress_below`` cases are suppressed (suppress.py, docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.config import Targets
from sagstid.measure.run import LAST_YEAR, LAST_YEAR_TO_DATE, YEAR_TO_DATE, RunMeasurement
from sagstid.report.catalogue_sheets import write_default_areas, write_service_targets
from sagstid.report.committee_charts import add_bars, add_trend
from sagstid.report.committee_figures import MONTHS as MONTH_NAMES
from sagstid.report.committee_follow_up import write_committee_follow_up
from sagstid.report.committee_matrix import write_committee_matrix
from sagstid.report.committee_open import write_committee_open
from sagstid.report.committee_overview import SHEET as OVERVIEW
from sagstid.report.committee_overview import write_committee_overview
from sagstid.report.committee_suppression import Plan, committee_plan, excluded_rows
from sagstid.report.flow_sheet import write_flow_sheet
from sagstid.report.labels import with_deadline_text
from sagstid.report.printing import PrintInfo
from sagstid.report.revisions_sheet import write_revisions_sheet
from sagstid.report.sheet_print import prepare_print
from sagstid.report.status import judged_fraction, status_of, status_text
from sagstid.report.suppress import PRIMARY, SECONDARY, SheetSuppression, method_rule
from sagstid.report.unit_workbook import (
    AREA_COLUMNS,
    TargetFigures,
    area_frame,
    target_figures,
    write_accounting_table,
    write_area_table,
    write_method_sheet,
    write_monthly_table,
    write_reason_table,
)
from sagstid.report.words import da_date
from sagstid.report.xlsx import (
    Column,
    Layout,
    Sheet,
    Styles,
    da_pct_number,
    first_row,
    fix_properties,
    fraction,
    frame_rows,
    is_missing,
    load_layout,
    months_between,
    open_workbook,
    put,
)


def _lowest_count(areas: pd.DataFrame) -> object:
    """The decisions of the lowest-compliance area of ``areas`` (None if there is none)."""
    if not len(areas) or areas["compliance_pct"].isna().all():
        return None
    return areas.loc[areas["compliance_pct"].idxmin(), "decisions"]  # type: ignore[index]


def _lowest_state(hide: SheetSuppression, areas: pd.DataFrame, unit: str | None) -> str | None:
    """Whether the lowest-compliance area of ``areas`` (the unit's unit x area cell, or the
    whole administration's area when ``unit`` is None) is hidden, and why."""
    if not len(areas) or areas["compliance_pct"].isna().all():
        return None
    area = str(areas.loc[areas["compliance_pct"].idxmin(), "case_area_code"])  # type: ignore[index]
    key = ("decisions", "area", area) if unit is None else ("decisions", "cell", unit, area)
    return hide.state(key, _lowest_count(areas))


def _unit_columns(layout: Layout, concrete: float) -> list[Column]:
    spec = (
        ("unit_code", "text", 12),
        ("unit_name", "text", 34),
        ("decisions", "int", 11),
        ("general_pct", "pct", 13),
        ("previous_pct", "pct", 13),
        ("change", "pp", 13),
        ("lowest_area", "pct", 19),
        ("areas_below", "int", 13),
        ("notice_pct", "pct", 13),
    )
    return [
        Column(layout.text(f"columns.{key}", concrete=da_pct_number(concrete)), kind, width)
        for key, kind, width in spec
    ] + [Column("Generel målsætning", "text", 15), Column("Mål", "goal", 7)]


def _unit_line(
    code: str, name: str | None, f: TargetFigures, previous: pd.Series | None, t: Targets
) -> tuple[list[object], list[str | None]]:
    """The values and fills of one row of Enheder."""
    raw = None if previous is None else previous.get("compliance_pct")
    before = None if raw is None or is_missing(raw) else float(raw)
    change = None if f.general is None or before is None else f.general - before
    below_fill = None if not f.areas else ("not_met" if f.areas_below else "met")
    general, general_state = judged_fraction(f.general, t.general)
    lowest, lowest_state = judged_fraction(f.lowest, t.concrete)
    notice, notice_state = judged_fraction(f.notice, t.delay_notice)
    values: list[object] = [
        code,
        name,
        f.decisions,
        general,
        fraction(before),
        change,
        lowest,
        f.areas_below if f.areas else None,
        notice,
        status_text(status_of(f.general, t.general)),
        fraction(t.general),
    ]
    fills = [None, None, None, general_state, None, None, lowest_state, below_fill, notice_state]
    fills += [general_state, None]
    return values, fills


def _units(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    """One row per unit of the units table (also those without decisions), then the total."""
    t, now, before = ctx.targets, ctx.current, ctx.previous
    columns = _unit_columns(layout, t.concrete)
    sheet = Sheet(workbook, styles, layout.text("sheets.units"), widths=[c.width for c in columns])
    sheet.title(layout.text("titles.units", period=ctx.period.label))
    sheet.note(layout.text("titles.units_note", previous=ctx.previous_period.label))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    kinds = [c.kind for c in columns]
    header = sheet.header([c.heading for c in columns])
    # lowest general compliance first (units without decisions last), as in the bar chart
    general = ctx.units["unit_code"].map(now.by_unit.set_index("unit_code")["compliance_pct"])
    units = ctx.units.assign(_general=general.to_numpy()).sort_values(
        ["_general", "unit_code"], kind="stable", na_position="last"
    )
    first = sheet.row
    shares = []
    for code, name in zip(units["unit_code"].tolist(), units["unit_name"].tolist(), strict=False):
        areas = now.by_unit_area[now.by_unit_area["unit_code"].to_numpy() == code]
        metrics = first_row(now.by_unit, "unit_code", code)
        previous = first_row(before.by_unit, "unit_code", code)
        f = target_figures(metrics, areas, t.concrete)
        values, fills = _unit_line(code, name, f, previous, t)
        values, fills = _hide_unit_line(hide, values, fills, metrics, previous, areas, code)
        sheet.values(values, kinds, fills)
        share = values[3]
        shares.append(
            100 * float(share) if isinstance(share, (int, float)) and not is_missing(share) else None
        )
    if sheet.row > header + 1:
        sheet.ws.autofilter(header, 0, sheet.row - 1, len(columns) - 1)
    f = target_figures(now.total, now.by_area, t.concrete)
    values, fills = _unit_line(layout.text("whole_administration"), None, f, before.total, t)
    values, fills = _hide_unit_line(hide, values, fills, now.total, before.total, now.by_area, None)
    sheet.values(values, kinds, fills, bold=True)
    sheet.ws.freeze_panes(header + 1, 2)
    hide.finish()
    plotted = [v for v in shares if v is not None]
    if plotted:
        add_bars(
            workbook,
            sheet.ws,
            sheet.row + 1,
            f"Enheder: afgørelser inden for fristen {ctx.period.label}",
            1,
            3,
            first,
            first + len(plotted) - 1,
            plotted,
            t.general,
            len(columns) - 1,
            "enhed",
        )


def _hide_unit_line(
    hide: SheetSuppression,
    values: list[object],
    fills: list[str | None],
    now: pd.Series | None,
    before: pd.Series | None,
    areas: pd.DataFrame,
    unit: str | None,
) -> tuple[list[object], list[str | None]]:
    """A row of Enheder with a small group's figures hidden: this period's (decisions, general,
    change, lowest area, areas below, notice), the previous period's (and the change), or only
    the lowest area's value when that unit x area group is hidden, and the number of areas
    under the target when one of them is small (it would tell whether the small one is)."""
    count = None if now is None else now.get("decisions")
    key = ("decisions", "total") if unit is None else ("decisions", "unit", unit)
    state = hide.state(key, count)
    values, fills = hide.mask(values, fills, [2, 3, 5, 6, 7, 8, 9], state)  # 9: the status word
    values, fills = hide.mask(
        values, fills, [4, 5], hide.small(None if before is None else before.get("decisions"))
    )
    if state:
        return values, fills
    codes = areas["case_area_code"].astype(str).tolist() if len(areas) else []
    keys = [("decisions", "area", a) if unit is None else ("decisions", "cell", unit, a) for a in codes]
    small_area = any(hide.state(k, n) == PRIMARY for k, n in zip(keys, areas["decisions"], strict=False))
    values, fills = hide.mask(values, fills, [7], SECONDARY if small_area else None)
    return hide.mask(values, fills, [6], _lowest_state(hide, areas, unit))


def _areas(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    sheet = Sheet(workbook, styles, layout.text("sheets.areas"), widths=[w for *_, w in AREA_COLUMNS])
    sheet.title(layout.text("titles.areas", period=ctx.period.label, name=layout.text("organisation")))
    sheet.note(layout.text("titles.committee_areas_note", concrete=da_pct_number(ctx.targets.concrete)))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    areas = area_frame(ctx.current.by_area, ctx.previous.by_area).sort_values(
        ["compliance_pct", "case_area_code"], kind="stable", na_position="last"
    )
    header = sheet.row
    write_area_table(sheet, layout, ctx.targets, areas, ctx.current.total, ctx.previous.total)
    _judge_area_rows(sheet, areas, header, ctx.targets.concrete)
    _area_extras(workbook, sheet, styles, ctx, areas, header)
    # Grey out the small groups' cells the shared writer has put in rows header+1.. (one per
    # area, in the frame's order) and the total row after them.
    fields = [field for _, field, _, _ in AREA_COLUMNS]
    previous_cols = [fields.index("previous_pct"), fields.index("change_pp")]
    current_cols = [
        i
        for i, f in enumerate(fields)
        if f not in ("case_area_code", "area_name", "deadline_text", "previous_pct")
    ]
    before = ctx.previous.by_area.set_index("case_area_code")["decisions"]
    counts: list[tuple[tuple[str, ...], Any, Any]] = [
        (("decisions", "area", str(code)), n, before.get(code))
        for code, n in zip(areas["case_area_code"], areas["decisions"], strict=False)
    ]
    counts.append(
        (("decisions", "total"), ctx.current.total.get("decisions"), ctx.previous.total.get("decisions"))
    )
    for i, (key, now, previous) in enumerate(counts):
        row, bold = header + 1 + i, i == len(areas)
        hide.grey(row, current_cols, bold, hide=hide.state(key, now))
        if hide.small(previous):
            hide.grey(row, previous_cols, bold)
    start = sheet.row
    write_service_targets(sheet, layout, ctx.current.by_area, below=ctx.suppress_below)
    # the service-target rows (after a blank, the title, the note and the header) show an
    # area's legal compliance too: hidden with the area as the plan says; a small service
    # count as "<5" like every other hidden figure
    by_area = ctx.current.by_area
    if "service_target_decisions" in by_area and sheet.row > start:
        served = by_area[by_area["service_target_decisions"].to_numpy() > 0]
        for i, (code, n) in enumerate(
            zip(served["case_area_code"], served["service_target_decisions"], strict=True)
        ):
            state = hide.state(("decisions", "area", str(code))) or hide.state(("service",), n)
            hide.grey(start + 4 + i, [3, 4, 5, 6], hide=state)
    hide.finish()


def _judge_area_rows(sheet: Sheet, areas: pd.DataFrame, header: int, concrete: float) -> None:
    """Rewrite the area rows the shared writer has filled red as a whole: no fill, and only the
    compliance cell judged against the concrete target (shown value, ✔ / ✖, status fill)."""
    fields = [field for _, field, _, _ in AREA_COLUMNS]
    kinds = [kind for _, _, kind, _ in AREA_COLUMNS]
    pct = {"compliance_pct", "previous_pct", "notice_pct"}
    judged = fields.index("compliance_pct")
    for i, row in enumerate(frame_rows(areas, fields)):
        for col, (field, kind, value) in enumerate(zip(fields, kinds, row, strict=True)):
            fill = None
            if col == judged:
                value, fill = judged_fraction(value, concrete)
            elif field in pct and not is_missing(value):
                value = float(value) / 100.0
            put(sheet.ws, header + 1 + i, col, value, sheet.styles.get(kind, fill))


# Sagsområder for the committee: the counts and day percentiles behind the shares stay in the
# file for the analyst but are hidden on screen and in print (they are on the unit workbooks).
AREA_HIDDEN = ("within_deadline", "exceeded", "exceeded_notified", "mean_days", "p80_days", "p90_days")


def _area_extras(
    workbook: Workbook, sheet: Sheet, styles: Styles, ctx: RunMeasurement, areas: pd.DataFrame, header: int
) -> None:
    """Hide the analyst's columns, add the target column and the bar chart under the table."""
    fields = [field for _, field, _, _ in AREA_COLUMNS]
    for field in AREA_HIDDEN:
        col = fields.index(field)
        sheet.ws.set_column(col, col, None, None, {"hidden": True})
    target_col = len(fields)
    sheet.ws.set_column(target_col, target_col, 7)
    sheet.ws.write_string(header, target_col, "Mål", styles.header)
    goal = styles.get("goal")
    first = header + 1
    shares = [v for v in areas["compliance_pct"].tolist() if not is_missing(v)]
    counts = areas["decisions"].tolist()[: len(shares)]
    shown = [None if 0 < n < ctx.suppress_below else v for v, n in zip(shares, counts, strict=True)]
    for i in range(len(areas) + 1):
        sheet.ws.write_number(first + i, target_col, ctx.targets.concrete / 100.0, goal)
    if shares:
        sheet.row = add_bars(  # what follows (the service targets) goes under the chart
            workbook,
            sheet.ws,
            sheet.row + 1,
            f"Sagsområder: afgørelser inden for fristen {ctx.period.label}",
            1,
            fields.index("compliance_pct"),
            first,
            first + len(shares) - 1,
            shown,
            ctx.targets.concrete,
            target_col,
            "sagsområde",
            height=440,  # 23 long names under the columns: room for the bars
        )


def _development(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    """Months of the year to date (a quarter or a half year is shown in its year), last year's
    month beside each, and the trend chart under the table."""
    sheet = Sheet(
        workbook, styles, layout.text("sheets.development"), widths=(16, 11, 11, 13, 12, 12, 13, 10)
    )
    ytd = ctx.compare.get(YEAR_TO_DATE)
    span = ytd.period if ytd is not None else ctx.period
    measured = ytd.decisions if ytd is not None else ctx.current
    label = span.label if ytd is None else f"januar-{MONTH_NAMES[span.end.month - 1]} {span.end.year}"
    sheet.title(layout.text("titles.monthly", period=label, name=layout.text("organisation")))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    months = months_between(span.start, span.end)
    monthly = measured.by_month
    first, last = write_monthly_table(sheet, layout, months, monthly, ctx.targets.general)
    # A month of the whole administration is a group too: grey out a small month's figures
    # (columns: month, decisions, within, compliance, target, exceeded, notified, mean days).
    counts = monthly.set_index("month")["decisions"].reindex(months).tolist()
    pcts = monthly.set_index("month")["compliance_pct"].reindex(months).tolist()
    for row, pct in zip(range(first, last + 1), pcts, strict=False):
        shown, state = judged_fraction(pct, ctx.targets.general)  # ✔ / ✖, shown on its side
        if shown is not None:
            sheet.ws.write_number(row, 3, shown, styles.get("pct", state))
    for row, month, n in zip(range(first, last + 1), months, counts, strict=False):
        hide.grey(row, [1, 2, 3, 5, 6, 7], hide=hide.state(("decisions", "month", month), n))
    hide.finish()
    last_year = ctx.compare.get(LAST_YEAR_TO_DATE if ytd is not None else LAST_YEAR)
    before = (
        last_year.decisions.by_month
        if last_year is not None
        else ctx.previous.by_month
        if ctx.previous_period == ctx.period.last_year()
        else None
    )
    add_trend(
        workbook,
        sheet.ws,
        styles.header,
        first,
        last,
        months,
        monthly,
        before,
        ctx.targets.general,
        ctx.suppress_below,
    )


def _quality(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    sheet = Sheet(workbook, styles, layout.text("sheets.quality"), widths=(34, 30, 14, 70))
    organisation = layout.text("organisation")
    sheet.title(layout.text("titles.quality", period=ctx.period.label, name=organisation))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    sheet.section(layout.text("titles.reasons"))
    write_reason_table(sheet, layout, ctx.current.reason_counts())
    sheet.skip()
    sheet.section(layout.text("titles.reasons_by_unit"))
    # Per unit only the total (the reasons are the whole administration's, above): the units
    # add up to the total shown above and in the row accounting below, so the workbook's plan
    # hides them as one family ("excluded", committee_suppression.py).
    excluded = excluded_rows(ctx)
    known = set(ctx.units["unit_code"].astype(str))
    columns = [
        Column(layout.text("columns.unit_code")),
        Column(layout.text("columns.unit_name")),
        Column(layout.text("titles.excluded_rows"), "int"),
    ]
    rows, fills = [], []
    for code, n in zip(excluded["unit_code"].tolist(), excluded["rows"].tolist(), strict=True):
        if code not in known:  # under the reason "Ukendt enhed" only (committee_suppression.py)
            continue
        state = hide.state(("excluded", "unit", code), n)
        values, fill = hide.mask([code, ctx.unit_name(code), int(n)], [None] * 3, [2], state)
        rows.append(values)
        fills.append(fill)
    sheet.table(columns, rows, fills, autofilter=False)
    if not len(excluded):
        sheet.note(layout.text("titles.no_exclusions"))
    elif len(rows) < len(excluded):
        sheet.note(layout.text("titles.excluded_unknown_units"))
    sheet.skip()
    sheet.section(layout.text("titles.accounting"))
    write_accounting_table(sheet, layout, ctx.current.status_counts(), organisation)
    # (the placeholder-date notes by source table and column are the analyst's: unit workbooks)
    start = sheet.row
    defaults = ctx.current.default_areas
    write_default_areas(sheet, layout, defaults, below=ctx.suppress_below)
    if len(defaults):  # after a blank, the title, the note and the header: one row per area
        per_area = defaults.groupby("case_area_code", sort=True)["decisions"].sum()
        for i, (code, n) in enumerate(per_area.items()):
            state = hide.state(("decisions", "area", str(code))) or hide.state(("default",), n)
            hide.grey(start + 4 + i, [1], hide=state)
    hide.finish()


def _finish_method(sheet: Sheet, ctx: RunMeasurement) -> None:
    """The committee's Metode after the shared rules: the run day as text (a date cell sits
    right-aligned far from its label), the suppression rule a sentence a row, and every
    wrapped row as high as its text (LibreOffice and print do not grow rows by themselves)."""
    run_row = 7  # title, blank, header, then period, previous, targets, catalogue, run
    sheet.ws.write_string(run_row, 1, da_date(ctx.as_of or ctx.period.end))
    wrap = sheet.styles.get("text", wrap=True)
    for text in method_rule(ctx.suppress_below):
        sheet.ws.set_row(sheet.row, 15 * max(1, math.ceil(len(text) / 115)))
        sheet.line(text, wrap, col=1)


def write_committee_workbook(path: Path, ctx: RunMeasurement) -> None:
    """Write the committee's workbook (aggregates only) for the whole administration."""
    layout = load_layout()
    ctx = with_deadline_text(ctx)
    plan = committee_plan(ctx)  # the hidden groups, the same on every sheet
    with open_workbook(path, constant_memory=False) as (workbook, styles):
        fix_properties(workbook, ctx)
        organisation = layout.text("organisation")
        info = PrintInfo(f"Sagstidsmåling: {organisation}", ctx.period.label, dt.date.today())
        write_committee_overview(workbook, ctx, info, organisation, ctx.suppress_below)
        _units(workbook, styles, layout, ctx, plan)
        _areas(workbook, styles, layout, ctx, plan)
        write_committee_matrix(workbook, ctx, styles.header, plan)
        _development(workbook, styles, layout, ctx, plan)
        write_committee_follow_up(workbook, styles, layout, ctx, plan)
        write_committee_open(workbook, styles, ctx, plan)
        _quality(workbook, styles, layout, ctx, plan)
        write_revisions_sheet(workbook, styles, layout, ctx)
        method = write_method_sheet(workbook, styles, layout, ctx)
        _finish_method(method, ctx)
        names = dict(zip(ctx.units["unit_code"].astype(str), ctx.units["unit_name"].astype(str), strict=True))
        write_flow_sheet(
            workbook, styles, ctx.flow, unit_names=names, suppress_below=ctx.suppress_below, plan=plan
        )
        wrapped = workbook.add_format(
            {"text_wrap": True, "valign": "top", "italic": True, "font_color": "#595959"}
        )
        keep = [styles.title, styles.section, styles.header]
        prepare_print(
            workbook,
            info,
            styles.header,
            skip=[OVERVIEW],
            wrap=(wrapped, keep),
            section_format=styles.section,
        )
