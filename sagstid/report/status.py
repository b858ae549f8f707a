"""Met / not met against a target, the figure as shown, and the change since before.

The rules every table and dashboard of the workbooks follows (so one figure has one status
everywhere):

1. **The status is decided on the unrounded value**: met when ``value >= target``. Values are
   0-100 percentages as the measure layer computes them (``100 * k / n``); a difference below
   ``TOLERANCE`` (1e-9 pp) is float noise, not a miss (100 * 57 / 60 is 94.99999999999999 in
   binary floating point, and 57 of 60 is exactly 95 %). Where the counts are at hand,
   :func:`status_from_counts` decides in exact integer arithmetic instead.
2. **The shown value never lands on the wrong side of the target.** It is the value rounded
   half up to ``decimals`` (1 by default), except:
   - not met, but the rounding would reach the target: round *down* instead (94,996 % against
     95 % shows "94,9 %", never "95,0 %"; 99,96 % against 100 % shows "99,9 %");
   - met, but the rounding would fall below the target (only possible when the target has more
     decimals than shown): round *up* instead.
   So a reader who compares the shown figure with the target always reaches the status the
   cell states. The cell stores the shown value (a number, so it sorts and sums as shown), and
   conditional formats or icon sets on the cell agree with the status.
3. **Status is never colour alone**: a symbol and a word ("✔ Opfyldt", "✖ Ikke opfyldt",
   "– Ingen data") beside or in the cell, and fills chosen for deuteranopia and greyscale
   print: pale blue for met, a darker orange with **bold** text for not met, no fill and grey
   italic for no data (see :data:`STATUS_STYLE`).
4. **Change** is the difference of the *shown* values, so the page's own arithmetic adds up
   (84,4 % against 83,5 % is "▲ 0,9 pp"); the arrow follows the rounded change (a change that
   rounds to 0,0 has "►", never "▲ 0,0 pp").
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from sagstid.report.words import EXCEL_FORMATS, MISSING, da_number, da_pct

TOLERANCE = 1e-9  # percentage points treated as float noise when comparing with the target
_HALF_UP_NUDGE = 1e-9  # so 89.95 (binary 89.949999...) rounds half up like the printed 89,95

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
SUPPRESSED = "suppressed"  # a small group's figure, hidden (committee workbook)

SYMBOLS = {MET: "✔", NOT_MET: "✖", NO_DATA: MISSING}
WORDS = {MET: "Opfyldt", NOT_MET: "Ikke opfyldt", NO_DATA: "Ingen data"}
ARROW_UP, ARROW_DOWN, ARROW_FLAT = "▲", "▼", "►"

# Blue / orange survive deuteranopia (they differ in blue-yellow, which deuteranopes see);
# in greyscale the not-met fill is clearly darker than the met fill (relative luminance about
# 0.47 against 0.69) and its text is bold, and the symbol and word say it again.
STATUS_STYLE: dict[str, dict[str, Any]] = {
    MET: {"bg_color": "#C5DCF0", "font_color": "#1F3864", "pattern": 1},
    NOT_MET: {
        "bg_color": "#F4A460",
        "font_color": "#000000",
        "bold": True,
        "pattern": 1,
        "border": 1,
        "border_color": "#7F3F00",
    },
    NO_DATA: {"font_color": "#595959", "italic": True},
    # hidden small numbers: the text "<5" in italics on white, legible in black and white and
    # unlike both status fills (the old grey box looked like the pale red and green in print)
    SUPPRESSED: {"font_color": "#404040", "italic": True, "align": "right"},
}


def status_of(value: Any, target: float) -> str:
    """MET, NOT_MET or NO_DATA (None / NaN) for a 0-100 value against a 0-100 target."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return NO_DATA
    try:
        number = float(value)
    except (TypeError, ValueError):
        return NO_DATA
    if np.isnan(number):
        return NO_DATA
    return MET if number >= float(target) - TOLERANCE else NOT_MET


def status_from_counts(numerator: int, denominator: int, target: float) -> str:
    """MET / NOT_MET for ``numerator`` of ``denominator`` against a percentage, in exact
    arithmetic (``100 * k >= target * n``); NO_DATA when there is no denominator."""
    if denominator is None or int(denominator) <= 0:
        return NO_DATA
    goal = Fraction(str(target))  # "92.5" -> 185/2 exactly
    return MET if 100 * int(numerator) >= goal * int(denominator) else NOT_MET


def shown_values(values: Any, targets: Any, decimals: int = 1) -> np.ndarray:
    """The values as displayed (rule 2), vectorised: 0-100 in, 0-100 out, NaN where missing.

    ``targets`` is one target or one per value.
    """
    v = np.asarray(values, dtype=float)
    t = np.broadcast_to(np.asarray(targets, dtype=float), v.shape)
    scale = 10.0**decimals
    scaled = v * scale
    half_up = np.floor(scaled + 0.5 + _HALF_UP_NUDGE) / scale
    down = np.floor(scaled + _HALF_UP_NUDGE) / scale
    up = np.ceil(scaled - _HALF_UP_NUDGE) / scale
    met = v >= t - TOLERANCE
    out = np.where(~met & (half_up >= t - TOLERANCE), down, half_up)
    out = np.where(met & (out < t - TOLERANCE), up, out)
    # (rounding down a value below the target stays below it; rounding up a value at or
    # above the target stays at or above it: no third case)
    return np.where(np.isnan(v), np.nan, out)


def shown_value(value: Any, target: float, decimals: int = 1) -> float | None:
    """One value as displayed (rule 2); None where missing."""
    if status_of(value, target) == NO_DATA:
        return None
    return float(shown_values([float(value)], target, decimals)[0])


def pct_text(value: Any, target: float, decimals: int = 1) -> str:
    """The shown value as Danish text: '94,9 %'; '–' where missing."""
    return da_pct(shown_value(value, target, decimals), decimals)


def suppressed_text(threshold: int) -> str:
    """What a hidden small figure shows: '<5' for groups of 1 to 4."""
    return f"<{int(threshold)}"


def status_text(state: str) -> str:
    """'✔ Opfyldt', '✖ Ikke opfyldt' or '– Ingen data'."""
    return f"{SYMBOLS[state]} {WORDS[state]}"


@dataclass(frozen=True)
class Change:
    """The change from a previous figure, for a 'Ændring' cell."""

    delta: float | None  # rounded, in the value's unit (pp for percentages); None if missing
    arrow: str  # ▲ ▼ ► or "" when missing
    text: str  # "▲ 1,2 pp", "▼ 3 sager", "► 0,0 pp", "–"
    better: bool | None  # True when the change is an improvement; None when flat or missing


def change(
    current: Any, previous: Any, decimals: int = 1, unit: str = "pp", higher_is_better: bool = True
) -> Change:
    """The change from ``previous`` to ``current`` (both already as shown, e.g. from
    :func:`shown_value`, so the printed figures add up), rounded half up to ``decimals``.

    ``unit`` follows the number: "pp" for percentages, or a noun such as "sager" for counts.
    """
    if status_of(current, 0) == NO_DATA or status_of(previous, 0) == NO_DATA:
        return Change(None, "", MISSING, None)
    scale = 10.0**decimals
    raw = float(current) - float(previous)
    delta = float(np.sign(raw) * np.floor(abs(raw) * scale + 0.5 + _HALF_UP_NUDGE) / scale)
    if delta == 0:
        return Change(0.0, ARROW_FLAT, f"{ARROW_FLAT} {da_number(0, decimals)} {unit}", None)
    arrow = ARROW_UP if delta > 0 else ARROW_DOWN
    better = (delta > 0) == higher_is_better
    return Change(delta, arrow, f"{arrow} {da_number(abs(delta), decimals)} {unit}", better)


class StatusFormats:
    """The xlsxwriter formats of one workbook's status cells, created once and cached:
    ``formats.get(MET, "pct")`` is the met fill on a percent cell, ``formats.word(NOT_MET)``
    the format of the 'Opfyldt' column."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[str, str, bool, bool], Format] = {}

    def get(self, state: str, kind: str = "pct", bold: bool = False, fill: bool = True) -> Format:
        """A cell of ``kind`` (an EXCEL_FORMATS key or "text") in ``state``'s style; with
        ``fill=False`` only its type (bold for not met, grey italic for no data), no fill."""
        key = (state, kind, bold, fill)
        if key not in self._cache:
            props: dict[str, Any] = {"valign": "top"}
            if kind in EXCEL_FORMATS:
                props["num_format"] = EXCEL_FORMATS[kind]
            if kind in ("text", "word"):
                props["align"] = "left"
            style = STATUS_STYLE[state]
            if not fill:
                style = {
                    k: v
                    for k, v in style.items()
                    if k not in ("bg_color", "pattern", "border", "border_color")
                }
                if state == MET:
                    style = {}  # a met figure is plain: only what needs action stands out
            props.update(style)  # a state's own alignment wins
            if bold:
                props["bold"] = True
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]

    def word(self, state: str) -> Format:
        return self.get(state, "word")


def write_status_cells(
    ws: Any,
    row: int,
    col: int,
    value: Any,
    target: float,
    formats: StatusFormats,
    decimals: int = 1,
    fill_value: bool = False,
) -> str:
    """Write the shown percentage at (row, col) and '✔ Opfyldt' etc. at (row, col + 1);
    returns the status. Only the status cell is filled (colour only the cell that needs
    action); the figure is bold when not met, or filled too with ``fill_value``. The cell
    holds the shown value as a fraction, so Excel's "0.0 %" shows exactly the figure decided
    here."""
    state = status_of(value, target)
    shown = shown_value(value, target, decimals)
    if shown is None:
        ws.write_string(row, col, MISSING, formats.get(NO_DATA, "text", fill=fill_value))
    else:
        ws.write_number(row, col, shown / 100.0, formats.get(state, "pct", fill=fill_value))
    ws.write_string(row, col + 1, status_text(state), formats.word(state))
    return state


def judged_fraction(value: Any, target: float, decimals: int = 1) -> tuple[float | None, str | None]:
    """A 0-100 percentage for a judged cell of a table: (the shown value as the fraction
    Excel's percent format expects, "met" / "not_met"), or (None, None) when missing. The
    status is decided on the unrounded ``value`` (rule 1) and the fraction is the shown value
    (rule 2), so "0.0 %" never shows it on the wrong side of the target."""
    state = status_of(value, target)
    if state == NO_DATA:
        return None, None
    shown = shown_value(value, target, decimals)
    return (None if shown is None else shown / 100.0), state
