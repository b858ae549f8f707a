"""Handlingsliste: one unit's open cases to act on, built to work from.

Order (docs/design-workbooks.md): the cases that can still be saved (deadline within the
horizon) first, then the overdue ones (most overdue first), then the cases overdue by more than
``registration_check_days`` set apart as "Tjek registreringen" (most are decided cases whose
decision was never registered). A summary box at the top counts the cases by action and by case
area, and "nye siden forrige arbejdsdag" counts cases whose deadline passed on or after the
previous working day: worked out from the dates only, so a re-run gives the same list.

Only the cell that needs action (the action) is coloured, never whole rows. No citizen
reference is written (the snapshot does not carry one).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.report import list_writer as lists
from sagstid.report import printing
from sagstid.report.labels import case_rule_texts
from sagstid.report.status import MET, NO_DATA, NOT_MET, StatusFormats
from sagstid.report.unit_sheets import LIST_PX, Formats, header_row, sheet_px
from sagstid.report.words import da_date, da_number
from sagstid.report.xlsx import Styles

SAVE, OVERDUE, CHECK = "save", "overdue", "check"
GROUPS = {
    SAVE: "Kan nås: fristen udløber inden for {n} arbejdsdage",
    OVERDUE: "Fristen er overskredet",
    CHECK: "Tjek registreringen: over {days} dage over fristen",
}
GROUP_STATE = {SAVE: MET, OVERDUE: NOT_MET, CHECK: NO_DATA}
KINDS = {
    "decision": "Afgørelse",
    "decision_complaint": "Klage over afgørelse",
    "handling_complaint": "Klage over sagsbehandling",
}
COLUMNS = (
    "Handling",
    "Sagsnummer",
    "Id",
    "Type",
    "Sagsområde",
    "Modtaget",
    "Frist",
    "Arbejdsdage til fristen",
    "Dage over fristen",
    "Underretning sendt",
    "Ny siden forrige arbejdsdag",
    "Fristregel",
)
WIDTHS = [44, 16, 11, 20, 32, 11, 11, 14, 10, 12, 12, 26]
MAX_AREAS = 6  # the summary's area table: the areas with most cases, the rest as "Øvrige"


def action_groups(cases: pd.DataFrame, check_days: int) -> np.ndarray:
    """SAVE / OVERDUE / CHECK per open case ("" for cases with nothing to do yet)."""
    state = cases["state"].astype(str).to_numpy()
    over = pd.to_numeric(cases["days_over"], errors="coerce").fillna(0).to_numpy()
    return np.select(
        [state == "due_soon", (state == "overdue") & (over > check_days), state == "overdue"],
        [SAVE, CHECK, OVERDUE],
        default="",
    )


def actions(cases: pd.DataFrame, groups: np.ndarray) -> list[str]:
    """The action per case: what to do, in the manager's words."""
    decision = cases["kind"].to_numpy() == "decision"
    missing = cases["notice_missing"].to_numpy(dtype=bool)
    noun = np.where(decision, "afgør sagen", "besvar klagen")
    out = np.select(
        [
            groups == CHECK,
            (groups == OVERDUE) & missing,
            groups == OVERDUE,
            (groups == SAVE) & missing,
            groups == SAVE,
        ],
        [
            "Tjek registreringen: er sagen afgjort?",
            np.char.add("Send underretning, og ", noun),
            np.char.add(np.char.add("Underrettet: ", noun), " snarest"),
            np.char.add(np.char.add("Nå fristen: ", noun), ", ellers underret"),
            np.char.add("Nå fristen: ", noun),
        ],
        default="",
    )
    return [str(a) for a in out]


def ordered(cases: pd.DataFrame, check_days: int) -> pd.DataFrame:
    """The cases to act on with their group, in the list's order: can be saved (earliest
    deadline first), overdue (most overdue first), registration checks (most overdue first)."""
    groups = action_groups(cases, check_days)
    act = cases.assign(group=groups)[groups != ""]
    rank = act["group"].map({SAVE: 0, OVERDUE: 1, CHECK: 2})
    over = pd.to_numeric(act["days_over"], errors="coerce").fillna(0)
    return (
        act.assign(_rank=rank, _over=-over, _key=act["case_key"].astype(str))
        .sort_values(["_rank", "_over", "deadline_date", "_key"], kind="stable")
        .drop(columns=["_rank", "_over", "_key"])
        .reset_index(drop=True)
    )


def is_new(cases: pd.DataFrame, previous_working_day: dt.date | None) -> np.ndarray:
    """Overdue cases whose deadline passed on or after the previous working day: not yet
    overdue at the previous working day's run."""
    if previous_working_day is None:
        return np.zeros(len(cases), dtype=bool)
    deadline = cases["deadline_date"].to_numpy().astype("datetime64[D]")
    overdue = cases["group"].isin([OVERDUE, CHECK]).to_numpy()
    return overdue & (deadline >= np.datetime64(previous_working_day, "D"))


def kind_labels(cases: pd.DataFrame) -> list[str]:
    decision = cases["kind"].to_numpy() == "decision"
    handling = cases["complaint_kind"].astype(object).to_numpy() == "handling"
    return np.where(
        decision,
        KINDS["decision"],
        np.where(handling, KINDS["handling_complaint"], KINDS["decision_complaint"]),
    ).tolist()


def write_action_list(
    workbook: Workbook,
    styles: Styles,
    status: StatusFormats,
    fm: Formats,
    cases: pd.DataFrame,
    area_names: dict[str, str],
    *,
    unit_name: str,
    as_of: dt.date,
    horizon: int,
    check_days: int,
    previous_working_day: dt.date | None,
    info: printing.PrintInfo,
    full_list: bool,
    activate: bool,
    name: str,
) -> None:
    """The Handlingsliste sheet; with ``full_list=False`` (annual, quarterly: the list is stale
    when the report is read) only the summary box."""
    ws = workbook.add_worksheet(name)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    if activate:
        ws.activate()
        ws.set_first_sheet()
    rows = ordered(cases, check_days)
    new = is_new(rows, previous_working_day)
    ws.write_string(0, 0, f"Handlingsliste pr. {da_date(as_of)}: {unit_name}", styles.title)
    note = (
        f"Åbne afgørelser og klager pr. {da_date(as_of)}, hvor fristen er overskredet eller udløber "
        f"inden for "
        f"{horizon} arbejdsdage: {da_number(len(rows))} sager. Først dem, der kan nås, så de overskredne "
        f"(flest dage over fristen først), til sidst dem, der er over {check_days} dage over fristen: "
        "de er oftest afgjort uden at være registreret."
    )
    if previous_working_day is not None:
        note += f" Ny: fristen er udløbet {da_date(previous_working_day)} eller senere."
    if not full_list:
        note += " Listen over sagerne står i den daglige rapport (den her er et øjebliksbillede)."
    ws.merge_range(1, 0, 1, len(COLUMNS) - 1, note, fm.wrap)
    ws.set_row(1, 36)
    # summary box: by action (A-E) and by case area (G-K), written row by row (top to bottom)
    top = 3
    decision = rows["kind"].to_numpy() == "decision"
    area = (
        rows["case_area_code"]
        .astype(object)
        .map(lambda c: "Ukendt sagsområde" if c is None or pd.isna(c) else area_names.get(str(c), str(c)))
    )
    table = (
        pd.crosstab(area, rows["group"]).reindex(columns=[SAVE, OVERDUE, CHECK], fill_value=0)
        if len(rows)
        else pd.DataFrame(columns=[SAVE, OVERDUE, CHECK])
    )
    table["total"] = table.sum(axis=1)
    table = table.sort_values("total", ascending=False, kind="stable")
    if len(table) > MAX_AREAS:
        rest = table.iloc[MAX_AREAS - 1 :].sum()
        table = pd.concat([table.iloc[: MAX_AREAS - 1], rest.to_frame("Øvrige sagsområder").T])
    area_lines = list(zip(table.index.tolist(), table.to_numpy().tolist(), strict=False))
    left = ["Handling", "Sager", "Heraf klager", "Nye siden forrige arbejdsdag"]
    right = ["Sagsområde", "Kan nås", "Overskredet", "Tjek registreringen", "I alt"]
    ws.set_row(top, printing.header_height(left + right, WIDTHS[:9]))
    for col, heading in enumerate(left):  # counts under right-aligned headings
        ws.write_string(top, col, heading, styles.header_right if col else styles.header)
    for col, heading in enumerate(right):
        ws.write_string(top, 4 + col, heading, styles.header_right if col else styles.header)
    action_lines: list[tuple[str, object, list[int]]] = []
    for group in (SAVE, OVERDUE, CHECK):
        mask = rows["group"].to_numpy() == group
        counts = [int(mask.sum()), int((mask & ~decision).sum()), int((mask & new).sum())]
        action_lines.append(
            (GROUPS[group].format(n=horizon, days=check_days), status.word(GROUP_STATE[group]), counts)
        )
    action_lines.append(("I alt", fm.bold, [len(rows), int((~decision).sum()), int(new.sum())]))
    box_end = top + max(len(action_lines), len(area_lines))
    for i in range(max(len(action_lines), len(area_lines))):
        r = top + 1 + i
        if i < len(action_lines):
            label, fmt, counts = action_lines[i]
            ws.write_string(r, 0, label, fmt)
            for col, value in enumerate(counts, start=1):
                ws.write_number(r, col, value, fm.num["int"])
        if i < len(area_lines):
            area_label, values = area_lines[i]
            ws.write_string(r, 4, str(area_label), fm.indent)
            for col, value in enumerate(values, start=5):
                ws.write_number(r, col, int(value), fm.num["int"])
    header = box_end + 2
    if not full_list:
        printing.setup_list(ws, info, lists_cases=False)
        return
    header_row(ws, styles, header, list(COLUMNS), WIDTHS, right={5, 6, 7, 8})
    if rows.empty:
        ws.write_string(header + 1, 0, "Ingen åbne sager skal afgøres eller underrettes i dag.", fm.grey)
        printing.setup_list(ws, info, header_rows=(header, header), lists_cases=True)
        return
    groups = rows["group"].to_numpy()
    overdue = groups != SAVE
    formats = {g: status.word(GROUP_STATE[g]) for g in (SAVE, OVERDUE, CHECK)}
    notified = rows["notified"].to_numpy(dtype=bool)
    days_over = pd.to_numeric(rows["days_over"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    days_left = pd.to_numeric(rows["working_days_left"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    r = lists.write_list(
        ws,
        header + 1,
        [
            lists.text(actions(rows, groups), pd.Series(groups).map(formats).to_numpy(dtype=object)),
            lists.text(rows["case_id"], fm.text),
            lists.text(rows["case_key"], fm.text),
            lists.text(kind_labels(rows), fm.text),
            lists.text(area, fm.text),
            lists.date(rows["received_date"], fm.date),
            lists.date(rows["deadline_date"], fm.date),
            lists.number(np.where(overdue, np.nan, days_left), fm.num["int"]),
            lists.number(np.where(overdue, days_over, np.nan), fm.num["int"]),
            lists.date(
                rows["delay_notice_date"].where(notified), fm.date, missing_text="Nej", missing_fmt=fm.text
            ),
            lists.text(np.where(new, "Ny", ""), fm.bold),
            lists.text(
                case_rule_texts(rows), fm.text
            ),  # the rule behind each deadline, e.g. "10 arbejdsdage"
        ],
    )
    ws.autofilter(header, 0, r, len(COLUMNS) - 1)
    ws.ignore_errors({"number_stored_as_text": f"B{header + 2}:C{r + 1}"})
    printing.setup_paged(
        ws, info, max(sheet_px(WIDTHS), LIST_PX), [], header_rows=(header, header), lists_cases=True
    )
