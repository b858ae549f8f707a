"""The committee workbook: the whole administration's deadline figures, aggregates only.

Sheets: Overblik, Enheder, Sagsområder, Enhed x område, Udvikling, then (when measured) Klager,
Ankestyrelsen, Tilsyn and Resultatkontrakt (committee_follow_up.py), Datakvalitet, Metode.
No case rows and no case numbers are written here. Groups with fewer than
``ctx.suppress_below`` cases are suppressed (suppress.py, docs/privacy.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.config import Targets
from sagstid.measure.run import RunMeasurement
from sagstid.report.committee_follow_up import write_committee_follow_up
from sagstid.report.committee_open import write_committee_open
from sagstid.report.committee_suppression import Plan, committee_plan
from sagstid.report.flow_sheet import write_flow_sheet
from sagstid.report.labels import with_deadline_text
from sagstid.report.quality_notes import write_data_notes
from sagstid.report.suppress import PRIMARY, SECONDARY, SheetSuppression, method_rule
from sagstid.report.unit_workbook import (
    AREA_COLUMNS,
    KEY_FIGURES,
    TargetFigures,
    add_monthly_chart,
    area_frame,
    subtitle,
    target_figures,
    write_accounting_table,
    write_area_table,
    write_key_figures,
    write_method_sheet,
    write_monthly_table,
    write_reason_table,
    write_targets_table,
)
from sagstid.report.xlsx import (
    Column,
    Layout,
    Sheet,
    Styles,
    da_pct_number,
    first_row,
    fix_properties,
    fraction,
    is_missing,
    load_layout,
    met_state,
    months_between,
    open_workbook,
)
from sagstid.validate.decisions import DECISION_REASONS


def _overview(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    sheet = Sheet(workbook, styles, layout.text("sheets.overview"), widths=(50, 13, 14, 18, 14, 70))
    organisation = layout.text("organisation")
    sheet.title(layout.text("titles.committee", period=ctx.period.label, organisation=organisation))
    sheet.note(subtitle(layout, ctx))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    concrete = ctx.targets.concrete
    now = target_figures(ctx.current.total, ctx.current.by_area, concrete)
    before = target_figures(ctx.previous.total, ctx.previous.by_area, concrete)
    sheet.section(layout.text("titles.targets"))
    targets = sheet.row
    write_targets_table(sheet, layout, ctx.targets, ctx.previous_period.label, now, before)
    sheet.values(
        [
            layout.text("targets.mean_area"),
            None,
            fraction(ctx.current.mean_area_compliance_pct),
            fraction(ctx.previous.mean_area_compliance_pct),
            None,
            layout.text("notes.mean_area"),
        ],
        ["text", "goal", "pct", "pct", "text", "text"],
    )
    _hide_overview_targets(hide, layout, ctx, targets, now, before)
    sheet.skip()
    general = ctx.current.by_unit["compliance_pct"]
    sheet.note(
        layout.text(
            "notes.units_meeting",
            units=len(general),
            meeting=int((general >= ctx.targets.general - 1e-9).sum()),
        )
    )
    sheet.skip()
    headings = [
        layout.text("columns.current"),
        layout.text("columns.previous", period=ctx.previous_period.label),
    ]
    figures = sheet.row
    write_key_figures(sheet, layout, headings, [ctx.current.total, ctx.previous.total])
    for col, state in (
        (1, hide.state(("decisions", "total"), ctx.current.total.get("decisions"))),
        (2, hide.small(ctx.previous.total.get("decisions"))),
    ):
        if state:
            for row in range(figures + 1, figures + 1 + len(KEY_FIGURES)):
                hide.grey(row, [col], hide=state)
    sheet.skip()
    sheet.note(layout.text("titles.legend"))
    hide.finish()


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


def _hide_overview_targets(
    hide: SheetSuppression,
    layout: Layout,
    ctx: RunMeasurement,
    header: int,
    now: TargetFigures,
    before: TargetFigures,
) -> None:
    """Overblik's targets (rows header+1..+3: general, concrete, notice; +4: mean over areas;
    columns 2 this period, 3 previous, 4 met, 5 note): a small whole administration hides its
    figures; otherwise a small lowest area hides the lowest value and its name in the note."""
    rows = range(header + 1, header + 5)
    total = hide.state(("decisions", "total"), ctx.current.total.get("decisions"))
    lowest = _lowest_state(hide, ctx.current.by_area, None)
    if total:
        for row in rows:
            hide.grey(row, [2, 4, 5], hide=total)
    elif lowest:
        hide.grey(header + 2, [2], hide=lowest)
        hide.sheet.ws.write_string(
            header + 2,
            5,
            layout.text(
                "notes.concrete",
                below=now.areas_below,
                areas=now.areas,
                concrete=da_pct_number(ctx.targets.concrete),
            ),
            hide.sheet.styles.get("text"),
        )
    if (
        not total
        and hide.plan is not None
        and any(
            hide.plan.hidden(("decisions", "area", str(a)))
            for a in ctx.current.by_area["case_area_code"].tolist()
        )
    ):
        # the unweighted mean over areas and the areas' shares give a hidden area's share back
        hide.grey(header + 4, [2], hide=SECONDARY)
    if hide.small(ctx.previous.total.get("decisions")):
        for row in rows:
            hide.grey(row, [3])
    elif hide.small(_lowest_count(ctx.previous.by_area)):
        hide.grey(header + 2, [3])


def _unit_columns(layout: Layout, concrete: float) -> list[Column]:
    spec = (
        ("unit_code", "text", 12),
        ("unit_name", "text", 34),
        ("decisions", "int", 11),
        ("general_pct", "pct", 13),
        ("previous_pct", "pct", 13),
        ("change", "pp", 13),
        ("lowest_area", "pct", 15),
        ("areas_below", "int", 13),
        ("notice_pct", "pct", 13),
    )
    return [
        Column(layout.text(f"columns.{key}", concrete=da_pct_number(concrete)), kind, width)
        for key, kind, width in spec
    ]


def _unit_line(
    code: str, name: str | None, f: TargetFigures, previous: pd.Series | None, t: Targets
) -> tuple[list[object], list[str | None]]:
    """The values and fills of one row of Enheder."""
    raw = None if previous is None else previous.get("compliance_pct")
    before = None if raw is None or is_missing(raw) else float(raw)
    change = None if f.general is None or before is None else f.general - before
    below_fill = None if not f.areas else ("not_met" if f.areas_below else "met")
    values: list[object] = [
        code,
        name,
        f.decisions,
        fraction(f.general),
        fraction(before),
        change,
        fraction(f.lowest),
        f.areas_below if f.areas else None,
        fraction(f.notice),
    ]
    fills = [
        None,
        None,
        None,
        met_state(f.general, t.general),
        None,
        None,
        met_state(f.lowest, t.concrete),
        below_fill,
        met_state(f.notice, t.delay_notice),
    ]
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
    units = ctx.units.sort_values("unit_code", kind="stable")
    for code, name in zip(units["unit_code"].tolist(), units["unit_name"].tolist(), strict=False):
        areas = now.by_unit_area[now.by_unit_area["unit_code"].to_numpy() == code]
        metrics = first_row(now.by_unit, "unit_code", code)
        previous = first_row(before.by_unit, "unit_code", code)
        f = target_figures(metrics, areas, t.concrete)
        values, fills = _unit_line(code, name, f, previous, t)
        values, fills = _hide_unit_line(hide, values, fills, metrics, previous, areas, code)
        sheet.values(values, kinds, fills)
    if sheet.row > header + 1:
        sheet.ws.autofilter(header, 0, sheet.row - 1, len(columns) - 1)
    f = target_figures(now.total, now.by_area, t.concrete)
    values, fills = _unit_line(layout.text("whole_administration"), None, f, before.total, t)
    values, fills = _hide_unit_line(hide, values, fills, now.total, before.total, now.by_area, None)
    sheet.values(values, kinds, fills, bold=True)
    sheet.ws.freeze_panes(header + 1, 2)
    hide.finish()


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
    values, fills = hide.mask(values, fills, [2, 3, 5, 6, 7, 8], state)
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
    areas = area_frame(ctx.current.by_area, ctx.previous.by_area)
    header = sheet.row
    write_area_table(sheet, layout, ctx.targets, areas, ctx.current.total, ctx.previous.total)
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
    hide.finish()


def _matrix_block(
    sheet: Sheet,
    layout: Layout,
    ctx: RunMeasurement,
    value: str,
    kind: str,
    area_codes: list[str],
    unit_codes: list[str],
    hide: SheetSuppression,
) -> None:
    """Units (rows) x areas (columns) of ``value`` from by_unit_area, with totals; a cell (or
    total) of fewer than ``hide.below`` decisions is grey and blank."""
    m = ctx.current

    def table(column: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
        grid = m.by_unit_area.pivot(index="unit_code", columns="case_area_code", values=column)
        return (
            grid.reindex(index=unit_codes, columns=area_codes),
            m.by_unit.set_index("unit_code")[column],
            m.by_area.set_index("case_area_code")[column].reindex(area_codes),
        )

    grid, by_unit, by_area = table(value)
    n_grid, n_unit, n_area = table("decisions")
    sheet.header(
        [
            layout.text("columns.unit_code"),
            layout.text("columns.unit_name"),
            *area_codes,
            layout.text("total"),
        ]
    )
    kinds = ["text", "text"] + [kind] * (len(area_codes) + 1)

    goals = [ctx.targets.concrete] * len(area_codes) + [ctx.targets.general]

    def cells(
        values: list[object], counts: list[object], keys: list[tuple[str, ...]]
    ) -> tuple[list[object], list[str | None]]:
        """Blank where no decisions; percentages red below the concrete (areas) or the
        general (the unit's total) target; grey and blank where the group is small."""
        if kind != "pct":
            numbers = [None if is_missing(v) else v for v in values]
            fills: list[str | None] = [None] * len(values)
        else:
            fills = [
                "not_met" if met_state(v, goal) == "not_met" else None
                for v, goal in zip(values, goals, strict=False)
            ]
            numbers = [fraction(v) for v in values]
        for i, (n, key) in enumerate(zip(counts, keys, strict=False)):
            numbers, fills = hide.mask(numbers, fills, [i], hide.state(key, n))
        return numbers, fills

    for code in unit_codes:
        numbers, fills = cells(
            [*grid.loc[code].tolist(), by_unit.get(code)],  # type: ignore[operator]
            [*n_grid.loc[code].tolist(), n_unit.get(code)],  # type: ignore[operator]
            [*(("decisions", "cell", code, a) for a in area_codes), ("decisions", "unit", code)],
        )
        sheet.values([code, ctx.unit_name(code), *numbers], kinds, [None, None, *fills])
    total = m.total.get(value)
    numbers, fills = cells(
        [*by_area.tolist(), total],
        [*n_area.tolist(), m.total.get("decisions")],
        [*(("decisions", "area", a) for a in area_codes), ("decisions", "total")],
    )
    sheet.values(
        [layout.text("whole_administration"), None, *numbers], kinds, [None, None, *fills], bold=True
    )


def _matrix(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    area_codes = sorted(ctx.current.by_area["case_area_code"].tolist())
    unit_codes = sorted(ctx.current.by_unit["unit_code"].tolist())
    sheet = Sheet(
        workbook, styles, layout.text("sheets.matrix"), widths=(12, 30, *([11] * (len(area_codes) + 1)))
    )
    sheet.title(layout.text("titles.matrix", period=ctx.period.label))
    sheet.note(
        layout.text(
            "titles.matrix_note",
            concrete=da_pct_number(ctx.targets.concrete),
            general=da_pct_number(ctx.targets.general),
        )
    )
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    sheet.ws.freeze_panes(sheet.row + 1, 2)
    _matrix_block(sheet, layout, ctx, "compliance_pct", "pct", area_codes, unit_codes, hide)
    sheet.skip()
    sheet.section(layout.text("titles.matrix_counts"))
    _matrix_block(sheet, layout, ctx, "decisions", "int", area_codes, unit_codes, hide)
    hide.finish()


def _development(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    sheet = Sheet(
        workbook, styles, layout.text("sheets.development"), widths=(16, 11, 11, 13, 12, 12, 13, 10)
    )
    sheet.title(layout.text("titles.monthly", period=ctx.period.label, name=layout.text("organisation")))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    months = months_between(ctx.period.start, ctx.period.end)
    monthly = ctx.current.by_month
    first, last = write_monthly_table(sheet, layout, months, monthly, ctx.targets.general)
    # A month of the whole administration is a group too: grey out a small month's figures
    # (columns: month, decisions, within, compliance, target, exceeded, notified, mean days).
    counts = monthly.set_index("month")["decisions"].reindex(months).tolist()
    for row, month, n in zip(range(first, last + 1), months, counts, strict=False):
        hide.grey(row, [1, 2, 3, 5, 6, 7], hide=hide.state(("decisions", "month", month), n))
    add_monthly_chart(workbook, sheet, layout, first, last, False, at_row=first - 1, at_col=9)
    hide.finish()


def _excluded_by_unit(ctx: RunMeasurement, layout: Layout) -> list[list[object]]:
    counts = ctx.current.accounting
    excluded = counts[(counts["status"] == "excluded").to_numpy()]
    if not len(excluded):
        return []
    missing = layout.text("missing_unit")
    key = excluded["unit_code"].astype(object).where(excluded["unit_code"].notna(), missing)
    table = (
        excluded.assign(unit=key.to_numpy(), reason=excluded["reason"].astype(str))
        .pivot_table(index="unit", columns="reason", values="rows", aggfunc="sum", fill_value=0)
        .reindex(columns=list(DECISION_REASONS), fill_value=0)
    )
    known = set(ctx.units["unit_code"])
    out: list[list[object]] = []
    for index, reasons in table.sort_index(key=lambda i: i.astype(str)).iterrows():
        code = str(index)
        name = (
            ctx.unit_name(code)
            if code in known
            else None
            if code == missing
            else layout.text("unknown_unit_name")
        )
        values = [int(v) for v in reasons.tolist()]
        out.append([code, name, *values, sum(values)])
    return out


def _quality(workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement) -> None:
    sheet = Sheet(workbook, styles, layout.text("sheets.quality"), widths=(34, 30, *([12] * 7)))
    organisation = layout.text("organisation")
    sheet.title(layout.text("titles.quality", period=ctx.period.label, name=organisation))
    hide = SheetSuppression(sheet, ctx.suppress_below)
    sheet.skip()
    sheet.section(layout.text("titles.reasons"))
    write_reason_table(sheet, layout, ctx.current.reason_counts())
    sheet.skip()
    sheet.section(layout.text("titles.reasons_by_unit"))
    columns = [
        Column(layout.text("columns.unit_code")),
        Column(layout.text("columns.unit_name")),
        *(Column(layout.text(f"reasons.{r}"), "int") for r in DECISION_REASONS),
        Column(layout.text("total"), "int"),
    ]
    by_unit = _excluded_by_unit(ctx, layout)
    # A unit's excluded rows are a group: 1..n-1 of them hide the unit's counts by reason.
    rows, fills = [], []
    for values in by_unit:
        shown, fill = hide.mask(values, [None] * len(values), range(2, len(values)), hide.small(values[-1]))
        rows.append(shown)
        fills.append(fill)
    sheet.table(columns, rows, fills, autofilter=False)
    if not by_unit:
        sheet.note(layout.text("titles.no_exclusions"))
    sheet.skip()
    sheet.section(layout.text("titles.accounting"))
    write_accounting_table(sheet, layout, ctx.current.status_counts(), organisation)
    write_data_notes(sheet, layout, ctx)
    hide.finish()


def write_committee_workbook(path: Path, ctx: RunMeasurement) -> None:
    """Write the committee's workbook (aggregates only) for the whole administration."""
    layout = load_layout()
    ctx = with_deadline_text(ctx)
    plan = committee_plan(ctx)  # the hidden groups, the same on every sheet
    with open_workbook(path, constant_memory=False) as (workbook, styles):
        fix_properties(workbook, ctx)
        _overview(workbook, styles, layout, ctx, plan)
        _units(workbook, styles, layout, ctx, plan)
        _areas(workbook, styles, layout, ctx, plan)
        _matrix(workbook, styles, layout, ctx, plan)
        _development(workbook, styles, layout, ctx, plan)
        write_committee_follow_up(workbook, styles, layout, ctx, plan)
        write_committee_open(workbook, styles, ctx, plan)
        _quality(workbook, styles, layout, ctx)
        method = write_method_sheet(workbook, styles, layout, ctx)
        method.line(method_rule(ctx.suppress_below), styles.get("text", wrap=True), col=1)
        names = dict(zip(ctx.units["unit_code"].astype(str), ctx.units["unit_name"].astype(str), strict=True))
        write_flow_sheet(
            workbook, styles, ctx.flow, unit_names=names, suppress_below=ctx.suppress_below, plan=plan
        )
