"""The sheet "Flow og ventetid" (docs/flow.md): the monthly backlog and clearance table, how late
the exceeded decisions were, the promised date, and (committee) the expected wait per area and
the goals against a baseline. Self-contained: the workbook builders call
``write_flow_sheet`` once, at the end.

In the committee workbook (``unit_code`` None) a group with 1 to ``suppress_below`` - 1 cases
shows no figures (docs/privacy.md); a unit's own workbook shows everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.measure.flow_figures import FlowFigures
from sagstid.measure.lateness import band_labels, band_names
from sagstid.report.committee_suppression import Plan
from sagstid.report.suppress import PRIMARY, is_small, note, shown_as
from sagstid.report.xlsx import SUPPRESSED, Column, Sheet, Styles, fraction, load_layout, month_label

SHEET = "Flow og ventetid"
GOAL_MEASURES = {
    "handling_complaints": "Formalitetsklager modtaget",
    "handling_medhold": "Formalitetsklager med medhold (helt eller delvist)",
    "upheld_pct": "Fastholdelsesprocent (afgørelsesklager)",
}
GOAL_STATUS = {
    "met": "På sporet",
    "not_met": "Ikke på sporet",
    "no_baseline": "Intet basistal",
    "no_figure": "Intet tal",
}


def _write(
    sheet: Sheet,
    columns: Sequence[Column],
    rows: list[list[Any]],
    states: Sequence[str | None],
    positions: Sequence[int],
    below: int,
) -> int:
    """A table whose hidden rows (state "primary" or "secondary") show "<5" or "x" on grey at
    ``positions``; returns how many rows were hidden."""
    fills: list[list[str | None]] = []
    for values, state in zip(rows, states, strict=True):
        fill: list[str | None] = [None] * len(values)
        if state is not None:
            for p in positions:
                values[p], fill[p] = shown_as(state, below), SUPPRESSED
        fills.append(fill)
    sheet.table(columns, rows, fills, autofilter=False)
    return sum(state is not None for state in states)


def _small(frame: pd.DataFrame, counts: Sequence[str], below: int) -> list[str | None]:
    """ "primary" for each row where one of ``counts`` is 1 to below - 1 (the group is small)."""
    hide = np.zeros(len(frame), dtype=bool)
    for column in counts:
        hide |= is_small(frame[column].to_numpy(), below)
    return [PRIMARY if h else None for h in hide]


def _pct(value: Any) -> float | None:
    return fraction(value)


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _monthly(sheet: Sheet, frame: pd.DataFrame, below: int) -> int:
    months = load_layout().get("months")
    table = frame
    columns = [
        Column("Måned", "text", 16),
        Column("Modtaget", "int", 12),
        Column("Afgjort", "int", 12),
        Column("Afgjort pr. modtaget", "pct", 14),
        Column("Åbne ved månedens udgang", "int", 14),
        Column("Heraf over fristen", "int", 12),
        Column("Ventet indtil nu, median (dage)", "dec", 14),
        Column("Ventet indtil nu, gennemsnit (dage)", "dec", 14),
    ]
    rows = [
        [
            month_label(str(r["month"]), months),
            _num(r["received"]),
            _num(r["decided"]),
            _pct(r["clearance_pct"]),
            _num(r["open"]),
            _num(r["open_overdue"]),
            _num(r["open_median_days"]),
            _num(r["open_mean_days"]),
        ]
        for r in table.to_dict("records")  # one row per month (two dozen)
    ]
    return _write(
        sheet, columns, rows, _small(table, ["received", "decided", "open"], below), range(1, 8), below
    )


def _lateness(
    sheet: Sheet,
    frame: pd.DataFrame,
    label: str,
    names: list[str],
    f: FlowFigures,
    below: int,
    states: Sequence[str | None],
) -> int:
    bands = band_names(f.bands)
    table = frame
    columns = [
        Column(label, "text", 30),
        Column("Afgørelser", "int", 12),
        Column("Overskredet", "int", 12),
        *[Column(f"{b} dage for sent", "int", 11) for b in band_labels(f.bands)],
        Column(f"Mere end {f.very_late_after} dage for sent", "int", 13),
        Column("Andel af alle afgørelser", "pct", 13),
        Column("Andel af de overskredne", "pct", 13),
    ]
    rows = [
        [
            name,
            _num(r["decisions"]),
            _num(r["exceeded"]),
            *[_num(r[b]) for b in bands],
            _num(r["very_late"]),
            _pct(r["very_late_pct"]),
            _pct(r["very_late_of_exceeded_pct"]),
        ]
        for name, r in zip(names, table.to_dict("records"), strict=True)
    ]
    return _write(sheet, columns, rows, states, range(1, len(columns)), below)


def _promised(sheet: Sheet, frame: pd.DataFrame, f: FlowFigures, below: int) -> int:
    if not f.promised_column:
        sheet.note("Kildedatabasen har ikke kolonnen promised_date: den lovede dato kan ikke måles.")
    table = frame
    columns = [
        Column("Overskredet, underrettet i tide", "int", 16),
        Column("Med lovet dato", "int", 12),
        Column("Andel med dato", "pct", 12),
        Column("Uden dato", "int", 11),
        Column("Ulæselig dato", "int", 11),
        Column("Afgjort senest den lovede dato", "int", 14),
        Column("Andel holdt", "pct", 12),
    ]
    rows = [
        [
            _num(r["notified"]),
            _num(r["promised"]),
            _pct(r["promised_pct"]),
            _num(r["promised_missing"]),
            _num(r["promised_unreadable"]),
            _num(r["kept"]),
            _pct(r["kept_pct"]),
        ]
        for r in table.to_dict("records")
    ]
    return _write(sheet, columns, rows, _small(table, ["notified"], below), range(7), below)


def _expected_wait(sheet: Sheet, f: FlowFigures, below: int, plan: Plan | None) -> int:
    waits = f.expected_wait[f.expected_wait["published"].to_numpy(dtype=bool)]
    share = round(100 * f.wait_settings.share)
    sheet.note(
        f"Af afgørelserne de seneste {f.wait_settings.months} måneder blev {share} % truffet inden for "
        f"det målte antal dage. Skønnet er de ventende sager delt med antal afgørelser pr. dag. "
        f"Områder med færre end {f.wait_settings.min_count} afgørelser vises ikke (for få sager)."
    )
    columns = [
        Column("Sagsområde", "text", 30),
        Column("Afgørelser i perioden", "int", 12),
        Column(f"{share} % afgjort inden for (dage, målt)", "int", 16),
        Column("Ventende sager", "int", 12),
        Column("Ventetid for en ny ansøgning (dage, skøn)", "int", 16),
    ]
    rows = []
    states: list[str | None] = []
    for r in waits.sort_values("area_name").to_dict("records"):  # one row per published area
        ok = bool(r["enough"])
        rows.append(
            [
                r["area_name"],
                _num(r["decisions"]),
                _num(r["days_within"]) if ok else "for få sager",
                _num(r["open"]),
                _num(r["projected_days"]) if ok else "for få sager",
            ]
        )
        # the open cases per area are the committee's "open" counts (Åbne sager): hidden here
        # as there, and the projected wait with them (it is worked out from them)
        state = None if plan is None else plan.state(("open", "area", str(r["case_area_code"])))
        states.append(state or (PRIMARY if is_small([r["open"]], below)[0] else None))
    return _write(sheet, columns, rows, states, [3, 4], below)


def _goals(sheet: Sheet, f: FlowFigures, unit_names: dict[str, str]) -> None:
    columns = [
        Column("Måling", "text", 34),
        Column("Enhed", "text", 20),
        Column("Basisår", "text", 9),
        Column("Basis", "dec", 10),
        Column("Mål", "dec", 10),
        Column("Målår", "text", 9),
        Column("Forventet nu (lige linje)", "dec", 13),
        Column("Aktuelt (fremskrevet)", "dec", 13),
        Column("Status", "text", 15),
    ]
    rows = [
        [
            GOAL_MEASURES.get(str(g["measure"]), str(g["measure"])),
            "Hele forvaltningen"
            if g["unit_code"] is None
            else unit_names.get(str(g["unit_code"]), str(g["unit_code"])),
            str(g["baseline_year"]),
            _num(g["baseline"]),
            _num(g["goal"]),
            str(g["target_year"]),
            _num(g["expected"]),
            _num(g["current"]),
            GOAL_STATUS.get(str(g["status"]), str(g["status"])),
        ]
        for g in f.goals.to_dict("records")
    ]
    status_fill: dict[str, str] = {"met": "met", "not_met": "not_met"}
    fills: list[list[str | None]] = []
    for g in f.goals.to_dict("records"):
        row: list[str | None] = [None] * 8
        fills.append([*row, status_fill.get(str(g["status"]))])
    sheet.table(columns, rows, fills, autofilter=False)


def write_flow_sheet(
    workbook: Workbook,
    styles: Styles,
    figures: FlowFigures | None,
    unit_code: str | None = None,
    unit_name: str | None = None,
    unit_names: dict[str, str] | None = None,
    suppress_below: int = 0,
    plan: Plan | None = None,
    area_names: dict[str, str] | None = None,
) -> list[int]:
    """Add the sheet to ``workbook``: for one unit (its own figures, nothing suppressed), or for
    the committee (``unit_code`` None: the whole administration, per unit, the expected wait and
    the goals; small groups suppressed: a unit's decisions and an area's open cases as the
    committee workbook's ``plan`` hides them on its other sheets, other counts when small).

    ``area_names``: the case areas' names, shown instead of their codes (unit sheet). Returns
    the rows (0-based) where the sheet's tables start, for page breaks between them."""
    if figures is None:
        return []
    sections: list[int] = []
    f = figures
    names = unit_names or {}
    below = 0 if unit_code is not None else suppress_below
    sheet = Sheet(workbook, styles, SHEET, widths=[44, 12, 12, 14, 14, 12, 14, 14, 13, 13])
    sheet.title(f"Flow og ventetid – {unit_name or unit_code or 'hele forvaltningen'}")
    sheet.note(
        f"Afgørelser pr. måned fra {month_label(f.flow_from.strftime('%Y-%m'), load_layout().get('months'))} "
        f"til {month_label(f.flow_to.strftime('%Y-%m'), load_layout().get('months'))}. Åbne sager er "
        "modtaget og endnu ikke afgjort ved månedens udgang."
    )
    note_row = sheet.row
    sheet.skip(2)
    hidden = 0

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if unit_code is None else frame[frame["unit_code"].astype(str) == unit_code]

    sheet.section("Sagsflow pr. måned")
    hidden += _monthly(sheet, f.flow["total"] if unit_code is None else pick(f.flow["by_unit"]), below)
    sheet.skip()
    sections.append(sheet.section("Hvor meget for sent"))
    if unit_code is None:
        total = f.lateness["total"]
        by_unit = f.lateness["by_unit"]
        frame = pd.concat([total, by_unit], ignore_index=True)
        # (a run without decided decisions has no rows at all)
        labels = ["Hele forvaltningen"] * len(total) + [
            names.get(str(u), str(u)) for u in by_unit["unit_code"]
        ]
        # a unit's decisions are the committee's "decisions" counts (Enheder): hidden as there
        keys = [("decisions", "total")] * len(total) + [
            ("decisions", "unit", str(u)) for u in by_unit["unit_code"]
        ]
        small = _small(frame, ["decisions"], below)
        states = [(None if plan is None else plan.state(k)) or s for k, s in zip(keys, small, strict=True)]
        hidden += _lateness(sheet, frame, "Enhed", labels, f, below, states)
    else:
        own = pick(f.lateness["by_unit"])
        areas = pick(f.lateness["by_unit_area"])
        frame = pd.concat([own, areas], ignore_index=True)
        labels = [unit_name or unit_code] * len(own) + [
            (area_names or {}).get(str(a), str(a)) for a in areas["case_area_code"]
        ]
        hidden += _lateness(sheet, frame, "Enhed / sagsområde", labels, f, below, [None] * len(frame))
    sheet.skip()
    sections.append(sheet.section("Den lovede afgørelsesdato (underretning ved overskredet frist)"))
    hidden += _promised(
        sheet, f.promised["total"] if unit_code is None else pick(f.promised["by_unit"]), f, below
    )
    if unit_code is None:
        sheet.skip()
        sheet.section("Forventet sagsbehandlingstid for borgerne")
        hidden += _expected_wait(sheet, f, below, plan)
        if len(f.goals):
            sheet.skip()
            sheet.section("Mål i forhold til et basisår")
            _goals(sheet, f, names)
    if hidden and below > 0:
        sheet.ws.write_string(note_row, 0, note(below), styles.subtitle)
    return sections
