"""Sheets for the nightly unit workbook: "Handlingsliste" and "Tilbageholdte afgørelser".

Both write into an xlsxwriter workbook through the helpers of ``sagstid.report.xlsx`` (every
source text as text, top to bottom). The Danish labels live here, next to the writers. No
citizen reference is ever written: the snapshot and the measured decisions do not carry one.

* :func:`write_worklist`: one unit's open cases to decide or notify today (overdue or due
  soon), most overdue first, with filter buttons and a frozen header; the sheet is made the one
  the workbook opens on.
* :func:`write_held_sheet`: one unit's held decisions: key figures, the gaming flag, the gap
  distribution, the weekly figures and the held decisions themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.measure.held import GAP_BUCKETS, HeldDecisions
from sagstid.measure.open_cases import OpenSnapshot, open_metrics
from sagstid.report import charts, printing
from sagstid.report import list_writer as lists
from sagstid.report.labels import case_rule_texts
from sagstid.report.status import shown_value
from sagstid.report.words import da_week
from sagstid.report.xlsx import (
    EXCEL_MAX_ROWS,
    Column,
    Sheet,
    Styles,
    da_date,
    da_number,
    da_pct_number,
    excel_serials,
    fraction,
    text_list,
)

WORKLIST_SHEET = "Handlingsliste"
HELD_SHEET = "Tilbageholdte afgørelser"

YES, NO = "Ja", "Nej"
KIND_LABELS = {
    "decision": "Afgørelse",
    "decision_complaint": "Klage over afgørelse",
    "handling_complaint": "Klage over sagsbehandling",
}
STATE_LABELS = {"overdue": "Fristen er overskredet", "due_soon": "Fristen udløber inden for {n} arbejdsdage"}
ACTIONS = {
    ("decision", True): "Send underretning til borgeren, og træf afgørelsen",
    ("decision", False): "Træf afgørelsen",
    ("complaint", True): "Send underretning til borgeren, og besvar klagen",
    ("complaint", False): "Besvar klagen",
}
WORKLIST_COLUMNS = (
    Column("Handling", "text", 44),
    Column("Status", "text", 30),
    Column("Type", "text", 24),
    Column("Sagsnummer", "text", 18),
    Column("Id", "text", 11),
    Column("Sagsområde", "text", 13),
    Column("Modtaget", "date", 11),
    Column("Frist", "date", 11),
    Column("Dage over fristen", "int", 10),
    Column("Arbejdsdage til fristen", "int", 11),
    Column("Dage åben", "int", 9),
    Column("Underretning sendt", "date", 12),
    Column("Mangler underretning", "text", 12),
    Column("Fristregel", "text", 28),
)
WORKLIST_TEXT = {
    "title": "Handlingsliste {as_of}: {unit}",
    "note": (
        "Åbne afgørelser og klager, hvor fristen er overskredet eller udløber inden for "
        "{n} arbejdsdage: {count} sager. Mest overskredne først. Brug filtrene i "
        "overskriftsrækken til at udvælge."
    ),
    "none": "Ingen åbne sager skal afgøres eller underrettes i dag.",
    "truncated": "Kun de {shown} mest overskredne sager er vist (Excel rummer ikke flere rækker).",
}

GAP_LABELS = {
    "0": "Samme dag",
    "1": "1 arbejdsdag",
    "2": "2 arbejdsdage",
    "3-5": "3-5 arbejdsdage",
    "6-10": "6-10 arbejdsdage",
    "11-20": "11-20 arbejdsdage",
    ">20": "Over 20 arbejdsdage",
    "not_sent": "Ikke sendt",
    "sent_before_decided": "Sendt før afgørelsesdatoen (fejl i data)",
}
HELD_TEXT = {
    "title": "Tilbageholdte afgørelser {period}: {unit}",
    "note": (
        "En afgørelse er tilbageholdt, når den ikke er sendt til borgeren, eller er sendt "
        "mere end {n} arbejdsdage efter, at den blev truffet. Afgørelser truffet {start} "
        "til {end}."
    ),
    "key_figures": "Nøgletal",
    "decisions": "Afgørelser truffet i perioden",
    "held": "Tilbageholdte afgørelser",
    "compliance_decided": "Overholdelse målt på afgørelsesdatoen",
    "compliance_sent": "Overholdelse målt på afsendelsesdatoen (ikke sendt = ikke overholdt)",
    "flag": "Mønster: den ugentlige andel sene afgørelser holdes lige under grænsen",
    "flag_rule": (
        "Reglen: en uge tæller med i mønstret, når mindst {min_sent} afgørelser er sendt, "
        "andelen af sene afgørelser (truffet efter fristen) blandt de sendte ligger "
        "mellem {low} % og {high} %, mindst {min_waiting} sene afgørelser truffet inden "
        "for {max_hold} uger venter ved ugens slutning (holdt tilbage mere end {n} "
        "arbejdsdage), og andelen ville have været over {high} %, hvis de var sendt. "
        "Enheden markeres, når mindst {min_weeks} af periodens sidste {window} hele "
        "uger tæller med. Her: {suspicious} af {weeks} uger."
    ),
    "gaps": "Arbejdsdage fra afgørelse til afsendelse",
    "weeks": "Uge for uge (efter afsendelsesdato)",
    "weeks_more": "Uge for uge (fortsat)",
    "held_list": "Tilbageholdte afgørelser ({count}), ikke sendte og ældste først",
    "held_none": "Ingen afgørelser er holdt tilbage i perioden.",
}
# The held sheet stacks several tables in the same columns; these are the column widths.
HELD_WIDTHS = (44, 12, 30, 12, 14, 14, 12, 12, 12)
FIGURE_COLUMNS = (Column("Nøgletal"), Column("Antal", "int"), Column("Andel", "pct"))
GAP_COLUMNS = (Column("Arbejdsdage"), Column("Antal", "int"), Column("Andel", "pct"))
WEEK_COLUMNS = (
    Column("Uge"),
    Column("Sendt", "int"),
    Column("Heraf sene", "int"),
    Column("Andel sene", "pct"),
    Column("Sene der venter ved ugens slutning", "int"),
    Column("Andel sene, hvis de var sendt", "pct"),
    Column("Indgår i vurderingen", "center"),
    Column("Uge med mønster", "center"),
    Column("Grænse", "pct"),
)
HELD_COLUMNS = (
    Column("Sagsnummer"),
    Column("Id"),
    Column("Sagsområde"),
    Column("Modtaget", "date"),
    Column("Frist", "date"),
    Column("Truffet", "date"),
    Column("Sendt", "date"),
    Column("Arbejdsdage til afsendelse", "int"),
    Column("Truffet efter fristen"),
)


def _kind_label(kind: str, complaint_kind: Any) -> str:
    if kind == "decision":
        return KIND_LABELS["decision"]
    return KIND_LABELS["handling_complaint" if complaint_kind == "handling" else "decision_complaint"]


def worklist_rows(cases: pd.DataFrame) -> pd.DataFrame:
    """The open cases to act on today (overdue or due soon), most overdue first: earliest
    deadline first, then earliest received, then type and id."""
    act = cases[cases["state"].astype(str).isin(["overdue", "due_soon"]).to_numpy()]
    return (
        act.assign(_key=act["case_key"].astype(str))
        .sort_values(["deadline_date", "received_date", "kind", "_key"], kind="stable")
        .drop(columns="_key")
    )


def write_worklist(
    workbook: Workbook,
    styles: Styles,
    cases: pd.DataFrame,
    *,
    unit_name: str,
    as_of: dt.date,
    horizon: int,
    name: str = WORKLIST_SHEET,
    activate: bool = True,
) -> Sheet:
    """The "Handlingsliste" sheet of one unit from ``OpenSnapshot.cases(unit_code)``."""
    rows = worklist_rows(cases)
    sheet = Sheet(workbook, styles, name, widths=[c.width for c in WORKLIST_COLUMNS])
    if activate:
        sheet.ws.activate()
        sheet.ws.set_first_sheet()
    sheet.title(WORKLIST_TEXT["title"].format(as_of=da_date(as_of), unit=unit_name))
    room = EXCEL_MAX_ROWS - (sheet.row + 3)
    sheet.note(WORKLIST_TEXT["note"].format(n=horizon, count=da_number(len(rows))))
    if len(rows) > room:
        sheet.note(WORKLIST_TEXT["truncated"].format(shown=da_number(room)))
        rows = rows.iloc[:room]
    sheet.skip()
    if rows.empty:
        sheet.header([c.heading for c in WORKLIST_COLUMNS])
        sheet.ws.freeze_panes(sheet.row, 0)
        sheet.note(WORKLIST_TEXT["none"])
        return sheet
    state = rows["state"].astype(str).to_numpy()
    kind = rows["kind"].to_numpy()
    missing = rows["notice_missing"].to_numpy(dtype=bool)
    overdue = state == "overdue"
    data = zip(
        [
            ACTIONS[("decision" if k == "decision" else "complaint", bool(m))]
            for k, m in zip(kind, missing, strict=False)
        ],
        [STATE_LABELS[s].format(n=horizon) for s in state],
        [_kind_label(k, c) for k, c in zip(kind, rows["complaint_kind"].tolist(), strict=False)],
        text_list(rows["case_id"]),
        text_list(rows["case_key"]),
        text_list(rows["case_area_code"]),
        excel_serials(rows["received_date"]),
        excel_serials(rows["deadline_date"]),
        [int(v) if o else None for o, v in zip(overdue, rows["days_over"].tolist(), strict=False)],
        [None if o else int(v) for o, v in zip(overdue, rows["working_days_left"].tolist(), strict=False)],
        rows["days_open"].astype("Int64").tolist(),
        excel_serials(rows["delay_notice_date"].where(rows["notified"].to_numpy(dtype=bool))),
        np.where(missing, YES, NO).tolist(),
        [text or None for text in case_rule_texts(rows)],  # none for a complaint
        strict=False,
    )
    # colour only the cell that needs action (the days over the deadline: "✖ 5"), not the row:
    # a status fill on a text cell would put "✖ " before the case number
    over = [None] * 8 + ["not_met"] + [None] * (len(WORKLIST_COLUMNS) - 9)
    fills = [over if o else None for o in overdue]
    sheet.table(WORKLIST_COLUMNS, data, fills=fills, autofilter=True, freeze=True)
    return sheet


WEEK_CHART_ROWS = 14  # the weekly chart: 260 px, then one empty row
WEEKS_PER_PAGE = 27  # a half year of weeks and its header fit one printed page


def _week_halves(n: int) -> list[tuple[int, int]]:
    """The weekly table split into parts of at most :data:`WEEKS_PER_PAGE` weeks, as even as
    possible: (first, last) positions, last excluded; 52 weeks -> (0, 26), (26, 52)."""
    if n == 0:
        return []
    parts = -(-n // WEEKS_PER_PAGE)
    size = -(-n // parts)
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def write_held_sheet(
    workbook: Workbook,
    styles: Styles,
    held: HeldDecisions,
    unit_code: str,
    *,
    unit_name: str,
    period_label: str,
    name: str = HELD_SHEET,
    info: Any = None,
    area_names: dict[str, str] | None = None,
    general_target: float | None = None,
) -> Sheet:
    """The "Tilbageholdte afgørelser" sheet of one unit from :func:`sagstid.measure.held.measure_held`.

    ``general_target``: the compliance figures are shown rounded as on Overblik (status.py:
    never across the target), so 84,4 % here is the same 84,4 % there."""

    def compliance(value: Any) -> float | None:
        if general_target is None:
            return fraction(value)
        shown = shown_value(value, general_target)
        return None if shown is None else shown / 100.0

    settings, rule = held.settings, held.settings.gaming
    n = settings.held_after_working_days
    sheet = Sheet(workbook, styles, name, widths=HELD_WIDTHS)
    sheet.title(HELD_TEXT["title"].format(period=period_label, unit=unit_name))
    sheet.note(HELD_TEXT["note"].format(n=n, start=da_date(held.period.start), end=da_date(held.period.end)))
    sheet.skip()
    row = held.unit_row(unit_code)
    decisions = int(row["decisions"]) if row is not None else 0
    sheet.section(HELD_TEXT["key_figures"])
    flagged = bool(row["flagged"]) if row is not None else False
    figures = [
        (HELD_TEXT["decisions"], decisions, None),
        (
            HELD_TEXT["held"],
            int(row["held"]) if row is not None else 0,
            fraction(row["held_pct"]) if row is not None else None,
        ),
        (
            HELD_TEXT["compliance_decided"],
            None,
            compliance(row["compliance_decided_pct"]) if row is not None else None,
        ),
        (
            HELD_TEXT["compliance_sent"],
            None,
            compliance(row["compliance_sent_pct"]) if row is not None else None,
        ),
    ]
    sheet.table(FIGURE_COLUMNS, figures, autofilter=False)
    sheet.values(
        [HELD_TEXT["flag"], YES if flagged else NO],
        ["text", "text"],
        fills=[None, "not_met" if flagged else "met"],
        bold=True,
    )
    rule_row = sheet.row
    sheet.ws.set_row(rule_row, 80)
    sheet.ws.merge_range(rule_row, 0, rule_row, 6, "", styles.get("text", wrap=True))
    sheet.line(
        HELD_TEXT["flag_rule"].format(
            min_sent=rule.min_sent,
            low=da_pct_number(rule.threshold_pct - rule.band_pct),
            high=da_pct_number(rule.threshold_pct),
            min_waiting=rule.min_waiting,
            max_hold=rule.max_hold_weeks,
            n=n,
            min_weeks=rule.min_weeks,
            window=rule.window_weeks,
            suspicious=int(row["suspicious_in_window"]) if row is not None else 0,
            weeks=int(row["window_weeks"]) if row is not None else 0,
        ),
        styles.get("text", wrap=True),
    )
    sheet.skip()

    sheet.section(HELD_TEXT["gaps"])
    gaps = [
        (
            GAP_LABELS[b],
            int(row[f"gap_{b}"]) if row is not None else 0,
            fraction(_pct(row[f"gap_{b}"], decisions)) if row is not None else None,
        )
        for b in GAP_BUCKETS
    ]
    sheet.table(GAP_COLUMNS, gaps, autofilter=False)
    sheet.skip()

    weeks = held.unit_weeks(unit_code)
    threshold = float(rule.threshold_pct)
    breaks: list[int] = []
    # The chart first (under the figures it explains, on the first printed page), then the
    # weeks in two halves, each with its own header on its own printed page (a year of weeks
    # does not fit one page at a readable scale; a half does). The chart plots the halves'
    # cells as one series.
    halves = _week_halves(len(weeks))
    chart_row = sheet.row
    if len(weeks):
        parts = []  # each half: a section line, its header, then its weeks (0-based rows)
        top = chart_row + WEEK_CHART_ROWS
        for first, last in halves:
            parts.append((top + 2, top + 1 + (last - first)))
            top += 2 + (last - first)

        def cols(col: int) -> charts.Cols:
            return charts.Cols(tuple(charts.Col(name, col, a, b) for a, b in parts))

        chart = charts.share_chart(
            workbook,
            "Andel sene afgørelser blandt de sendte, uge for uge",
            cols(0),
            cols(3),
            cols(8),
            weeks["late_share_pct"].tolist(),
            threshold,
            width=1000,
            height=WEEK_CHART_ROWS * 20 - 20,
        )
        charts.insert(
            sheet.ws,
            chart_row,
            0,
            chart,
            (
                "Linjediagram: den ugentlige andel sene afgørelser blandt de sendte mod grænsen på "
                f"{da_pct_number(threshold)} % (stiplet linje). "
                "Et mønster er en række uger lige under grænsen."
            ),
        )
        sheet.skip(WEEK_CHART_ROWS)
    suspicious = weeks["suspicious"].to_numpy(dtype=bool)
    for i, (first, last) in enumerate(halves):
        breaks.append(sheet.row)
        sheet.section(HELD_TEXT["weeks"] if i == 0 else HELD_TEXT["weeks_more"])
        part = weeks.iloc[first:last]
        week_rows = zip(
            [da_week(w) for w in part["week"].tolist()],
            part["sent"].tolist(),
            part["sent_late"].tolist(),
            [fraction(v) for v in part["late_share_pct"].tolist()],
            part["waiting_late"].tolist(),
            [fraction(v) for v in part["share_if_sent_pct"].tolist()],
            np.where(part["in_window"].to_numpy(dtype=bool), YES, NO).tolist(),
            np.where(suspicious[first:last], YES, NO).tolist(),
            [threshold / 100.0] * len(part),
            strict=False,
        )
        # only the cell that says so is marked: "✖ Ja" in "Uge med mønster", not the whole row
        week_fills = [[None] * 7 + (["not_met"] if s else [None]) + [None] for s in suspicious[first:last]]
        sheet.table(WEEK_COLUMNS, week_rows, fills=week_fills, autofilter=False, header_height=45)
    if len(weeks):
        sheet.skip()
    else:
        sheet.section(HELD_TEXT["weeks"])
        sheet.note("Ingen afgørelser sendt i perioden.")

    cases = held.unit_cases(unit_code)
    cases = cases[cases["held"].to_numpy(dtype=bool)]
    cases = cases.assign(_unsent=cases["sent_date"].notna(), _key=cases["decision_id"].astype(str))
    cases = cases.sort_values(["_unsent", "decided_date", "_key"], kind="stable")
    breaks.append(sheet.row)
    sheet.section(HELD_TEXT["held_list"].format(count=da_number(len(cases))))
    room = EXCEL_MAX_ROWS - (sheet.row + 2)
    cases = cases.iloc[:room]
    if info is not None:
        width_px = int(max(sum(HELD_WIDTHS) * 8 + 5 * len(HELD_WIDTHS), 1000) + 30)
        printing.setup_paged(sheet.ws, info, width_px, breaks, header_rows=(0, 0), lists_cases=True)
    if cases.empty:
        sheet.note(HELD_TEXT["held_none"])
        return sheet
    list_header, list_last = lists.sheet_table(
        sheet,
        HELD_COLUMNS,
        [
            cases["case_id"],
            cases["decision_id"],
            lists.text(cases["case_area_code"], styles.get("text"), rename=area_names),
            cases["received_date"],
            cases["deadline_date"],
            cases["decided_date"],
            cases["sent_date"],
            cases["gap_working_days"],
            np.where(cases["late"].to_numpy(dtype=bool), YES, NO),
        ],
        header_height=45,
    )
    sheet.ws.ignore_errors({"number_stored_as_text": f"A{list_header + 2}:B{list_last + 1}"})
    return sheet


OPEN_SUMMARY_ROWS = (
    ("open", "Åbne afgørelser", "int"),
    ("overdue", "heraf frist overskredet", "int"),
    ("due_soon", "heraf frist inden for {horizon} arbejdsdage", "int"),
    ("notice_missing", "heraf mangler skriftlig underretning", "int"),
    ("open_within_pct", "Åbne afgørelser inden for frist", "pct"),
)


def write_open_summary(sheet: Sheet, snapshot: OpenSnapshot, unit_code: str) -> None:
    """Overblik's block on open decisions: the unit beside the whole administration.

    The share of open decisions still within their deadline stands beside the completed-case
    compliance, so holding finished decisions back cannot lift the figure unseen.
    """
    own = open_metrics(snapshot.cases(unit_code).query("kind == 'decision'"), [])
    whole = snapshot.whole_metrics()
    sheet.section(f"Åbne afgørelser pr. {da_date(snapshot.as_of)}")
    sheet.header(["Åbne sager", "Enheden", "Hele forvaltningen"])
    for key, label, kind in OPEN_SUMMARY_ROWS:
        values: list[Any] = []
        for table in (own, whole):
            value = table[key].iloc[0] if len(table) else (None if kind == "pct" else 0)
            values.append(fraction(value) if kind == "pct" else int(value or 0))
        sheet.values([label.format(horizon=snapshot.horizon), *values], ["text", kind, kind])
    sheet.skip()
    sheet.note(
        "Andelen af åbne afgørelser, hvis frist endnu ikke er overskredet, vises ved siden "
        "af overholdelsen for de afgjorte: afgørelser, der holdes tilbage, tæller her."
    )
