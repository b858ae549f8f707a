"""The committee workbook's "Åbne sager" sheet: open decisions as of the period's last day and
held decisions, per unit and per case area, beside the completed-case compliance (aggregates
only; the rules are in docs/open-cases.md and docs/held.md). A unit or area with fewer than
``ctx.suppress_below`` open (or completed) decisions has those figures suppressed (suppress.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.measure.open_cases import open_metrics
from sagstid.measure.run import RunMeasurement
from sagstid.report.committee_suppression import Plan
from sagstid.report.suppress import FLAG, PRIMARY, SheetSuppression, flagged, is_small
from sagstid.report.xlsx import Column, Sheet, Styles, da_date, fraction, met_state

SHEET = "Åbne sager"
UNIT_COLUMNS = (
    Column("Enhed", "text", 12),
    Column("Navn", "text", 46),
    Column("Afgjorte: overholdelse", "pct", 14),
    Column("Åbne afgørelser", "int", 11),
    Column("Frist overskredet", "int", 11),
    Column("Frist inden for {h} arbejdsdage", "int", 14),
    Column("Mangler underretning", "int", 13),
    Column("Åbne inden for frist", "pct", 13),
    Column("Afgjort, ikke sendt eller sendt sent", "pct", 16),
    Column("Overholdelse målt ved afsendelse", "pct", 16),
    Column("Mønster: sene afgørelser holdt tilbage", "text", 16),
)
AREA_COLUMNS = (
    Column("Sagsområde", "text", 12),
    Column("Navn", "text", 46),
    Column("Afgjorte: overholdelse", "pct", 14),
    Column("Åbne afgørelser", "int", 11),
    Column("Frist overskredet", "int", 11),
    Column("Frist inden for {h} arbejdsdage", "int", 14),
    Column("Mangler underretning", "int", 13),
    Column("Åbne inden for frist", "pct", 13),
)
_OPEN = ("open", "overdue", "due_soon", "notice_missing")
_OPEN_POSITIONS = range(3, 8)  # the open figures' columns in both tables


def _lookup(frame: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    records: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]  # str columns
    return {str(row[key]): row for row in records}


def _open_values(row: dict[str, Any] | None) -> list[Any]:
    if row is None:
        return [0, 0, 0, 0, None]
    return [int(row[k]) for k in _OPEN] + [fraction(row["open_within_pct"])]


def _headings(columns: tuple[Column, ...], horizon: int) -> list[Column]:
    return [Column(c.heading.format(h=horizon), c.kind, c.width) for c in columns]


def write_committee_open(
    workbook: Workbook, styles: Styles, ctx: RunMeasurement, plan: Plan | None = None
) -> None:
    """``plan``: the workbook's hidden groups (committee_suppression.py; default: worked out
    from ctx). Completed decisions follow the plan's "decisions" groups, open ones its "open"
    groups; held decisions (no counts shown) are hidden when small."""
    snapshot = ctx.snapshot
    if snapshot is None:
        return
    if plan is None:
        from sagstid.report.committee_suppression import committee_plan

        plan = committee_plan(ctx)
    general = ctx.targets.general
    units = _headings(UNIT_COLUMNS, snapshot.horizon)
    sheet = Sheet(workbook, styles, SHEET, widths=[c.width for c in units])
    sheet.title(f"Åbne sager pr. {da_date(snapshot.as_of)} og tilbageholdte afgørelser {ctx.period.label}")
    sheet.note(
        "Åbne afgørelser: modtaget og endnu ikke afgjort på opgørelsesdagen. "
        '"Åbne inden for frist" er andelen, hvis frist ikke er overskredet; den står ved '
        "siden af overholdelsen for de afgjorte, så tilbageholdte afgørelser ses."
    )
    below = ctx.suppress_below
    hide = SheetSuppression(sheet, below, plan)
    sheet.skip()

    def grouped(frame: pd.DataFrame, count: str, key: str) -> dict[str, dict[str, Any]]:
        """``frame`` by ``key``, each row flagged when its ``count`` is small (the figures are
        hidden as the plan or the flag says, when the row is written)."""
        return _lookup(frame.assign(**{FLAG: is_small(frame[count].to_numpy(), below)}), key)

    decisions = snapshot.open_decisions
    by_unit = grouped(open_metrics(decisions, ["unit_code"]), "open", "unit_code")
    done = grouped(ctx.current.by_unit, "decisions", "unit_code")
    held = grouped(ctx.held.by_unit, "decisions", "unit_code") if ctx.held is not None else {}
    rows, fills = [], []
    for code, name in zip(ctx.units["unit_code"].tolist(), ctx.units["unit_name"].tolist(), strict=False):
        code = str(code)
        if code not in by_unit and code not in done:
            continue
        d, h, o = done.get(code), held.get(code), by_unit.get(code)
        flag = None if h is None else ("Ja" if bool(h["flagged"]) else "Nej")
        values = [
            code,
            name,
            None if d is None else fraction(d["compliance_pct"]),
            *_open_values(o),
            None if h is None else fraction(h["held_pct"]),
            None if h is None else fraction(h["compliance_sent_pct"]),
            flag,
        ]
        fill = [
            None,
            None,
            None if d is None else met_state(d["compliance_pct"], general),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "not_met" if flag == "Ja" else None,
        ]
        values, fill = hide.mask(
            values, fill, [2], hide.state(("decisions", "unit", code), None if d is None else d["decisions"])
        )
        values, fill = hide.mask(
            values,
            fill,
            _OPEN_POSITIONS,
            hide.state(("open", "unit", code), None if o is None else o["open"]),
        )
        values, fill = hide.mask(values, fill, [8, 9], PRIMARY if flagged(h) else None)
        rows.append(values)
        fills.append(fill)
    sheet.section("Enheder")
    sheet.table(units, rows, fills=fills, autofilter=True)
    total = open_metrics(decisions, [])
    open_total = {str(k): v for k, v in total.iloc[0].items()} if len(total) else None
    values, fill = hide.mask(
        [
            "Hele forvaltningen",
            None,
            fraction(ctx.current.total.get("compliance_pct")),
            *_open_values(open_total),
        ],
        [None] * 8,
        [2],
        hide.state(("decisions", "total"), ctx.current.total.get("decisions")),
    )
    values, fill = hide.mask(
        values,
        fill,
        _OPEN_POSITIONS,
        hide.state(("open", "total"), None if open_total is None else open_total["open"]),
    )
    sheet.values(values, [c.kind for c in units[:8]], fill, bold=True)
    sheet.skip()
    areas = _headings(AREA_COLUMNS, snapshot.horizon)
    by_area = grouped(open_metrics(decisions, ["case_area_code"]), "open", "case_area_code")
    done_area = grouped(ctx.current.by_area, "decisions", "case_area_code")
    area_rows, area_fills = [], []
    for code in sorted(set(by_area) | set(done_area)):
        d, o = done_area.get(code), by_area.get(code)
        name = None if d is None else d.get("area_name")
        values = [code, name, None if d is None else fraction(d["compliance_pct"]), *_open_values(o)]
        values, fill = hide.mask(
            values,
            [None] * 8,
            [2],
            hide.state(("decisions", "area", code), None if d is None else d["decisions"]),
        )
        values, fill = hide.mask(
            values,
            fill,
            _OPEN_POSITIONS,
            hide.state(("open", "area", code), None if o is None else o["open"]),
        )
        area_rows.append(values)
        area_fills.append(fill)
    sheet.section("Sagsområder")
    sheet.table(areas, area_rows, fills=area_fills, autofilter=False)
    hide.finish()
