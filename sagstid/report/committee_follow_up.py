"""The committee workbook's sheets Klager, Ankestyrelsen, Tilsyn and Resultatkontrakt.

Aggregates only: no case numbers and no case rows. Groups with fewer than
``ctx.suppress_below`` cases are suppressed (suppress.py); the handling-complaint count against
each unit's resultatkontrakt maximum is not (docs/privacy.md says why).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.measure.complaints import APPEAL_OUTCOMES
from sagstid.measure.run import RunMeasurement
from sagstid.report.committee_suppression import Plan
from sagstid.report.follow_up_sheets import (
    Column,
    appeal_row,
    area_text,
    audit_group_columns,
    audit_group_values,
    audit_measure_columns,
    audit_measure_rows,
    contract_heading,
    count,
    first_row,
    kind_columns,
    kind_values,
    label,
    pace_columns,
    pace_values,
    per_1000_columns,
    per_1000_values,
    surge_note,
    write_audit_reasons,
    write_complaint_reasons,
    write_complaint_targets,
    write_kind_table,
)
from sagstid.report.suppress import SheetSuppression
from sagstid.report.xlsx import (
    Layout,
    Sheet,
    Styles,
    da_pct_number,
    month_label,
)
from sagstid.validate.audit import AUDIT_AREAS
from sagstid.validate.complaints import KINDS
from sagstid.validate.decisions import STATUSES


def _unit_rows(
    ctx: RunMeasurement, layout: Layout, frame: pd.DataFrame
) -> list[tuple[str, str, pd.Series | None]]:
    """(code, name, row of ``frame``) for every unit of the units table, then codes in
    ``frame`` that the units table lacks."""
    known = set(ctx.units["unit_code"].dropna().astype(str))
    codes = sorted(known | set(frame["unit_code"].astype(str)))
    unknown = layout.text("unknown_unit_name")
    return [
        (code, ctx.unit_name(code) if code in known else unknown, first_row(frame, "unit_code", code))
        for code in codes
    ]


def _unit_table(
    sheet: Sheet,
    layout: Layout,
    ctx: RunMeasurement,
    columns: list[Column],
    frame: pd.DataFrame,
    line: Any,
    total: Any,
) -> None:
    """Enhed | Navn | <columns from line(row, code)> per unit, then Hele forvaltningen
    (code None)."""
    heads = [
        Column(layout.text("columns.unit_code"), "text", 12),
        Column(layout.text("columns.unit_name"), "text", 34),
    ]
    kinds = [c.kind for c in heads + columns]
    header = sheet.header([c.heading for c in heads + columns], kinds=kinds)
    for code, name, row in _unit_rows(ctx, layout, frame):
        values, fills = line(row, code)
        sheet.values([code, name, *values], kinds, [None, None, *fills])
    if sheet.row > header + 1:
        sheet.ws.autofilter(header, 0, sheet.row - 1, len(kinds) - 1)
    values, fills = line(total, None)
    sheet.values([layout.text("whole_administration"), None, *values], kinds, [None, None, *fills], bold=True)


def _key(family: str, kind: str, code: str | None) -> tuple[str, ...]:
    """A group's key in the plan (committee_suppression.py); code None: the total."""
    return (family, "total") if code is None else (family, kind, str(code))


def write_committee_complaints(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    c, t = ctx.complaints, ctx.targets
    assert c is not None
    sheet = Sheet(
        workbook, styles, layout.text("sheets.complaints"), widths=(44, 34, 12, 12, 13, 12, 12, 12, 60)
    )
    organisation = layout.text("organisation")
    sheet.title(label(layout, "complaints_title", period=ctx.period.label, name=organisation))
    sheet.note(label(layout, "complaints_note", target=da_pct_number(t.complaints)))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    sheet.section(label(layout, "targets"))
    totals = pd.Series(
        {**{o: c.appeals[o] for o in APPEAL_OUTCOMES}, "confirmed_pct": c.appeal_confirmed_pct}
    )
    header = sheet.row
    write_complaint_targets(
        sheet, layout, ctx, c.total, totals, layout.text("columns.current"), with_whole=False
    )
    # Rows: complaints on time, Ankestyrelsen, medhold; columns 2 value, 3 met, 4 note (the
    # shared writer judges them as in the unit workbook: the word carries the status).
    state = hide.state(("complaints", "total"), count(c.total, "complaints"))
    hide.grey(header + 1, [2, 3, 4], hide=state)
    hide.grey(header + 3, [2, 3, 4], hide=state)
    hide.grey(header + 2, [2, 3, 4], hide=hide.state(("appeals", "total"), _appeal_count(totals)))
    sheet.skip()
    sheet.section(label(layout, "by_kind"))
    header = sheet.row
    write_kind_table(sheet, layout, c.by_kind, c.total, t.complaints)
    kind_counts = [count(first_row(c.by_kind, "complaint_kind", k), "complaints") for k in KINDS]
    kind_keys = [_key("complaints", "kind", k) for k in KINDS]
    for i, (n, key) in enumerate(
        zip([*kind_counts, count(c.total, "complaints")], [*kind_keys, ("complaints", "total")], strict=False)
    ):
        hide.grey(header + 1 + i, range(1, 7), bold=i == len(KINDS), hide=hide.state(key, n))
    sheet.skip()
    sheet.section(layout.text("titles.units", period=ctx.period.label))
    columns = kind_columns(layout, "")[1:]

    def line(row: pd.Series | None, code: str | None) -> tuple[list[Any], list[str | None]]:
        values, fills = kind_values("", row, t.complaints)
        return hide.mask(
            values[1:],
            fills[1:],
            range(6),
            hide.state(_key("complaints", "unit", code), count(row, "complaints")),
        )

    _unit_table(sheet, layout, ctx, columns, c.by_unit, line, c.total)
    sheet.skip()
    write_complaint_reasons(sheet, layout, c.reason_counts())
    sheet.skip()
    sheet.section(label(layout, "accounting_title"))
    counts = c.status_counts()
    sheet.header([layout.text("columns.status"), layout.text("columns.count")])
    for status in STATUSES:
        sheet.values([layout.text(f"statuses.{status}"), counts[status]], ["text", "int"])
    sheet.values([layout.text("total"), sum(counts.values())], ["text", "int"], bold=True)
    hide.finish()


def _appeal_count(row: pd.Series | None) -> int:
    """A group's appeal decisions in the period: every outcome, rejected (afvist) included."""
    return sum(count(row, o) for o in APPEAL_OUTCOMES)


def write_committee_appeals(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    c, target = ctx.complaints, ctx.targets.appeal_confirmed
    assert c is not None
    sheet = Sheet(workbook, styles, layout.text("sheets.appeals"), widths=(12, 34, *([13] * 5), 19))
    sheet.title(label(layout, "appeals_title"))
    sheet.note(label(layout, "appeals_note", target=da_pct_number(target)))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    columns = [
        *(Column(label(layout, f"appeal_outcomes.{o}"), "int") for o in APPEAL_OUTCOMES),
        Column(label(layout, "confirmed_pct"), "pct"),
    ]

    def line(row: pd.Series | None, code: str | None) -> tuple[list[Any], list[str | None]]:
        values, fills = appeal_row(row, target)
        return hide.mask(
            values,
            fills,
            range(len(values)),
            hide.state(_key("appeals", "unit", code), _appeal_count(row)),
        )

    total = pd.Series({**c.appeals, "confirmed_pct": c.appeal_confirmed_pct})
    _unit_table(sheet, layout, ctx, columns, c.appeals_by_unit, line, total)
    hide.finish()


def write_committee_audit(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    audit, target = ctx.audit, ctx.targets.audit
    assert audit is not None
    sheet = Sheet(
        workbook, styles, layout.text("sheets.supervision"), widths=(58, 30, 19, 19, 19, 19, 19, 19)
    )
    sheet.title(label(layout, "audit_title", period=ctx.period.label, name=layout.text("organisation")))
    sheet.note(label(layout, "audit_note", target=da_pct_number(target)))
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    sheet.section(label(layout, "targets"))
    columns = audit_measure_columns(layout, with_whole=False)
    sheet.header([col.heading for col in columns])
    rows = audit_measure_rows(layout, audit.total, None, target)
    for i, (values, fills) in enumerate(rows):  # three sample measures, then all decisions
        state = (
            hide.state(("samples", "total"), count(audit.total, "samples"))
            if i < len(rows) - 1
            else hide.state(("decisions", "audit_total"), count(audit.total, "decisions"))
        )
        values, fills = hide.mask(values[:-1], fills[:-1], [2, 3, 4, 5], state)
        sheet.values(values, [col.kind for col in columns], fills)
    sheet.skip()
    sheet.section(label(layout, "audit_by_area"))
    columns = audit_group_columns(layout, layout.text("columns.area_code"))
    sheet.header([col.heading for col in columns])

    def group(
        name: str, row: pd.Series | None, key: tuple[str, ...], samples: tuple[str, ...]
    ) -> tuple[list[Any], list[str | None]]:
        """Name | samples | 3 sample shares | decisions | decisions' share; the samples and the
        decisions are two groups of cases, each hidden as the plan says (``samples``: the
        "samples" family; ``key``: the decisions, as the decision sheets hide them)."""
        values, fills = audit_group_values(name, row, target)
        values, fills = hide.mask(values, fills, [1, 2, 3, 4], hide.state(samples, count(row, "samples")))
        return hide.mask(values, fills, [5, 6], hide.state(key, count(row, "decisions")))

    for area in AUDIT_AREAS:
        values, fills = group(
            area,
            first_row(audit.by_area, "case_area_code", area),
            ("decisions", "area", area),
            ("samples", "area", area),
        )
        sheet.values(values, [col.kind for col in columns], fills)
    sheet.skip()
    sheet.section(label(layout, "audit_by_unit"))

    def line(row: pd.Series | None, code: str | None) -> tuple[list[Any], list[str | None]]:
        key = ("decisions", "audit_total") if code is None else ("decisions", "audit", code)
        values, fills = group("", row, key, _key("samples", "unit", code))
        return values[1:], fills[1:]

    _unit_table(sheet, layout, ctx, audit_group_columns(layout, "")[1:], audit.by_unit, line, audit.total)
    sheet.skip()
    if sum(audit.reason_counts(None).values()):
        write_audit_reasons(sheet, layout, audit, None)
    else:  # a table of zeros would take a page of its own in print: say it in a line
        sheet.section(label(layout, "audit_reasons_title"))
        sheet.note("Ingen stikprøver er udeladt af målingen i perioden.")
    hide.finish()


def write_committee_contract(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    figures = ctx.contract
    assert figures is not None
    sheet = Sheet(workbook, styles, layout.text("sheets.contract"), widths=(44, 30, 16, 14, 18, 18, 22))
    title, rule = contract_heading(layout, figures)
    sheet.title(title)
    sheet.note(rule)
    hide = SheetSuppression(sheet, ctx.suppress_below, plan)
    sheet.skip()
    handling = figures.handling
    capped = handling[handling["max"].notna().to_numpy()]
    total = pd.Series(
        {
            "received": int(handling["received"].sum()),
            "max": int(capped["max"].sum()) if len(capped) else None,
            "expected_so_far": capped["expected_so_far"].sum() if len(capped) else None,
            "projected": handling["projected"].sum(),
        }
    )

    def line(row: pd.Series | None, code: str | None) -> tuple[list[Any], list[str | None]]:
        if row is total:  # the whole administration: sums, no status of its own
            return [*pace_values(layout, row)[0][:4], None], [None] * 5
        # the count received carries the status (symbol and colour), never the maximum (D20);
        # the word beside it says which, as in the unit workbook
        return pace_values(layout, row)

    # Not suppressed: the count against the contract's maximum (often under 5) is the figure
    # the contract is followed up on, and a bare count per unit tells nothing about a citizen.
    _unit_table(sheet, layout, ctx, pace_columns(layout), handling, line, total)
    sheet.skip()

    sheet.section(label(layout, "per_1000_title", period=ctx.period.label))
    sheet.note(label(layout, "per_1000_note"))

    def per_1000(
        name: str, row: pd.Series | None, kind: str, code: str | None
    ) -> tuple[list[Any], list[str | None]]:
        """Name | complaints | decisions | per 1,000: the complaints received and the decisions
        (which the decision sheets publish too) each hidden as the plan says; the rate with
        either."""
        fills: list[str | None] = [None] * 4
        values = per_1000_values(name, row)
        received = hide.state(_key("received", kind, code), count(row, "complaints"))
        decided = hide.state(_key("decisions", kind, code), count(row, "decisions"))
        values, fills = hide.mask(values, fills, [1, 3], received)
        return hide.mask(values, fills, [2] if received else [2, 3], decided)

    columns = per_1000_columns(layout, "")[1:]

    def unit_line(row: pd.Series | None, code: str | None) -> tuple[list[Any], list[str | None]]:
        values, fills = per_1000("", row, "unit", code)
        return values[1:], fills[1:]

    _unit_table(sheet, layout, ctx, columns, figures.per_1000_by_unit, unit_line, figures.per_1000_total)
    sheet.skip()
    columns = per_1000_columns(layout, layout.text("columns.case_area"))
    sheet.header([col.heading for col in columns])
    kinds = [col.kind for col in columns]
    areas = figures.per_1000_by_area
    by_area = ctx.current.by_area
    names = dict(zip(by_area["case_area_code"].astype(str), by_area["area_name"].astype(str), strict=False))
    for i in range(len(areas)):  # one row per case area, by name (a politician reads names)
        row = areas.iloc[i]
        code = area_text(layout, row["case_area_code"])
        values, fills = per_1000(names.get(code, code), row, "area", str(row["case_area_code"]))
        sheet.values(values, kinds, fills)
    values, fills = per_1000(layout.text("total"), figures.per_1000_total, "area", None)
    sheet.values(values, kinds, fills, bold=True)
    sheet.skip()

    if ctx.surge is not None:
        sheet.section(label(layout, "surge_alerts_title", period=ctx.period.label))
        sheet.note(surge_note(layout, ctx.surge))
        alerts = ctx.surge.alerts
        # words a reader uses: the month, the complaints received against the normal level
        # (the mean of the 12 months before); the rule's probability is in the note, not a
        # column of numbers in scientific notation
        spec = (("month", "text"), ("received", "int"), ("baseline", "dec"))
        heads = [
            Column(layout.text("columns.unit_code")),
            Column(layout.text("columns.unit_name")),
            *(Column(label(layout, f"columns.{k}"), kind) for k, kind in spec),
        ]
        names = layout.get("months")
        rows = [
            [code, ctx.unit_name(code), month_label(month, names), int(n), float(base)]
            for code, month, n, base in zip(
                alerts["unit_code"], alerts["month"], alerts["count"], alerts["baseline"], strict=False
            )
        ]
        masked = [hide.mask(r, [None] * 5, [3, 4], hide.small(r[3])) for r in rows]
        sheet.table(heads, [r for r, _ in masked], [f for _, f in masked], autofilter=False)
        if not rows:
            sheet.note(label(layout, "no_surges"))
    hide.finish()


def write_committee_follow_up(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    """Klager, Ankestyrelsen, Tilsyn and Resultatkontrakt (those measured); ``plan``: the
    workbook's hidden groups (committee_suppression.py; default: worked out from ctx)."""
    if plan is None:
        from sagstid.report.committee_suppression import committee_plan

        plan = committee_plan(ctx)
    if ctx.complaints is not None:
        write_committee_complaints(workbook, styles, layout, ctx, plan)
        write_committee_appeals(workbook, styles, layout, ctx, plan)
    if ctx.audit is not None:
        write_committee_audit(workbook, styles, layout, ctx, plan)
    if ctx.contract is not None:
        write_committee_contract(workbook, styles, layout, ctx, plan)
