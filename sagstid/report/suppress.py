"""Small-number suppression (diskretionering) for the committee workbook, which may be published.

A group (a unit, a case area, a unit x area cell, a complaint kind, a month ...) with at least
one and fewer than ``below`` cases does not show its figures: its count and every figure worked
out from it are left blank with a grey fill, and the sheet gets the note "Grupper med færre end
N sager er ikke vist (diskretionering)." Groups with no cases show as before (nothing to hide),
and ``below = 0`` turns suppression off. The whole administration's totals follow the same rule,
so they are shown unless they are themselves small. Unit workbooks and results.json are internal
and are not suppressed (docs/privacy.md).

``suppress`` is the pure part (a group table in, the same table with the small groups' figures
blanked and a flag column out); ``SheetSuppression`` applies it to one sheet as it is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sagstid.report.xlsx import SUPPRESSED, Sheet, is_missing

FLAG = "suppressed"


def note(below: int) -> str:
    """The note on every committee sheet where a figure is suppressed."""
    return f"Grupper med færre end {below} sager er ikke vist (diskretionering)."


def method_rule(below: int) -> str:
    """The rule as the Metode sheet states it."""
    if below <= 0:
        return (
            "Diskretionering er slået fra (suppress_below: 0 i measurement.yaml): alle "
            "grupper vises, også de små."
        )
    return (
        f"Diskretionering: udvalgets projektmappe kan blive offentliggjort, så tal for en "
        f"gruppe (enhed, sagsområde, enhed og sagsområde, klagetype, måned) med 1 til "
        f"{below - 1} sager vises ikke. Antallet og alle tal beregnet af det står som grå, "
        f"tomme celler. Hele forvaltningens tal vises, medmindre de selv er så små. "
        f"Resultatkontraktens antal formalitetsklager pr. enhed og målet for dem vises altid. "
        f"Grænsen sættes med suppress_below i measurement.yaml. Enhedernes egne "
        f"projektmapper er interne og viser alle tal."
    )


def is_small(counts: Any, below: int) -> np.ndarray:
    """True where a count is at least 1 and under ``below`` (never when below <= 0; a missing
    count is no cases)."""
    values = (
        pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(counts, dtype=object))), errors="coerce")
        .fillna(0)
        .to_numpy(dtype=float)
    )
    if below <= 0:
        return np.zeros(len(values), dtype=bool)
    return (values > 0) & (values < below)


def small(count: Any, below: int) -> bool:
    """``is_small`` of one count (None/NaN: no cases, not small)."""
    return False if is_missing(count) else bool(is_small([count], below)[0])


def suppress(
    table: pd.DataFrame, count: str | Sequence[str], derived: Sequence[str], below: int, flag: str = FLAG
) -> tuple[pd.DataFrame, int]:
    """``table`` with the figures of every small group blanked (NaN) and a boolean column
    ``flag`` marking them, and how many groups were suppressed.

    ``count`` is the column holding the group's case count (or several: the group is small when
    any of them is), ``derived`` the columns worked out from it. Other columns (the group's key
    and name) are kept. The input is not changed.
    """
    counts = [count] if isinstance(count, str) else list(count)
    hide = np.zeros(len(table), dtype=bool)
    for column in counts:
        hide |= is_small(table[column].to_numpy(), below)
    out = table.copy()
    out[flag] = hide
    if hide.any():
        for column in dict.fromkeys([*counts, *derived]):
            out[column] = out[column].where(~hide)
    return out, int(hide.sum())


def flagged(row: pd.Series | dict[str, Any] | None, flag: str = FLAG) -> bool:
    """Whether a row of a ``suppress``-ed table is a suppressed group."""
    return row is not None and bool(row.get(flag, False))


class SheetSuppression:
    """Suppression on one committee sheet: reserves a row for the note (when suppression is on),
    blanks small groups' cells as they are written or afterwards, and writes the note at the end
    if anything was suppressed. The committee workbook is assembled in memory, so a cell already
    written can be overwritten."""

    def __init__(self, sheet: Sheet, below: int) -> None:
        if sheet.workbook.constant_memory:
            raise ValueError("suppression rewrites cells: the workbook must be built in memory")
        self.sheet = sheet
        self.below = below
        self.hidden = 0  # groups suppressed on this sheet
        self.note_row: int | None = None
        if below > 0:
            self.note_row = sheet.row
            sheet.skip()

    def small(self, count: Any) -> bool:
        return small(count, self.below)

    def mask(
        self, values: Sequence[Any], fills: Sequence[str | None], positions: Iterable[int], hide: bool
    ) -> tuple[list[Any], list[str | None]]:
        """``values``/``fills`` of one row with ``positions`` blanked and grey if ``hide``."""
        values, fills = list(values), list(fills)
        if hide:
            self.hidden += 1
            for p in positions:
                values[p], fills[p] = None, SUPPRESSED
        return values, fills

    def grey(self, row: int, cols: Iterable[int], bold: bool = False) -> None:
        """Overwrite cells already written (by a shared table writer) with grey blanks."""
        self.hidden += 1
        fmt = self.sheet.styles.get("text", SUPPRESSED, bold)
        for col in cols:
            self.sheet.ws.write_blank(row, col, None, fmt)

    def finish(self) -> None:
        if self.hidden and self.note_row is not None:
            self.sheet.ws.write_string(self.note_row, 0, note(self.below), self.sheet.styles.subtitle)
