"""The unit workbook's sheets Klager (complaints, Ankestyrelsen, the performance contract, the
surge alert and the unit's late complaints) and Kvalitet (the work-capacity audit).

``ctx`` is already cut to the unit (``RunMeasurement.for_unit``): its complaint rows are the
unit's own late complaints, its other figures aggregates.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from sagstid.measure.complaints import APPEAL_OUTCOMES
from sagstid.measure.run import RunMeasurement
from sagstid.report.follow_up_sheets import (
    Column,
    appeal_values,
    area_text,
    audit_measure_columns,
    audit_measure_rows,
    contract_heading,
    first_row,
    label,
    pace_columns,
    pace_values,
    per_1000_columns,
    per_1000_values,
    surge_note,
    write_audit_areas,
    write_audit_reasons,
    write_complaint_targets,
    write_kind_table,
    write_late_complaints,
    write_surge_months,
)
from sagstid.report.xlsx import (
    Layout,
    Sheet,
    Styles,
    da_pct_number,
    fraction,
    months_between,
)


def write_unit_complaints(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str
) -> None:
    c = ctx.complaints
    assert c is not None
    t = ctx.targets
    sheet = Sheet(
        workbook, styles, layout.text("sheets.complaints"), widths=(44, 13, 14, 14, 12, 13, 14, 13, 16)
    )
    name = ctx.unit_name(code)
    sheet.title(label(layout, "complaints_title", period=ctx.period.label, name=name))
    sheet.note(label(layout, "complaints_note", target=da_pct_number(t.complaints)))
    sheet.skip()
    own = first_row(c.by_unit, "unit_code", code)
    own_appeals = first_row(c.appeals_by_unit, "unit_code", code)
    sheet.section(label(layout, "targets"))
    write_complaint_targets(
        sheet, layout, ctx, own, own_appeals, label(layout, "columns.unit_value"), with_whole=True
    )
    sheet.skip()
    sheet.section(label(layout, "by_kind"))
    write_kind_table(sheet, layout, c.by_unit_kind, own, t.complaints)
    sheet.skip()

    sheet.section(label(layout, "appeals_title"))
    sheet.note(label(layout, "appeals_note", target=da_pct_number(t.appeal_confirmed)))
    columns = [
        Column(label(layout, "columns.outcome")),
        Column(label(layout, "columns.unit_value"), "int"),
        Column(layout.text("columns.whole"), "int"),
    ]
    whole = {**c.appeals, "confirmed_pct": c.appeal_confirmed_pct}
    mine = appeal_values(own_appeals)
    names = [label(layout, f"appeal_outcomes.{o}") for o in APPEAL_OUTCOMES]
    rows = [[n, v, whole[o]] for n, v, o in zip(names, mine, APPEAL_OUTCOMES, strict=False)]
    sheet.table(columns, rows, autofilter=False)
    sheet.values(
        [label(layout, "confirmed_pct"), mine[-1], fraction(whole["confirmed_pct"])],
        ["text", "pct", "pct"],
        bold=True,
    )
    sheet.skip()

    if ctx.contract is not None:
        title, rule = contract_heading(layout, ctx.contract)
        sheet.section(title)
        sheet.note(rule)
        columns = pace_columns(layout)
        values, fills = pace_values(layout, first_row(ctx.contract.handling, "unit_code", code))
        sheet.header([col.heading for col in columns])
        sheet.values(values, [col.kind for col in columns], fills)
        sheet.skip()
        _per_1000(sheet, layout, ctx, code)
    if ctx.surge is not None:
        sheet.section(label(layout, "surge_title"))
        sheet.note(surge_note(layout, ctx.surge))
        write_surge_months(sheet, layout, ctx.surge, months_between(ctx.period.start, ctx.period.end))
        sheet.skip()
    write_late_complaints(sheet, layout, c.rows)


def _per_1000(sheet: Sheet, layout: Layout, ctx: RunMeasurement, code: str) -> None:
    figures = ctx.contract
    assert figures is not None
    sheet.section(label(layout, "per_1000_title", period=ctx.period.label))
    sheet.note(label(layout, "per_1000_note"))
    columns = per_1000_columns(layout, layout.text("columns.area_code"))
    sheet.header([col.heading for col in columns])
    kinds = [col.kind for col in columns]
    areas = figures.per_1000_by_unit_area
    for row in (areas.iloc[i] for i in range(len(areas))):  # the unit's areas: a few rows
        sheet.values(per_1000_values(area_text(layout, row["case_area_code"]), row), kinds)
    sheet.values(
        per_1000_values(layout.text("total"), first_row(figures.per_1000_by_unit, "unit_code", code)),
        kinds,
        bold=True,
    )
    sheet.values(per_1000_values(layout.text("whole_administration"), figures.per_1000_total), kinds)
    sheet.skip()


def write_unit_audit(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str
) -> None:
    audit = ctx.audit
    assert audit is not None
    target = ctx.targets.audit
    sheet = Sheet(workbook, styles, layout.text("sheets.audit"), widths=(58, 12, 14, 14, 14, 14, 16))
    sheet.title(label(layout, "audit_title", period=ctx.period.label, name=ctx.unit_name(code)))
    sheet.note(label(layout, "audit_note", target=da_pct_number(target)))
    sheet.skip()
    own = first_row(audit.by_unit, "unit_code", code)
    sheet.section(label(layout, "targets"))
    columns = audit_measure_columns(layout, with_whole=True)
    sheet.header([col.heading for col in columns])
    for values, fills in audit_measure_rows(layout, own, audit.total, target):
        sheet.values(values, [col.kind for col in columns], fills)
    if own is None or not own["samples"]:
        sheet.note(label(layout, "no_samples"))
    sheet.skip()
    sheet.section(label(layout, "audit_by_area"))
    write_audit_areas(sheet, layout, audit.by_unit_area, own, target)
    sheet.skip()
    write_audit_reasons(sheet, layout, audit, code)
