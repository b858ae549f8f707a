"""Sheet parts for complaints, Ankestyrelsen, the performance contract, surges and the audit.

Shared by the unit workbook (sheets Klager and Kvalitet) and the committee workbook (sheets
Klager, Ankestyrelsen, Tilsyn and Resultatkontrakt). All labels come from the ``follow_up``
section of reports/layout.yaml. Only the unit's Klager sheet lists case rows (its own late
complaints, without any citizen reference); every other table is an aggregate.

Every figure judged against a target follows report/status.py: the status is decided on the
unrounded value, and the cell holds the value as shown (:func:`judged`), rounded so it never
lands on the wrong side of the target; the administration's figure beside it is rounded the
same way, so one figure shows the same everywhere. The fill names a writer gives are "met" /
"not_met" for the cell that carries the status and "met_figure" / "not_met_figure" for a figure
beside its own status word; xlsx.Styles shows them in status.py's look, the same in both
workbooks (symbol beside the colour, only what needs action filled).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sagstid.measure.audit import AuditMeasurement
from sagstid.measure.complaints import APPEAL_DECIDED, APPEAL_OUTCOMES
from sagstid.measure.performance import ContractFigures
from sagstid.measure.run import RunMeasurement
from sagstid.measure.surge import SurgeCheck
from sagstid.report import list_writer as lists
from sagstid.report.status import shown_value
from sagstid.report.xlsx import (
    Column,
    Layout,
    Sheet,
    count,
    da_date,
    da_number,
    first_row,
    fraction,
    get,
    is_missing,
    met_state,
    month_label,
)
from sagstid.validate.audit import AUDIT_AREAS, AUDIT_MEASURES, AUDIT_REASONS
from sagstid.validate.complaints import COMPLAINT_REASONS, KINDS

F = "follow_up"
PACE_FILLS = {"over_max": "not_met", "off_course": "not_met", "on_course": "met", "no_max": None}


def label(layout: Layout, key: str, **values: Any) -> str:
    return layout.text(f"{F}.{key}", **values)


def judged(pct: Any, target: float | None) -> float | None:
    """A 0-100 percentage judged against ``target`` as the fraction the cell holds: the value
    as shown (status.shown_value, one decimal, never across the target); None if missing."""
    if target is None:
        return fraction(pct)
    shown = shown_value(pct, target)
    return None if shown is None else shown / 100.0


def figure_fill(state: str | None) -> str | None:
    """The fill name of a figure written beside its own status word."""
    return None if state is None else f"{state}_figure"


# --- targets and kinds ----------------------------------------------------------------------


def write_complaint_targets(
    sheet: Sheet,
    layout: Layout,
    ctx: RunMeasurement,
    own: pd.Series | None,
    own_appeals: pd.Series | None,
    value_heading: str,
    with_whole: bool,
) -> None:
    """Mål | Målsætning | <value> | [Hele forvaltningen] | Opfyldt | Bemærkning for the complaint
    target (95 %), Ankestyrelsen's confirmation (80 %) and medhold (no target)."""
    c, t = ctx.complaints, ctx.targets
    assert c is not None
    headings = [layout.text("columns.target"), layout.text("columns.goal"), value_heading]
    if with_whole:
        headings.append(layout.text("columns.whole"))
    kinds_row = ["text", "goal", "pct"] + (["pct"] if with_whole else []) + ["text", "text"]
    sheet.header(headings + [layout.text("columns.met"), layout.text("columns.note")], kinds=kinds_row)
    decided = sum(count(own_appeals, o) for o in APPEAL_DECIDED)
    rows = [
        (
            "target_complaints",
            t.complaints,
            get(own, "compliance_pct"),
            get(c.total, "compliance_pct"),
            label(
                layout,
                "note_complaints",
                on_time=da_number(count(own, "on_time")),
                complaints=da_number(count(own, "complaints")),
            )
            if count(own, "complaints")
            else label(layout, "no_complaints"),
        ),
        (
            "target_appeals",
            t.appeal_confirmed,
            get(own_appeals, "confirmed_pct"),
            c.appeal_confirmed_pct,
            label(
                layout,
                "note_appeals",
                confirmed=da_number(count(own_appeals, "confirmed")),
                decided=da_number(decided),
            )
            if decided
            else label(layout, "no_appeals"),
        ),
        (
            "target_medhold",
            None,
            get(own, "medhold_pct"),
            c.medhold_pct,
            label(
                layout,
                "note_medhold",
                medhold=da_number(count(own, "medhold")),
                judged=da_number(count(own, "judged")),
            ),
        ),
    ]
    for key, goal, value, whole, note in rows:
        state = None if goal is None else met_state(value, goal)
        values: list[Any] = [label(layout, key), fraction(goal), judged(value, goal)]
        kinds, fills = ["text", "goal", "pct"], [None, None, figure_fill(state)]
        if with_whole:
            values.append(judged(whole, goal))
            kinds.append("pct")
            fills.append(None)
        values += [layout.text(state or "not_applicable"), note]
        sheet.values(values, kinds + ["text", "text"], fills + [state, None])


def kind_columns(layout: Layout, first: str) -> list[Column]:
    spec = (("complaints", "int"), ("on_time", "int"), ("compliance", "pct"))
    return [
        Column(first),
        *(Column(label(layout, f"columns.{k}"), kind) for k, kind in spec),
        Column(layout.text("columns.mean_days"), "dec"),
        Column(layout.text("columns.median_days"), "dec"),
        Column(label(layout, "columns.medhold"), "pct"),
    ]


def kind_values(name: str, row: pd.Series | None, target: float) -> tuple[list[Any], list[str | None]]:
    pct = get(row, "compliance_pct")
    values = [
        name,
        count(row, "complaints"),
        count(row, "on_time"),
        judged(pct, target),
        get(row, "mean_days"),
        get(row, "median_days"),
        fraction(get(row, "medhold_pct")),
    ]
    return values, [None, None, None, met_state(pct, target), None, None, None]


def write_kind_table(
    sheet: Sheet, layout: Layout, by_kind: pd.DataFrame, total: pd.Series | None, target: float
) -> None:
    columns = kind_columns(layout, label(layout, "columns.kind"))
    sheet.header([c.heading for c in columns], kinds=[c.kind for c in columns])
    kinds = [c.kind for c in columns]
    for kind in KINDS:
        values, fills = kind_values(
            label(layout, f"kinds.{kind}"), first_row(by_kind, "complaint_kind", kind), target
        )
        sheet.values(values, kinds, fills)
    values, fills = kind_values(layout.text("total"), total, target)
    sheet.values(values, kinds, fills, bold=True)


# --- contract, per 1,000, surge -------------------------------------------------------------


def pace_columns(layout: Layout) -> list[Column]:
    keys = (
        ("received_ytd", "int"),
        ("max", "int"),
        ("expected", "dec"),
        ("projected", "dec"),
        ("pace", "text"),
    )
    return [Column(label(layout, f"columns.{k}"), kind) for k, kind in keys]


def pace_values(layout: Layout, row: pd.Series | None) -> tuple[list[Any], list[str | None]]:
    """Received | Maksimum | Forventet til dato | Fremskrevet | Status. The count received is
    the figure judged (against the maximum, and its pace against the expected count so far:
    on course exactly when received <= expected, i.e. projected <= maximum), so the count
    carries the status, never the maximum; the status word beside it says which."""
    status = get(row, "status") or "no_max"
    values = [
        count(row, "received"),
        get(row, "max"),
        get(row, "expected_so_far"),
        get(row, "projected"),
        label(layout, f"pace.{status}"),
    ]
    fill = PACE_FILLS[status]
    return values, [fill, None, None, None, figure_fill(fill)]


def contract_heading(layout: Layout, figures: ContractFigures) -> tuple[str, str]:
    ytd = figures.ytd
    return (
        label(layout, "contract_title", year=ytd.year, as_of=da_date(ytd.as_of)),
        label(layout, "contract_rule", elapsed=ytd.elapsed_days, days=ytd.days_in_year),
    )


def area_text(layout: Layout, code: Any) -> str:
    return label(layout, "unknown_area") if is_missing(code) else str(code)


def per_1000_columns(layout: Layout, first: str) -> list[Column]:
    return [
        Column(first),
        Column(label(layout, "columns.complaints"), "int"),
        Column(label(layout, "columns.decisions"), "int"),
        Column(label(layout, "columns.per_1000"), "dec"),
    ]


def per_1000_values(name: str, row: pd.Series | None) -> list[Any]:
    return [name, count(row, "complaints"), count(row, "decisions"), get(row, "per_1000")]


def write_surge_months(sheet: Sheet, layout: Layout, check: SurgeCheck, months: Sequence[str]) -> None:
    """One row per month of the period: complaints received, the baseline, p and the alert."""
    names = layout.get("months")
    spec = (
        ("month", "text"),
        ("received", "int"),
        ("baseline", "dec"),
        ("history", "int"),
        ("p_value", "sci"),
        ("alert", "text"),
    )
    columns = [Column(label(layout, f"columns.{k}"), kind) for k, kind in spec]
    frame = check.months.set_index("month").reindex(list(months))
    yes, no = layout.text("answer_yes"), layout.text("answer_no")
    flagged = frame["flagged"].fillna(False).astype(bool).tolist()
    rows = zip(
        [month_label(m, names) for m in months],
        frame["count"].fillna(0).astype(np.int64).tolist(),
        [None if is_missing(v) else float(v) for v in frame["baseline"].tolist()],
        [None if is_missing(v) else int(v) for v in frame["history"].tolist()],
        [None if is_missing(v) else float(v) for v in frame["p_value"].tolist()],
        [yes if f else no for f in flagged],
        strict=False,
    )
    blank: list[str | None] = [None] * 5
    fills = [[*blank, "not_met" if f else None] for f in flagged]
    sheet.table(columns, rows, fills, autofilter=False)


def surge_note(layout: Layout, check: SurgeCheck) -> str:
    rule = check.rule
    return label(
        layout,
        "surge_note",
        months=rule.baseline_months,
        alpha=da_number(rule.alpha, 4).rstrip("0"),
        min_count=rule.min_count,
        history=rule.min_history,
    )


# --- the unit's late complaints -------------------------------------------------------------


def write_late_complaints(sheet: Sheet, layout: Layout, late: pd.DataFrame) -> None:
    """The unit's late complaints, most days over first, with filter buttons."""
    sheet.section(label(layout, "late_title", count=da_number(len(late))))
    sheet.note(label(layout, "late_note"))
    spec = (
        ("case_id", "text"),
        ("kind", "text"),
        ("ombudsman", "text"),
        ("received_date", "date"),
        ("deadline", "date"),
        ("answered", "date"),
        ("days_over", "int"),
        ("notice", "date"),
        ("outcome", "text"),
    )
    columns = [Column(label(layout, f"columns.{k}"), kind) for k, kind in spec]
    if late.empty:
        sheet.header([c.heading for c in columns], kinds=[c.kind for c in columns])
        sheet.note(label(layout, "no_late"))
        return
    answered = late["answered_date"].to_numpy().astype("datetime64[D]")
    deadline = late["deadline_date"].to_numpy().astype("datetime64[D]")
    late = late.assign(_over=(answered - deadline).astype(np.int64)).sort_values(
        ["_over", "case_id", "complaint_id"], ascending=[False, True, True], kind="stable"
    )
    kinds = {k: label(layout, f"kinds.{k}") for k in KINDS}
    outcomes = layout.get(f"{F}.outcomes")
    yes, no = layout.text("answer_yes"), layout.text("answer_no")
    ombudsman = pd.to_numeric(late["via_ombudsman"], errors="coerce").fillna(0).to_numpy() == 1
    text = sheet.styles.get("text")
    header, _ = lists.sheet_table(
        sheet,
        columns,
        [
            late["case_id"],
            lists.text(late["complaint_kind"], text, rename=kinds),
            np.where(ombudsman, yes, no),
            late["received_date"],
            late["deadline_date"],
            late["answered_date"],
            late["_over"],
            late["delay_notice_date"],
            lists.text(late["outcome"], text, rename=outcomes),
        ],
    )
    sheet.ws.freeze_panes(header + 1, 1)


# --- audit ----------------------------------------------------------------------------------


def audit_measure_rows(
    layout: Layout, own: pd.Series | None, whole: pd.Series | None, target: float
) -> list[tuple[list[Any], list[str | None]]]:
    """Mål | Målsætning | Stikprøver/afgørelser | Ja | Andel | Opfyldt | Hele forvaltningen."""
    out = []
    for measure, n_key, yes_key in (
        *((m, "samples", m) for m in AUDIT_MEASURES),
        ("decisions_kept", "decisions", "decisions_kept"),
    ):
        pct = get(own, f"{yes_key}_pct")
        state = met_state(pct, target)
        out.append(
            (
                [
                    label(layout, f"audit_measures.{measure}"),
                    fraction(target),
                    count(own, n_key),
                    count(own, yes_key),
                    judged(pct, target),
                    layout.text(state or "not_applicable"),
                    judged(get(whole, f"{yes_key}_pct"), target),
                ],
                [None, None, None, None, figure_fill(state), state, None],
            )
        )
    return out


def audit_measure_columns(layout: Layout, with_whole: bool) -> list[Column]:
    columns = [
        Column(label(layout, "columns.measure")),
        Column(layout.text("columns.goal"), "goal"),
        Column(f"{label(layout, 'columns.samples')} / {label(layout, 'columns.decisions')}", "int"),
        Column(label(layout, "columns.yes_count"), "int"),
        Column(label(layout, "columns.share"), "pct"),
        Column(layout.text("columns.met")),
    ]
    if with_whole:
        columns.append(Column(layout.text("columns.whole"), "pct"))
    return columns


def audit_group_columns(layout: Layout, first: str) -> list[Column]:
    return [
        Column(first),
        Column(label(layout, "columns.samples"), "int"),
        *(Column(label(layout, f"audit_measures.{m}"), "pct") for m in AUDIT_MEASURES),
        Column(label(layout, "columns.decisions"), "int"),
        Column(label(layout, "audit_measures.decisions_kept"), "pct"),
    ]


def audit_group_values(name: str, row: pd.Series | None, target: float) -> tuple[list[Any], list[str | None]]:
    pcts = [get(row, f"{m}_pct") for m in (*AUDIT_MEASURES, "decisions_kept")]
    values = [
        name,
        count(row, "samples"),
        *(judged(p, target) for p in pcts[:3]),
        count(row, "decisions"),
        judged(pcts[3], target),
    ]
    states = [met_state(p, target) for p in pcts]
    return values, [None, None, *states[:3], None, states[3]]


def write_audit_areas(
    sheet: Sheet,
    layout: Layout,
    frame: pd.DataFrame,
    total: pd.Series | None,
    target: float,
    names: dict[str, str] | None = None,
) -> None:
    """One row per audited area (``names``: the area's name to show instead of its code)."""
    columns = audit_group_columns(layout, layout.text("columns.area_code") if names is None else "Sagsområde")
    sheet.header([c.heading for c in columns], kinds=[c.kind for c in columns])
    kinds = [c.kind for c in columns]
    for area in AUDIT_AREAS:
        row = first_row(frame, "case_area_code", area)
        if count(row, "samples") == 0 and count(row, "decisions") == 0:
            shown = area if names is None else names.get(area, area)
            sheet.values([shown, "ingen sager i perioden"], ["text", "text"])  # not a row of zeros
            continue
        values, fills = audit_group_values(area if names is None else names.get(area, area), row, target)
        sheet.values(values, kinds, fills)
    values, fills = audit_group_values(layout.text("total"), total, target)
    sheet.values(values, kinds, fills, bold=True)


def write_reason_counts(
    sheet: Sheet, layout: Layout, key: str, names: Sequence[str], counts: dict[str, int]
) -> None:
    sheet.header([layout.text("columns.reason"), layout.text("columns.count")], kinds=["text", "int"])
    for name in names:
        sheet.values([label(layout, f"{key}.{name}"), counts.get(name, 0)], ["text", "int"])
    sheet.values([layout.text("total"), sum(counts.get(n, 0) for n in names)], ["text", "int"], bold=True)


def write_audit_reasons(sheet: Sheet, layout: Layout, audit: AuditMeasurement, unit_code: str | None) -> None:
    sheet.section(label(layout, "audit_reasons_title"))
    write_reason_counts(sheet, layout, "audit_reasons", AUDIT_REASONS, audit.reason_counts(unit_code))


def write_complaint_reasons(sheet: Sheet, layout: Layout, counts: dict[str, int]) -> None:
    sheet.section(label(layout, "complaint_reasons_title"))
    write_reason_counts(sheet, layout, "complaint_reasons", COMPLAINT_REASONS, counts)


def appeal_values(row: pd.Series | None) -> list[Any]:
    return [*(count(row, o) for o in APPEAL_OUTCOMES), fraction(get(row, "confirmed_pct"))]


def appeal_row(row: pd.Series | None, target: float) -> tuple[list[Any], list[str | None]]:
    """The appeal outcomes' counts and the confirmation rate judged against ``target`` (the
    shown value, and the status on the rate itself), with their fills."""
    pct = get(row, "confirmed_pct")
    values = [*(count(row, o) for o in APPEAL_OUTCOMES), judged(pct, target)]
    return values, [*([None] * len(APPEAL_OUTCOMES)), met_state(pct, target)]
