"""The unit workbook: one centre's deadline figures for its manager, in Danish.

Sheets: Overblik, Sagsområder, Månedlig udvikling, Overskredne frister, Klager and Kvalitet
(complaints and the audit, when measured; see unit_follow_up.py), Datakvalitet, Metode, then one
small sheet per case area (named by its code) with that area's months. The sheet
writers that the committee workbook shares (targets, key figures, areas, months, data quality,
method) are public here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.config import Targets
from sagstid.measure.run import RunMeasurement
from sagstid.report.flow_sheet import write_flow_sheet
from sagstid.report.labels import with_deadline_text
from sagstid.report.quality_notes import write_data_notes
from sagstid.report.unit_cut import cut_to_unit
from sagstid.report.unit_follow_up import write_unit_audit, write_unit_complaints
from sagstid.report.worklist import write_held_sheet, write_open_summary, write_worklist
from sagstid.report.xlsx import (
    EXCEL_MAX_ROWS,
    Column,
    Layout,
    Sheet,
    Styles,
    count,
    da_date,
    da_number,
    da_pct_number,
    excel_serials,
    first_row,
    fix_properties,
    fraction,
    frame_rows,
    is_missing,
    line_chart,
    load_layout,
    met_state,
    month_label,
    months_between,
    number,
    open_workbook,
    sheet_name,
    text_list,
)
from sagstid.validate.decisions import DECISION_REASONS, STATUSES

CONSTANT_MEMORY_ROWS = 20_000  # more exceeded decisions than this: write in constant_memory mode
UNIT_SHEETS = ("overview", "areas", "monthly", "exceeded", "complaints", "audit", "quality", "method")
KEY_FIGURES: dict[str, str] = {
    "decisions": "int",
    "within_deadline": "int",
    "exceeded": "int",
    "exceeded_notified": "int",
    "mean_days": "dec",
    "median_days": "dec",
    "p80_days": "dec",
    "p90_days": "dec",
    "mean_working_days": "dec",
    "median_working_days": "dec",
}
# (layout column key, field of the area frame, kind, width)
AREA_COLUMNS: tuple[tuple[str, str, str, float], ...] = (
    ("area_code", "case_area_code", "text", 13),
    ("area_name", "area_name", "text", 40),
    ("deadline", "deadline_text", "text", 16),
    ("decisions", "decisions", "int", 11),
    ("within", "within_deadline", "int", 11),
    ("compliance", "compliance_pct", "pct", 13),
    ("previous_pct", "previous_pct", "pct", 13),
    ("change", "change_pp", "pp", 13),
    ("exceeded", "exceeded", "int", 12),
    ("notified", "exceeded_notified", "int", 13),
    ("notice_pct", "notice_pct", "pct", 13),
    ("mean_days", "mean_days", "dec", 10),
    ("median_days", "median_days", "dec", 10),
    ("p80_days", "p80_days", "dec", 10),
    ("p90_days", "p90_days", "dec", 10),
)
PCT_FIELDS = frozenset({"compliance_pct", "previous_pct", "notice_pct"})


@dataclass(frozen=True)
class TargetFigures:
    """The figures behind the three targets, for one unit or the whole administration."""

    decisions: int
    within: int
    exceeded: int
    notified: int
    general: float | None
    notice: float | None
    areas: int
    areas_below: int
    lowest: float | None
    lowest_code: str | None
    lowest_name: str | None


def target_figures(metrics: pd.Series | None, areas: pd.DataFrame, concrete: float) -> TargetFigures:
    """Target figures from pooled ``metrics`` and per-area rows (with area_name)."""
    pct = areas["compliance_pct"]
    lowest = areas.loc[pct.idxmin()] if len(areas) else None  # type: ignore[call-overload]
    return TargetFigures(
        decisions=count(metrics, "decisions"),
        within=count(metrics, "within_deadline"),
        exceeded=count(metrics, "exceeded"),
        notified=count(metrics, "exceeded_notified"),
        general=number(metrics, "compliance_pct"),
        notice=number(metrics, "notice_pct"),
        areas=len(areas),
        areas_below=int((pct < concrete - 1e-9).sum()),
        lowest=None if lowest is None else float(lowest["compliance_pct"]),
        lowest_code=None if lowest is None else str(lowest["case_area_code"]),
        lowest_name=None if lowest is None else str(lowest["area_name"]),
    )


def subtitle(layout: Layout, ctx: RunMeasurement) -> str:
    return layout.text(
        "titles.subtitle",
        start=da_date(ctx.period.start),
        end=da_date(ctx.period.end),
        previous=ctx.previous_period.label,
    )


# --- shared sheet parts ---------------------------------------------------------------------


def _target_notes(layout: Layout, targets: Targets, f: TargetFigures) -> list[str]:
    if f.decisions == 0:
        none = layout.text("no_decisions")
        return [none, none, none]
    general = layout.text("notes.general", within=da_number(f.within), decisions=da_number(f.decisions))
    concrete = layout.text(
        "notes.concrete_lowest",
        below=f.areas_below,
        areas=f.areas,
        concrete=da_pct_number(targets.concrete),
        code=f.lowest_code,
        name=f.lowest_name,
    )
    notice = (
        layout.text("notes.delay_notice", notified=da_number(f.notified), exceeded=da_number(f.exceeded))
        if f.exceeded
        else layout.text("notes.no_exceeded")
    )
    return [general, concrete, notice]


def write_targets_table(
    sheet: Sheet,
    layout: Layout,
    targets: Targets,
    previous_label: str,
    now: TargetFigures,
    before: TargetFigures,
    whole: TargetFigures | None = None,
) -> None:
    """Mål | Målsætning | Denne periode | Forrige periode | Opfyldt | [Hele forvaltningen] | Bemærkning."""
    headings = [
        layout.text("columns.target"),
        layout.text("columns.goal"),
        layout.text("columns.current"),
        layout.text("columns.previous", period=previous_label),
        layout.text("columns.met"),
    ]
    if whole is not None:
        headings.append(layout.text("columns.whole"))
    sheet.header(headings + [layout.text("columns.note")])
    rows: tuple[tuple[str, float, Callable[[TargetFigures], float | None]], ...] = (
        ("general", targets.general, lambda f: f.general),
        ("concrete", targets.concrete, lambda f: f.lowest),
        ("delay_notice", targets.delay_notice, lambda f: f.notice),
    )
    for (key, goal, pick), note in zip(rows, _target_notes(layout, targets, now), strict=False):
        state = met_state(pick(now), goal)
        values = [
            layout.text(f"targets.{key}"),
            fraction(goal),
            fraction(pick(now)),
            fraction(pick(before)),
            layout.text(state or "not_applicable"),
        ]
        kinds, fills = ["text", "goal", "pct", "pct", "text"], [None, None, state, None, state]
        if whole is not None:
            values.append(fraction(pick(whole)))
            kinds.append("pct")
            fills.append(None)
        sheet.values(values + [note], kinds + ["text"], fills + [None])


def write_key_figures(
    sheet: Sheet, layout: Layout, headings: Sequence[str], series: Sequence[pd.Series | None]
) -> None:
    """Nøgletal with one column per metrics series (this period, previous, ...)."""
    sheet.header([layout.text("titles.key_figures"), *headings])
    for key, kind in KEY_FIGURES.items():
        pick = count if kind == "int" else number
        sheet.values(
            [layout.text(f"key_figures.{key}"), *(pick(s, key) for s in series)],
            ["text"] + [kind] * len(series),
        )


def area_frame(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per-area metrics with the previous period's compliance, the change and the deadline."""
    prev = previous[["case_area_code", "compliance_pct"]].rename(columns={"compliance_pct": "previous_pct"})
    out = current.merge(prev, on="case_area_code", how="left")
    out["change_pp"] = out["compliance_pct"] - out["previous_pct"]
    return out.sort_values("case_area_code", kind="stable").reset_index(drop=True)


def _as_fractions(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for field in PCT_FIELDS & set(out.columns):
        out[field] = out[field] / 100.0
    return out


def write_area_table(
    sheet: Sheet,
    layout: Layout,
    targets: Targets,
    areas: pd.DataFrame,
    total: pd.Series | None,
    previous_total: pd.Series | None,
    links: dict[str, str] | None = None,
) -> None:
    """One row per area, red where below the concrete target, and a total row."""
    columns = [Column(layout.text(f"columns.{key}"), kind, width) for key, _, kind, width in AREA_COLUMNS]
    fields = [field for _, field, _, _ in AREA_COLUMNS]
    kinds = [c.kind for c in columns]
    header = sheet.header([c.heading for c in columns])
    below = (areas["compliance_pct"] < targets.concrete - 1e-9).tolist()
    for area_row, is_below in zip(frame_rows(_as_fractions(areas), fields), below, strict=False):
        fill = "not_met" if is_below else None
        row = sheet.values(area_row, kinds, fill)
        if links and area_row[0] in links:
            sheet.link(links[area_row[0]], area_row[0], row=row, fill=fill)
    if len(areas):
        sheet.ws.autofilter(header, 0, sheet.row - 1, len(columns) - 1)
    sheet.ws.freeze_panes(header + 1, 2)
    if total is not None:
        summary = {field: total.get(field) for field in fields}
        summary["previous_pct"] = number(previous_total, "compliance_pct")
        if summary["previous_pct"] is not None:
            summary["change_pp"] = float(total["compliance_pct"]) - summary["previous_pct"]
        summary.update(case_area_code=layout.text("total"), area_name=None, deadline_text=None)
        values: list[Any] = [summary.get(field) for field in fields]
        values = [
            v / 100.0 if f in PCT_FIELDS and not is_missing(v) else v
            for f, v in zip(fields, values, strict=False)
        ]
        sheet.values(values, kinds, bold=True)


def write_monthly_table(
    sheet: Sheet,
    layout: Layout,
    months: Sequence[str],
    monthly: pd.DataFrame,
    target: float,
    whole: pd.DataFrame | None = None,
) -> tuple[int, int]:
    """Måned | Afgørelser | Inden for frist | Overholdelse | Målsætning | [Hele forvaltningen] |
    Overskredet | Heraf underrettet i tide | Gns. dage, one row per month of the period
    (months without decisions included). Returns the first and last data row."""
    names = layout.get("months")
    frame = monthly.set_index("month").reindex(list(months))
    headings = ["month", "decisions", "within", "compliance", "goal_line"]
    kinds = ["text", "int", "int", "pct", "goal"]
    if whole is not None:
        headings.append("whole")
        kinds.append("pct")
        whole_pct = whole.set_index("month")["compliance_pct"].reindex(list(months)).tolist()
    headings += ["exceeded", "notified", "mean_days"]
    kinds += ["int", "int", "dec"]
    sheet.header([layout.text(f"columns.{h}") for h in headings])
    first = sheet.row
    for i, month in enumerate(months):
        m: pd.Series = frame.loc[month]  # type: ignore[assignment]
        pct = m.get("compliance_pct")
        values = [
            month_label(month, names),
            count(m, "decisions"),
            count(m, "within_deadline"),
            fraction(pct),
            fraction(target),
        ]
        fills: list[str | None] = [
            None,
            None,
            None,
            "not_met" if met_state(pct, target) == "not_met" else None,
            None,
        ]
        if whole is not None:
            values.append(fraction(whole_pct[i]))
            fills.append(None)
        values += [count(m, "exceeded"), count(m, "exceeded_notified"), number(m, "mean_days")]
        sheet.values(values, kinds, fills + [None, None, None])
    return first, sheet.row - 1


def add_monthly_chart(
    workbook: Workbook,
    sheet: Sheet,
    layout: Layout,
    first: int,
    last: int,
    with_whole: bool,
    at_row: int,
    at_col: int,
) -> None:
    """A line chart of the monthly compliance against the target (and the whole administration)."""
    series: list[tuple[str, int, dict[str, Any]]] = [
        (layout.text("columns.compliance"), 3, {"color": "#1F4E79", "width": 2.25}),
        (layout.text("columns.goal_line"), 4, {"color": "#C00000", "dash_type": "dash"}),
    ]
    if with_whole:
        series.append((layout.text("columns.whole"), 5, {"color": "#A5A5A5", "dash_type": "round_dot"}))
    chart = line_chart(
        workbook, sheet.name, layout.text("titles.chart"), (0, first, last), series, first, last
    )
    sheet.ws.insert_chart(at_row, at_col, chart)


def write_reason_table(sheet: Sheet, layout: Layout, counts: dict[str, int]) -> None:
    """Årsag | Antal | Forklaring for all six exclusion reasons (zeros included), and a total."""
    sheet.header(
        [layout.text("columns.reason"), layout.text("columns.count"), layout.text("columns.explanation")]
    )
    for reason in DECISION_REASONS:
        sheet.values(
            [
                layout.text(f"reasons.{reason}"),
                counts.get(reason, 0),
                layout.text(f"reason_explanations.{reason}"),
            ],
            ["text", "int", "text"],
        )
    sheet.values(
        [layout.text("total"), sum(counts.get(r, 0) for r in DECISION_REASONS), None],
        ["text", "int", "text"],
        bold=True,
    )


def write_accounting_table(sheet: Sheet, layout: Layout, counts: dict[str, int], name: str) -> None:
    """Status | Antal for every source row (målt, udeladt, åben, uden for perioden) and the sum."""
    sheet.header([layout.text("columns.status"), layout.text("columns.count")])
    for status in STATUSES:
        sheet.values([layout.text(f"statuses.{status}"), counts.get(status, 0)], ["text", "int"])
    total = sum(counts.get(s, 0) for s in STATUSES)
    sheet.values([layout.text("total"), total], ["text", "int"], bold=True)
    sheet.skip()
    sheet.note(
        layout.text(
            "titles.accounting_note",
            name=name,
            total=da_number(total),
            **{s: da_number(counts.get(s, 0)) for s in STATUSES},
        )
    )


def write_method_sheet(
    workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, unit: str | None = None
) -> Sheet:
    """Metode: period, comparison period, targets, rules, catalogue version, run time, source."""
    sheet = Sheet(workbook, styles, layout.text("sheets.method"), widths=(26, 120))
    sheet.title(layout.text("titles.method"))
    sheet.skip()
    t = ctx.targets
    goals = {
        "general": da_pct_number(t.general),
        "concrete": da_pct_number(t.concrete),
        "delay_notice": da_pct_number(t.delay_notice),
    }
    sheet.header([layout.text("columns.item"), layout.text("columns.value")])
    items: list[tuple[str, object, str]] = []
    if unit is not None:
        items.append(("unit", unit, "text"))
    for key, period in (("period", ctx.period), ("previous", ctx.previous_period)):
        items.append(
            (
                key,
                layout.text(
                    "method.period_value",
                    label=period.label,
                    start=da_date(period.start),
                    end=da_date(period.end),
                ),
                "text",
            )
        )
    items += [
        ("targets", layout.text("method.targets_value", **goals), "text"),
        ("catalogue", ctx.catalogue_version, "text"),
        ("run", ctx.as_of or ctx.period.end, "date"),
        ("source", ctx.source, "text"),
    ]
    for key, value, kind in items:
        sheet.values([layout.text(f"method.{key}"), value], ["text", kind])
    sheet.skip()
    sheet.section(layout.text("method.rules_title"))
    wrap = styles.get("text", wrap=True)
    for rule in layout.get("method.rules"):
        sheet.line(str(rule).format(**goals), wrap, col=1)
    return sheet


# --- unit-only sheets -----------------------------------------------------------------------


def _overview(workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str) -> None:
    sheet = Sheet(workbook, styles, layout.text("sheets.overview"), widths=(48, 13, 14, 18, 14, 18, 70))
    sheet.title(layout.text("titles.unit", period=ctx.period.label, unit_name=ctx.unit_name(code)))
    sheet.note(subtitle(layout, ctx))
    sheet.skip()
    concrete = ctx.targets.concrete
    now_metrics = first_row(ctx.current.by_unit, "unit_code", code)
    before_metrics = first_row(ctx.previous.by_unit, "unit_code", code)
    now = target_figures(now_metrics, ctx.current.by_unit_area, concrete)
    before = target_figures(before_metrics, ctx.previous.by_unit_area, concrete)
    whole = target_figures(ctx.current.total, ctx.current.by_area, concrete)
    sheet.section(layout.text("titles.targets"))
    write_targets_table(sheet, layout, ctx.targets, ctx.previous_period.label, now, before, whole)
    sheet.skip()
    headings = [
        layout.text("columns.current"),
        layout.text("columns.previous", period=ctx.previous_period.label),
        layout.text("columns.whole"),
    ]
    write_key_figures(sheet, layout, headings, [now_metrics, before_metrics, ctx.current.total])
    sheet.skip()
    if ctx.snapshot is not None:
        write_open_summary(sheet, ctx.snapshot, code)
        sheet.skip()
    sheet.note(layout.text("titles.legend"))


def _areas(
    workbook: Workbook,
    styles: Styles,
    layout: Layout,
    ctx: RunMeasurement,
    code: str,
    areas: pd.DataFrame,
    links: dict[str, str],
) -> None:
    sheet = Sheet(workbook, styles, layout.text("sheets.areas"), widths=[w for *_, w in AREA_COLUMNS])
    sheet.title(layout.text("titles.areas", period=ctx.period.label, name=ctx.unit_name(code)))
    sheet.note(layout.text("titles.areas_note", concrete=da_pct_number(ctx.targets.concrete)))
    sheet.skip()
    write_area_table(
        sheet,
        layout,
        ctx.targets,
        areas,
        first_row(ctx.current.by_unit, "unit_code", code),
        first_row(ctx.previous.by_unit, "unit_code", code),
        links,
    )


def _monthly(workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str) -> None:
    sheet = Sheet(
        workbook, styles, layout.text("sheets.monthly"), widths=(16, 11, 11, 13, 12, 14, 12, 13, 10)
    )
    sheet.title(layout.text("titles.monthly", period=ctx.period.label, name=ctx.unit_name(code)))
    sheet.skip()
    first, last = write_monthly_table(
        sheet,
        layout,
        months_between(ctx.period.start, ctx.period.end),
        ctx.current.by_unit_month,
        ctx.targets.general,
        whole=ctx.current.by_month,
    )
    add_monthly_chart(workbook, sheet, layout, first, last, True, at_row=first - 1, at_col=10)


def _exceeded_columns(layout: Layout) -> list[Column]:
    spec = (
        ("case_id", "text", 20),
        ("case_area", "text", 14),
        ("received", "date", 12),
        ("deadline_date", "date", 12),
        ("decided", "date", 12),
        ("days_over", "int", 10),
        ("notice_in_time", "text", 13),
        ("notice_date", "date", 14),
    )
    return [Column(layout.text(f"columns.{key}"), kind, width) for key, kind, width in spec]


def exceeded_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """The decisions that exceeded their deadline, most days over first."""
    late = cases[cases["exceeded"].to_numpy()]
    return late.sort_values(
        ["days_over", "case_id", "decision_id"],
        ascending=[False, True, True],
        kind="stable",
        na_position="last",
    )


def _exceeded(workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str) -> None:
    """Every exceeded decision, written row by row from lists prepared once (the big sheet).

    Whether a delay notice was sent is the notice date column itself (blank: none; its filter
    selects the blanks), not a Ja/Nej column beside it that says the same in another cell."""
    columns = _exceeded_columns(layout)
    sheet = Sheet(workbook, styles, layout.text("sheets.exceeded"), widths=[c.width for c in columns])
    late = exceeded_cases(ctx.current.cases)
    count = len(late)
    sheet.title(
        layout.text(
            "titles.exceeded", period=ctx.period.label, name=ctx.unit_name(code), count=da_number(count)
        )
    )
    room = EXCEL_MAX_ROWS - (sheet.row + 3)
    sheet.note(
        layout.text("titles.exceeded_note")
        if count <= room
        else layout.text("titles.exceeded_truncated", shown=da_number(room), count=da_number(count))
    )
    sheet.skip()
    header = sheet.header([c.heading for c in columns])
    if not count:
        sheet.note(layout.text("titles.exceeded_none"))
        return
    late = late.iloc[:room]
    yes, no = layout.text("answer_yes"), layout.text("answer_no")
    data = zip(
        text_list(late["case_id"]),
        text_list(late["case_area_code"]),
        excel_serials(late["received_date"]),
        excel_serials(late["deadline_date"]),
        excel_serials(late["decided_date"]),
        late["days_over"].astype(np.int64).tolist(),
        np.where(late["notice_in_time"].to_numpy(dtype=bool), yes, no).tolist(),
        excel_serials(late["delay_notice_date"]),
        strict=False,
    )
    text_f, date_f, int_f = styles.get("text"), styles.get("date"), styles.get("int")
    write_string, write_number = sheet.ws.write_string, sheet.ws.write_number
    row = header
    for row, (case, area, received, deadline, decided, over, in_time, told_on) in enumerate(
        data, start=header + 1
    ):
        if case is not None:
            write_string(row, 0, case, text_f)
        write_string(row, 1, area, text_f)
        write_number(row, 2, received, date_f)
        write_number(row, 3, deadline, date_f)
        write_number(row, 4, decided, date_f)
        write_number(row, 5, over, int_f)
        write_string(row, 6, in_time, text_f)
        if told_on is not None:
            write_number(row, 7, told_on, date_f)
    sheet.row = row + 1
    sheet.ws.autofilter(header, 0, row, len(columns) - 1)
    sheet.ws.freeze_panes(header + 1, 1)


def _quality(workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str) -> None:
    sheet = Sheet(workbook, styles, layout.text("sheets.quality"), widths=(34, 12, 110))
    name = ctx.unit_name(code)
    sheet.title(layout.text("titles.quality", period=ctx.period.label, name=name))
    sheet.skip()
    sheet.section(layout.text("titles.reasons"))
    write_reason_table(sheet, layout, ctx.current.reason_counts(code))
    sheet.skip()
    sheet.section(layout.text("titles.accounting"))
    write_accounting_table(sheet, layout, ctx.current.status_counts(), name)
    write_data_notes(sheet, layout, ctx, code)


def _area_sheet(
    workbook: Workbook,
    styles: Styles,
    layout: Layout,
    ctx: RunMeasurement,
    name: str,
    area: pd.Series,
    monthly: pd.DataFrame,
) -> None:
    sheet = Sheet(workbook, styles, name, widths=(16, 11, 11, 13, 12, 12, 13, 10))
    concrete = ctx.targets.concrete
    sheet.title(layout.text("titles.area_sheet", code=area["case_area_code"], name=area["area_name"]))
    sheet.note(
        layout.text(
            "titles.area_sheet_note", deadline=area["deadline_text"], concrete=da_pct_number(concrete)
        )
    )
    sheet.link(layout.text("sheets.areas"), layout.text("titles.back_to_areas"))
    sheet.skip()
    write_monthly_table(sheet, layout, months_between(ctx.period.start, ctx.period.end), monthly, concrete)


def write_unit_workbook(path: Path, ctx: RunMeasurement, unit_code: str) -> None:
    """Write the workbook for one unit; ``ctx`` is cut to the unit (cut again here, to be safe)."""
    ctx = with_deadline_text(cut_to_unit(ctx, unit_code))
    layout = load_layout()
    used = {layout.text(f"sheets.{key}").lower() for key in UNIT_SHEETS}
    areas = area_frame(ctx.current.by_unit_area, ctx.previous.by_unit_area)
    links = {code: sheet_name(code, used) for code in areas["case_area_code"]}
    area_months = ctx.current.by_unit_area_month
    big = int(ctx.current.cases["exceeded"].sum()) > CONSTANT_MEMORY_ROWS
    name = ctx.unit_name(unit_code)
    with open_workbook(path, constant_memory=big) as (workbook, styles):
        fix_properties(workbook, ctx)
        snapshot = ctx.snapshot
        if snapshot is not None and ctx.worklist_first:
            write_worklist(
                workbook,
                styles,
                snapshot.cases(unit_code),
                unit_name=name,
                as_of=snapshot.as_of,
                horizon=snapshot.horizon,
                activate=True,
            )
        _overview(workbook, styles, layout, ctx, unit_code)
        _areas(workbook, styles, layout, ctx, unit_code, areas, links)
        _monthly(workbook, styles, layout, ctx, unit_code)
        _exceeded(workbook, styles, layout, ctx, unit_code)
        if ctx.complaints is not None:
            write_unit_complaints(workbook, styles, layout, ctx, unit_code)
        if ctx.audit is not None:
            write_unit_audit(workbook, styles, layout, ctx, unit_code)
        if snapshot is not None and not ctx.worklist_first:
            write_worklist(
                workbook,
                styles,
                snapshot.cases(unit_code),
                unit_name=name,
                as_of=snapshot.as_of,
                horizon=snapshot.horizon,
                activate=False,
            )
        if ctx.held is not None:
            write_held_sheet(
                workbook, styles, ctx.held, unit_code, unit_name=name, period_label=ctx.period.label
            )
        _quality(workbook, styles, layout, ctx, unit_code)
        write_method_sheet(workbook, styles, layout, ctx, unit=f"{unit_code} {ctx.unit_name(unit_code)}")
        for _, area in areas.iterrows():
            code = area["case_area_code"]
            monthly = area_months[area_months["case_area_code"] == code]
            _area_sheet(workbook, styles, layout, ctx, links[code], area, monthly)
        write_flow_sheet(workbook, styles, ctx.flow, unit_code, unit_name=name)
