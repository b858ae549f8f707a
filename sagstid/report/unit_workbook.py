"""The unit workbook: one centre's deadline figures for its manager, in Danish.

Sheets: Overblik, Sagsområder, Månedlig udvikling, Overskredne frister, Klager and Kvalitet
(complaints and the audit, when measured; see unit_follow_up.py), Datakvalitet, Metode, then one
small sheet per case area (named by its code) with that area's months. The sheet
writers that the committee workbook shares (targets, key figures, areas, months, data quality,
method) are public here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.config import Targets
from sagstid.measure.run import RunMeasurement
from sagstid.report.catalogue_sheets import write_default_areas
from sagstid.report.flow_sheet import write_flow_sheet
from sagstid.report.labels import with_deadline_text
from sagstid.report.quality_notes import write_data_notes
from sagstid.report.unit_cut import cut_to_unit
from sagstid.report.unit_follow_up import write_unit_audit, write_unit_complaints
from sagstid.report.worklist import write_held_sheet
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
    text_lines,
)
from sagstid.validate.decisions import DECISION_REASONS, STATUSES

# Unit workbooks are written in constant_memory mode (every sheet top to bottom): memory stays
# flat however long the case lists, and report/list_writer.py writes the lists' rows as XML.
CONSTANT_MEMORY = True
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


def write_reason_table(sheet: Sheet, layout: Layout, counts: dict[str, int], wrap: bool = False) -> None:
    """Årsag | Antal | Forklaring for all six exclusion reasons (zeros included), and a total."""
    sheet.header(
        [layout.text("columns.reason"), layout.text("columns.count"), layout.text("columns.explanation")],
        kinds=["text", "int", "text"],
    )
    width = sheet.widths[2] if wrap and len(sheet.widths) > 2 else None
    for reason in DECISION_REASONS:
        explanation = layout.text(f"reason_explanations.{reason}")
        if width is not None:  # the explanation wraps in its column, the row as tall as its lines
            sheet.ws.set_row(sheet.row, 15 * text_lines(explanation, width) + 1)
        row = sheet.values(
            [layout.text(f"reasons.{reason}"), counts.get(reason, 0), None], ["text", "int", "text"]
        )
        sheet.ws.write_string(row, 2, explanation, sheet.styles.get("text", wrap=width is not None))
    sheet.values(
        [layout.text("total"), sum(counts.get(r, 0) for r in DECISION_REASONS), None],
        ["text", "int", "text"],
        bold=True,
    )


def write_accounting_table(
    sheet: Sheet, layout: Layout, counts: dict[str, int], name: str, wrap: bool = False
) -> None:
    """Status | Antal for every source row (målt, udeladt, åben, uden for perioden) and the sum."""
    sheet.header([layout.text("columns.status"), layout.text("columns.count")], kinds=["text", "int"])
    for status in STATUSES:
        sheet.values([layout.text(f"statuses.{status}"), counts.get(status, 0)], ["text", "int"])
    total = sum(counts.get(s, 0) for s in STATUSES)
    sheet.values([layout.text("total"), total], ["text", "int"], bold=True)
    sheet.skip()
    (sheet.note_wrapped if wrap else sheet.note)(
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
        "complaints": da_pct_number(t.complaints),
        "appeals": da_pct_number(t.appeal_confirmed),
        "audit": da_pct_number(t.audit),
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
        lines = text_lines(str(value), sheet.widths[1]) if isinstance(value, str) else 1
        if lines > 1:  # a long value wraps in its column, the row as tall as its lines
            sheet.ws.set_row(sheet.row, 15 * lines + 1)
            row = sheet.values([layout.text(f"method.{key}"), None], ["text", "text"])
            sheet.ws.write_string(row, 1, str(value), styles.get("text", wrap=True))
        else:
            sheet.values([layout.text(f"method.{key}"), value], ["text", kind])
    sheet.skip()
    sheet.section(layout.text("method.rules_title"))
    wrap = styles.get("text", wrap=True)
    for rule in layout.get("method.rules"):
        text = str(rule).format(**goals)
        sheet.ws.set_row(sheet.row, 15 * max(1, math.ceil(len(text) / 105)))  # wrapped: its own height
        sheet.line(text, wrap, col=1)
    return sheet


# --- unit-only sheets -----------------------------------------------------------------------


def exceeded_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """The decisions that exceeded their deadline, most days over first."""
    late = cases[cases["exceeded"].to_numpy()]
    return late.sort_values(
        ["days_over", "case_id", "decision_id"],
        ascending=[False, True, True],
        kind="stable",
        na_position="last",
    )


# The unit's Datakvalitet speaks of the case system, not of its tables (the committee's labels
# stay as reports/layout.yaml has them).
QUALITY_WORDS = {
    "titles.accounting": "Alle afgørelser i sagssystemet for enheden",
    "titles.accounting_note": (
        "Alle {total} afgørelser i sagssystemet for {name} er talt med: målt ({measured}) + udeladt "
        "({excluded}) + ikke afgjort i dag ({open}) + uden for perioden ({out_of_period}) = {total}. "
        "Ingen er sorteret fra uden at blive talt."
    ),
    "reasons.duplicate_id": "Dobbelt afgørelses-id",
    "reason_explanations.duplicate_id": (
        "Samme afgørelses-id står mere end én gang i sagssystemet. Alle afgørelser med id'et udelades, "
        "da det ikke kan afgøres, hvilken der er rigtig."
    ),
    "statuses.open": "Ikke afgjort i dag (åben)",
}


def with_words(layout: Layout, words: dict[str, str]) -> Layout:
    """``layout`` with some labels replaced (dotted keys)."""
    import copy

    data = copy.deepcopy(layout.data)
    for key, text in words.items():
        node = data
        *path, last = key.split(".")
        for part in path:
            node = node[part]
        node[last] = text
    return Layout(data, layout.source)


def _quality(workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement, code: str) -> None:
    layout = with_words(layout, QUALITY_WORDS)
    sheet = Sheet(
        workbook, styles, layout.text("sheets.quality"), widths=(34, 18, 100, 10)
    )  # the data notes' 4 columns
    name = ctx.unit_name(code)
    from sagstid.report.unit_overview import period_words

    sheet.title(layout.text("titles.quality", period=period_words(ctx.period), name=name))
    sheet.skip()
    sheet.section(layout.text("titles.reasons"))
    write_reason_table(sheet, layout, ctx.current.reason_counts(code), wrap=True)
    sheet.skip()
    sheet.section(layout.text("titles.accounting"))
    write_accounting_table(sheet, layout, ctx.current.status_counts(), name, wrap=True)
    write_data_notes(sheet, layout, ctx, code, wrap=True)
    write_default_areas(sheet, layout, ctx.current.default_areas, code)


def _rank(ctx: RunMeasurement, unit_code: str) -> tuple[int, int] | None:
    """The unit's place among the units with decisions on general compliance (1 = highest)."""
    by_unit = ctx.current.by_unit.dropna(subset=["compliance_pct"])
    if unit_code not in set(by_unit["unit_code"]):
        return None
    own = float(by_unit.loc[by_unit["unit_code"] == unit_code, "compliance_pct"].iloc[0])
    if len(by_unit) < 2:  # a run already cut to the unit: no rank to tell
        return None
    return int((by_unit["compliance_pct"] > own + 1e-9).sum()) + 1, len(by_unit)


def write_unit_workbook(path: Path, ctx: RunMeasurement, unit_code: str) -> None:
    """Write the workbook for one unit; ``ctx`` is cut to the unit (cut again here, to be safe)."""

    from sagstid.report import printing
    from sagstid.report.action_list import write_action_list
    from sagstid.report.status import StatusFormats
    from sagstid.report.unit_follow_up import COMPLAINT_WIDTHS
    from sagstid.report.unit_overview import SHEETS, period_words, write_overview
    from sagstid.report.unit_sheets import (
        MONTH_HEADER_ROW,
        Formats,
        area_block_starts,
        finish_sheet,
        sheet_px,
        write_area_months,
        write_areas,
        write_exceeded,
        write_late_complaints_sheet,
        write_monthly,
    )

    rank = _rank(ctx, unit_code)
    ctx = with_deadline_text(cut_to_unit(ctx, unit_code))
    layout = load_layout()
    name = ctx.unit_name(unit_code)
    run_day = ctx.as_of or ctx.period.end
    info = printing.PrintInfo(f"Sagstidsmåling: {name}", period_words(ctx.period), run_day)
    area_rows, _ = area_block_starts(ctx, unit_code)
    n_months = len(months_between(ctx.period.start, ctx.period.end))
    monthly_rows = (MONTH_HEADER_ROW + 1, MONTH_HEADER_ROW + n_months)
    with open_workbook(path, constant_memory=CONSTANT_MEMORY) as (workbook, styles):
        fix_properties(workbook, ctx)
        workbook.set_properties(
            {**workbook.doc_properties, "title": f"Sagstidsmåling {ctx.period.label}: {name}"}
        )
        status = StatusFormats(workbook)
        fm = Formats(workbook)
        snapshot = ctx.snapshot
        area_names = dict(
            zip(
                ctx.current.by_area["case_area_code"].astype(str),
                ctx.current.by_area["area_name"].astype(str),
                strict=False,
            )
        )

        def actions(first: bool) -> None:
            if snapshot is None:
                return
            write_action_list(
                workbook,
                styles,
                status,
                fm,
                snapshot.cases(unit_code),
                area_names,
                unit_name=name,
                as_of=snapshot.as_of,
                horizon=snapshot.horizon,
                check_days=ctx.registration_check_days,
                previous_working_day=ctx.previous_working_day,
                info=info,
                full_list=ctx.worklist_first,
                activate=first,
                name=SHEETS["actions"],
            )

        if ctx.worklist_first:
            actions(True)
        write_overview(workbook, styles, status, ctx, unit_code, info, monthly_rows, area_rows, rank)
        if not ctx.worklist_first:
            actions(False)
        write_areas(workbook, styles, status, fm, ctx, unit_code, info, area_rows)
        write_monthly(workbook, styles, status, fm, ctx, unit_code, info)
        if ctx.complaints is not None:
            words = {
                "follow_up.note_medhold": "{medhold} af {judged} genvurderede klager gav medhold (intet mål)"
            }
            breaks = write_unit_complaints(workbook, styles, with_words(layout, words), ctx, unit_code)
            complaints_ws = workbook.get_worksheet_by_name(layout.text("sheets.complaints"))
            finish_sheet(complaints_ws, info, columns=9)
            # a fixed scale, so the page breaks before the long tables hold (fit-to-page ignores them)
            printing.setup_paged(complaints_ws, info, sheet_px(COMPLAINT_WIDTHS), breaks)
        if ctx.audit is not None:
            write_unit_audit(workbook, styles, layout, ctx, unit_code)
            finish_sheet(workbook.get_worksheet_by_name(layout.text("sheets.audit")), info, columns=7)
        if ctx.held is not None:
            write_held_sheet(
                workbook,
                styles,
                ctx.held,
                unit_code,
                unit_name=name,
                period_label=period_words(ctx.period),
                info=info,
                area_names=area_names,
                general_target=ctx.targets.general,
            )
        write_exceeded(workbook, styles, fm, ctx, unit_code, info, EXCEL_MAX_ROWS - 4)
        if ctx.complaints is not None:
            write_late_complaints_sheet(workbook, styles, layout, fm, ctx, unit_code, info)
        write_area_months(workbook, styles, status, fm, ctx, unit_code, info)
        _quality(workbook, styles, layout, ctx, unit_code)
        finish_sheet(workbook.get_worksheet_by_name(layout.text("sheets.quality")), info, columns=4)
        method = write_method_sheet(workbook, styles, layout, ctx, unit=f"{unit_code} {name}")
        finish_sheet(method.ws, info, columns=2)
        sections = write_flow_sheet(
            workbook, styles, ctx.flow, unit_code, unit_name=name, area_names=area_names
        )
        flow_sheet = workbook.get_worksheet_by_name("Flow og ventetid")
        if flow_sheet is not None:
            finish_sheet(flow_sheet, info)
            # "Hvor meget for sent" on a page of its own, not its heading under the monthly table
            flow_sheet.set_column(0, 0, 58)  # the areas by name (the longest is 58 characters)
            flow_widths = [58, 12, 12, 14, 14, 12, 14, 14, 13, 13]
            printing.setup_paged(flow_sheet, info, sheet_px(flow_widths), sections[:1])
