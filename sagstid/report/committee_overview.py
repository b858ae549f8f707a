"""The committee workbook's Overblik: the story on one printed page.

A table of every administration-wide target (committee_figures.key_figures) with this period's
figure, its status in words, the target, the period before (a quarter, a half year), the same
period last year, the change from last year and (a quarter) the year to date against the annual
target; then "Hvor bør udvalget spørge?", the sentences of committee_figures.sentences. It prints on one
A4 landscape page at a fixed scale of at least 70 % (printing.setup_dashboard).
"""

from __future__ import annotations

import math

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sagstid.measure.run import LAST_YEAR, YEAR_TO_DATE, RunMeasurement
from sagstid.report.committee_figures import Figure, KeyFigure, key_figures, sentences
from sagstid.report.printing import (
    DEFAULT_DASHBOARD_SCALE,
    MIN_DASHBOARD_SCALE,
    PrintInfo,
    page_room,
    setup_dashboard,
)
from sagstid.report.sheet_print import WIDTH_MARGIN, row_px
from sagstid.report.status import NO_DATA, NOT_MET, StatusFormats, status_text
from sagstid.report.words import EXCEL_FORMATS, MISSING, da_date

SHEET = "Overblik"
TITLE_PT, ROW_PT, HEADER_PT = 20, 15, 30
QUESTION = "Hvor bør udvalget spørge?"
NO_TARGET = "Intet mål"


def _px(width: float) -> int:
    """A column's width in pixels (Calibri 11: 7 px a character plus 5 px padding)."""
    return int(width * 7 + 5)


class _Formats:
    def __init__(self, workbook: Workbook) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 16})
        self.subtitle = add({"italic": True, "font_color": "#404040", "text_wrap": True, "valign": "top"})
        self.section = add({"bold": True, "font_size": 13})
        self.header = add(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "pattern": 1,
                "bottom": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.label = add({"valign": "top", "text_wrap": True})
        self.text = add({"valign": "top"})
        self.wrap = add({"valign": "top", "text_wrap": True})
        self.pct = add({"valign": "top", "num_format": EXCEL_FORMATS["pct"]})
        self.bold_pct = add({"valign": "top", "num_format": EXCEL_FORMATS["pct"], "bold": True})
        self.count = add({"valign": "top", "num_format": EXCEL_FORMATS["int"]})
        self.bold_count = add({"valign": "top", "num_format": EXCEL_FORMATS["int"], "bold": True})
        self.missing = add({"valign": "top", "italic": True, "font_color": "#595959", "align": "right"})
        self.link = add({"valign": "top", "font_color": "#0563C1", "underline": 1})
        self.sentence = add({"valign": "top", "text_wrap": True, "font_size": 11})
        self.note = add({"valign": "top", "text_wrap": True, "italic": True, "font_color": "#404040"})


def _columns(ctx: RunMeasurement, previous: bool, ytd: bool) -> list[tuple[str, float]]:
    """(heading, width) of the table's columns: ``previous``, the period before (when it is
    not last year's); ``ytd``, the year to date (when the period is not a whole year)."""
    now = ctx.period.label
    last_year = ctx.period.last_year().label
    columns = [("Målepunkt", 50.0), (now, 11.0), ("Status", 14.0), ("Mål", 17.0)]
    if previous:
        columns += [(ctx.previous_period.label, 11.0)]
    columns += [(last_year, 11.0), (f"Ændring fra {last_year}", 13.0)]
    if ytd:
        columns += [(f"År til dato {ctx.period.end.year}", 11.0), ("Status år til dato", 14.0)]
    columns += [("Grundlag (klik for detaljer)", 34.0 if not ytd else 26.0)]
    return columns


def _write_figure(
    ws: Worksheet, row: int, col: int, k: KeyFigure, figure: Figure, f: _Formats, bold_if_not_met: bool
) -> None:
    shown = k.shown(figure)
    if shown is None:
        ws.write_string(row, col, MISSING, f.missing)
        return
    not_met = bold_if_not_met and k.state(figure) == NOT_MET
    if k.kind == "pct":
        ws.write_number(row, col, shown / 100.0, f.bold_pct if not_met else f.pct)
    else:
        ws.write_number(row, col, shown, f.bold_count if not_met else f.count)


def _status(ws: Worksheet, row: int, col: int, k: KeyFigure, figure: Figure, statuses: StatusFormats) -> str:
    state = k.state(figure)
    if k.target is None:
        ws.write_string(row, col, NO_TARGET, statuses.word(NO_DATA))
        return NO_DATA
    ws.write_string(row, col, status_text(state), statuses.word(state))
    return state


def _sentence_height(text: str, width_chars: float) -> float:
    """Points for a wrapped sentence across ``width_chars`` of columns (running text fits about
    1,25 characters in the width of one column-width character, a digit, in Calibri 11, with
    room to spare; the 2 are the bullet)."""
    lines = max(1, math.ceil((len(text) + 2) / (width_chars * 1.25)))
    return lines * ROW_PT + 3


def write_committee_overview(
    workbook: Workbook, ctx: RunMeasurement, info: PrintInfo, organisation: str, below: int
) -> Worksheet:
    """Write Overblik as the workbook's first sheet; returns it."""
    ytd_shown = YEAR_TO_DATE in ctx.compare
    previous_shown = ctx.previous_period != ctx.period.last_year()
    f = _Formats(workbook)
    statuses = StatusFormats(workbook)
    ws = workbook.add_worksheet(SHEET)
    columns = _columns(ctx, previous_shown, ytd_shown)
    last_col = len(columns) - 1
    for i, (_, width) in enumerate(columns):
        ws.set_column(i, i, width)
    width_chars = sum(w for _, w in columns)

    ws.set_row(0, TITLE_PT * 1.4)
    ws.write_string(0, 0, f"Sagstidsmåling {ctx.period.label}: {organisation}", f.title)
    compare = ctx.compare.get(LAST_YEAR)
    last_year = compare.period if compare is not None else ctx.period.last_year()
    sub = (
        f"Afgørelser efter retssikkerhedslovens § 3, stk. 2, truffet {da_date(ctx.period.start)} til "
        f"{da_date(ctx.period.end)}, sammenlignet med samme periode sidste år "
        f"({da_date(last_year.start)} til {da_date(last_year.end)})"
    )
    if previous_shown:
        sub += f" og med {ctx.previous_period.label}"
    sub += (
        f". Klager og Ankestyrelsen: besvaret eller afgjort i perioden. Åbne afgørelser: ikke "
        f"truffet ved periodens sidste dag, {da_date(ctx.period.end)}."
    )
    ws.merge_range(1, 0, 1, last_col, sub, f.subtitle)
    ws.set_row(1, _sentence_height(sub, width_chars))
    header = 3
    ws.set_row(header, HEADER_PT)
    for i, (heading, _) in enumerate(columns):
        ws.write_string(header, i, heading, f.header)

    rows = key_figures(ctx)
    row = header
    for k in rows:
        row += 1
        col = 0
        ws.write_string(row, col, k.label, f.label)
        _write_figure(ws, row, 1, k, k.now, f, True)
        _status(ws, row, 2, k, k.now, statuses)
        ws.write_string(row, 3, k.target_text, f.text)
        col = 4
        if previous_shown:
            _write_figure(ws, row, col, k, k.previous, f, False)
            col += 1
        _write_figure(ws, row, col, k, k.last_year, f, False)
        col += 1
        ws.write_string(row, col, k.change_text(), f.text)
        col += 1
        if ytd_shown:
            ytd = k.year_to_date or Figure(None)
            _write_figure(ws, row, col, k, ytd, f, True)
            _status(ws, row, col + 1, k, ytd, statuses)
            col += 2
        if k.basis:
            ws.write_url(
                row, col, f"internal:'{k.sheet}'!A1", f.link, string=k.basis, tip=f"Se arket {k.sheet}"
            )
        else:
            ws.write_string(row, col, MISSING, f.missing)
        if len(k.label) > columns[0][1] * 1.25:
            ws.set_row(row, 2 * ROW_PT)
    row += 2
    ws.set_row(row, 20)
    ws.write_string(row, 0, QUESTION, f.section)
    for text in sentences(ctx):
        row += 1
        ws.merge_range(row, 0, row, last_col, "• " + text, f.sentence)
        ws.set_row(row, _sentence_height(text, width_chars))
    row += 2
    note = (
        f"Status står i ord ved hvert tal (✔ Opfyldt / ✖ Ikke opfyldt); et mål, der ikke er nået, "
        f"står med fed skrift i et orange felt. Ændringen er regnet mellem de viste tal. Tal for "
        f'grupper med færre end {below} sager vises ikke ("<{below}"; "x": skjult, for at et lille '
        f"tal ikke kan regnes ud). Definitioner og regler står på arket Metode."
    )
    ws.merge_range(row, 0, row, last_col, note, f.note)
    ws.set_row(row, _sentence_height(note, width_chars))
    ws.freeze_panes(header + 1, 0)
    ws.set_landscape()
    scale = _scale(ws, columns, row)
    setup_dashboard(ws, info, (0, 0, row, last_col), scale=scale)
    ws.activate()
    return ws


def _scale(ws: Worksheet, columns: list[tuple[str, float]], last_row: int) -> int:
    """The largest scale from 75 % down to 70 % at which the table's width and the rows'
    height fit one page."""
    width = int(sum(_px(w) for _, w in columns) * WIDTH_MARGIN)
    height = sum(row_px(ws, r) for r in range(last_row + 1))
    for scale in range(DEFAULT_DASHBOARD_SCALE, MIN_DASHBOARD_SCALE - 1, -1):
        room_w, room_h = page_room(scale)
        if width <= room_w and height <= room_h:
            return scale
    return MIN_DASHBOARD_SCALE
