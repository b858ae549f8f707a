"""The unit workbook's sheets Klager (complaints, Ankestyrelsen, the performance contract, the
surge alert and the unit's late complaints) and Kvalitet (the work-capacity audit).

``ctx`` is already cut to the unit (``RunMeasurement.for_unit``): its complaint rows are the
unit's own late complaints, its other figures aggregates.
"""

from __future__ import annotations

import pandas as pd
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
    judged,
    label,
    pace_columns,
    pace_values,
    per_1000_columns,
    per_1000_values,
    write_audit_areas,
    write_audit_reasons,
    write_complaint_targets,
    write_kind_table,
)
from sagstid.report.unit_overview import period_words
from sagstid.report.xlsx import (
    Layout,
    Sheet,
    Styles,
    da_number,
    da_pct_number,
    get,
    met_state,
    month_label,
    months_between,
)


def write_unit_complaints(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str
) -> list[int]:
    """Write Klager; returns the rows (0-based) before which a printed page should break: each
    of the long tables (per 1.000 decisions, the months) starts on a page of its own."""
    c = ctx.complaints
    assert c is not None
    t = ctx.targets
    sheet = Sheet(workbook, styles, layout.text("sheets.complaints"), widths=COMPLAINT_WIDTHS)
    name = ctx.unit_name(code)
    breaks: list[int] = []
    sheet.title(label(layout, "complaints_title", period=period_words(ctx.period), name=name))
    sheet.note_wrapped(label(layout, "complaints_note", target=da_pct_number(t.complaints)))
    sheet.note(f"Klager besvaret efter fristen står på arket '{LATE_SHEET}'.")
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
    sheet.note_wrapped(label(layout, "appeals_note", target=da_pct_number(t.appeal_confirmed)))
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
    # the confirmation rate is judged against its target here as on Overblik and in the
    # targets table above: the same shown figure and the same status
    own_pct = get(own_appeals, "confirmed_pct")
    state = met_state(own_pct, t.appeal_confirmed)
    sheet.values(
        [
            label(layout, "confirmed_pct"),
            judged(own_pct, t.appeal_confirmed),
            judged(whole["confirmed_pct"], t.appeal_confirmed),
        ],
        ["text", "pct", "pct"],
        [None, state, None],
        bold=True,
    )
    sheet.skip()

    if ctx.contract is not None:
        title, rule = contract_heading(layout, ctx.contract)
        sheet.section(title)
        sheet.note_wrapped(rule)
        # a label first, so the judged count stands in a figure column (not under the wide
        # label column) with its status beside it
        columns = [Column("Klager"), *pace_columns(layout)]
        values, fills = pace_values(layout, first_row(ctx.contract.handling, "unit_code", code))
        sheet.header([col.heading for col in columns], kinds=[col.kind for col in columns])
        sheet.values(
            ["Formalitetsklager (klager over sagsbehandlingen)", *values],
            [col.kind for col in columns],
            [None, *fills],
        )
        sheet.skip()
        breaks.append(sheet.row)
        _per_1000(sheet, layout, ctx, code)
    if ctx.surge is not None:
        if sheet.row - (breaks[-1] if breaks else 0) + SURGE_ROWS > PAGE_ROWS:
            breaks.append(sheet.row)  # the months do not fit under the table above: a page of their own
        sheet.section("Klager modtaget pr. måned: usædvanligt mange klager?")
        sheet.note_wrapped(
            "Usædvanligt mange klager: langt flere end enhedens normale niveau (gennemsnittet af de "
            "foregående måneder); se Metode. Klagerne er talt efter modtagelsesdato.",
        )
        _surge_months(sheet, layout, ctx)
        sheet.skip()
    return breaks


LATE_SHEET = "Klager besvaret for sent"
COMPLAINT_WIDTHS = (58, 13, 14, 14, 12, 13, 14, 13, 16)  # A: the longest area name
PAGE_ROWS = 40  # rows of about 20 px on one printed page of Klager (scale about 77 %)
SURGE_ROWS = 20  # the months table: title, note, header and twelve months


def _surge_months(sheet: Sheet, layout: Layout, ctx: RunMeasurement) -> None:
    """Month | Klager modtaget | Normalt niveau | Usædvanligt mange klager (in words, no
    probabilities; only the 'Ja' cell is marked)."""
    assert ctx.surge is not None
    names = layout.get("months")
    months = months_between(ctx.period.start, ctx.period.end)
    frame = ctx.surge.months.set_index("month").reindex(months)
    columns = [
        Column("Måned"),
        Column("Klager modtaget", "int"),
        Column("Normalt niveau (klager pr. måned)", "dec"),
        Column("Usædvanligt mange klager", "center"),
    ]
    flagged = frame["flagged"].fillna(False).astype(bool).tolist()
    counts = frame["count"].fillna(0).astype(int).tolist()
    baseline = [None if pd.isna(v) else float(v) for v in frame["baseline"].tolist()]
    words = [
        f"Ja: {n} mod normalt {da_number(b or 0, 1)}" if f else "Nej"
        for f, n, b in zip(flagged, counts, baseline, strict=False)
    ]
    rows = zip([month_label(m, names) for m in months], counts, baseline, words, strict=False)
    fills = [[None, None, None, "not_met" if f else None] for f in flagged]
    sheet.table(columns, rows, fills, autofilter=False)


def _per_1000(sheet: Sheet, layout: Layout, ctx: RunMeasurement, code: str) -> None:
    figures = ctx.contract
    assert figures is not None
    sheet.section(label(layout, "per_1000_title", period=period_words(ctx.period)))
    sheet.note_wrapped(label(layout, "per_1000_note"))
    columns = per_1000_columns(layout, "Sagsområde")
    columns[1] = Column("Klager modtaget", "int")
    sheet.header([col.heading for col in columns], kinds=[col.kind for col in columns])
    kinds = [col.kind for col in columns]
    areas = figures.per_1000_by_unit_area
    for row in (areas.iloc[i] for i in range(len(areas))):  # the unit's areas: a few rows
        sheet.values(per_1000_values(_area_name(ctx, row["case_area_code"], layout), row), kinds)
    sheet.values(
        per_1000_values(layout.text("total"), first_row(figures.per_1000_by_unit, "unit_code", code)),
        kinds,
        bold=True,
    )
    sheet.values(per_1000_values(layout.text("whole_administration"), figures.per_1000_total), kinds)
    sheet.skip()


def _area_name(ctx: RunMeasurement, code: object, layout: Layout) -> str:
    names = ctx.current.by_area.set_index("case_area_code")["area_name"]
    text = area_text(layout, code)
    return str(names.get(text, text))


def write_unit_audit(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str
) -> None:
    audit = ctx.audit
    assert audit is not None
    target = ctx.targets.audit
    sheet = Sheet(workbook, styles, layout.text("sheets.audit"), widths=(58, 12, 17, 17, 17, 14, 18))
    sheet.title(label(layout, "audit_title", period=period_words(ctx.period), name=ctx.unit_name(code)))
    sheet.note_wrapped(label(layout, "audit_note", target=da_pct_number(target)))
    sheet.skip()
    own = first_row(audit.by_unit, "unit_code", code)
    sheet.section(label(layout, "targets"))
    columns = audit_measure_columns(layout, with_whole=True)
    sheet.header([col.heading for col in columns], kinds=[col.kind for col in columns])
    for values, fills in audit_measure_rows(layout, own, audit.total, target):
        sheet.values(values, [col.kind for col in columns], fills)
    if own is None or not own["samples"]:
        sheet.note(label(layout, "no_samples"))
    sheet.skip()
    sheet.section(label(layout, "audit_by_area"))
    from sagstid.validate.audit import AUDIT_AREAS

    names = {a: _area_name(ctx, a, layout) for a in AUDIT_AREAS}
    names = {a: n if n == a else f"{n} ({a})" for a, n in names.items()}
    write_audit_areas(sheet, layout, audit.by_unit_area, own, target, names=names)
    sheet.skip()
    write_audit_reasons(sheet, layout, audit, code)
