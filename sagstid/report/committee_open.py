"""The committee workbook's "Åbne sager" sheet: open decisions as of the period's last day and
held decisions, per unit and per case area, beside the completed-case compliance (aggregates
only; the rules are in docs/open-cases.md and docs/held.md)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.report.context import ReportContext
from sagstid.report.xlsx import Column, Sheet, Styles, da_date, fraction, met_state
from sagstid.snapshot import open_metrics

SHEET = "Åbne sager"
UNIT_COLUMNS = (
    Column("Enhed", "text", 12), Column("Navn", "text", 30),
    Column("Afgjorte: overholdelse", "pct", 14), Column("Åbne afgørelser", "int", 11),
    Column("Frist overskredet", "int", 11), Column("Frist inden for {h} arbejdsdage", "int", 14),
    Column("Mangler underretning", "int", 13), Column("Åbne inden for frist", "pct", 13),
    Column("Afgjort, ikke sendt eller sendt sent", "pct", 16),
    Column("Overholdelse målt ved afsendelse", "pct", 16),
    Column("Mistanke om tilbageholdelse", "text", 14),
)
AREA_COLUMNS = (
    Column("Sagsområde", "text", 12), Column("Navn", "text", 30),
    Column("Afgjorte: overholdelse", "pct", 14), Column("Åbne afgørelser", "int", 11),
    Column("Frist overskredet", "int", 11), Column("Frist inden for {h} arbejdsdage", "int", 14),
    Column("Mangler underretning", "int", 13), Column("Åbne inden for frist", "pct", 13),
)
_OPEN = ("open", "overdue", "due_soon", "notice_missing")


def _lookup(frame: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    return {str(row[key]): row for row in frame.to_dict("records")} if len(frame) else {}


def _open_values(row: dict[str, Any] | None) -> list[Any]:
    if row is None:
        return [0, 0, 0, 0, None]
    return [int(row[k]) for k in _OPEN] + [fraction(row["open_within_pct"])]


def _headings(columns: tuple[Column, ...], horizon: int) -> list[Column]:
    return [Column(c.heading.format(h=horizon), c.kind, c.width) for c in columns]


def write_committee_open(workbook: Workbook, styles: Styles, ctx: ReportContext) -> None:
    snapshot = ctx.snapshot
    if snapshot is None:
        return
    general = ctx.targets.general
    units = _headings(UNIT_COLUMNS, snapshot.horizon)
    sheet = Sheet(workbook, styles, SHEET, widths=[c.width for c in units])
    sheet.title(f"Åbne sager pr. {da_date(snapshot.as_of)} og tilbageholdte afgørelser "
                f"{ctx.period.label}")
    sheet.note("Åbne afgørelser: modtaget og endnu ikke afgjort på opgørelsesdagen. "
               "\"Åbne inden for frist\" er andelen, hvis frist ikke er overskredet; den står ved "
               "siden af overholdelsen for de afgjorte, så tilbageholdte afgørelser ses.")
    sheet.skip()
    decisions = snapshot.open_decisions
    by_unit = _lookup(open_metrics(decisions, ["unit_code"]), "unit_code")
    done = _lookup(ctx.current.by_unit, "unit_code")
    held = _lookup(ctx.held.by_unit, "unit_code") if ctx.held is not None else {}
    rows, fills = [], []
    for code, name in zip(ctx.units["unit_code"].tolist(), ctx.units["unit_name"].tolist()):
        code = str(code)
        if code not in by_unit and code not in done:
            continue
        completed = fraction(done[code]["compliance_pct"]) if code in done else None
        h = held.get(code)
        flag = None if h is None else ("Ja" if bool(h["flagged"]) else "Nej")
        rows.append([code, name, completed, *_open_values(by_unit.get(code)),
                     None if h is None else fraction(h["held_pct"]),
                     None if h is None else fraction(h["compliance_sent_pct"]), flag])
        fills.append([None, None, met_state(done[code]["compliance_pct"], general)
                      if code in done else None, None, None, None, None, None, None, None,
                      "not_met" if flag == "Ja" else None])
    sheet.section("Enheder")
    sheet.table(units, rows, fills=fills, autofilter=True)
    total = open_metrics(decisions, [])
    sheet.values(["Hele forvaltningen", None, fraction(ctx.current.total.get("compliance_pct")),
                  *_open_values(total.iloc[0].to_dict() if len(total) else None)],
                 [c.kind for c in units[:8]], bold=True)
    sheet.skip()
    areas = _headings(AREA_COLUMNS, snapshot.horizon)
    by_area = _lookup(open_metrics(decisions, ["case_area_code"]), "case_area_code")
    done_area = _lookup(ctx.current.by_area, "case_area_code")
    area_rows = []
    for code in sorted(set(by_area) | set(done_area)):
        name = done_area.get(code, {}).get("area_name")
        completed = fraction(done_area[code]["compliance_pct"]) if code in done_area else None
        area_rows.append([code, name, completed, *_open_values(by_area.get(code))])
    sheet.section("Sagsområder")
    sheet.table(areas, area_rows, autofilter=False)
