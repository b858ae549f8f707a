"""Small-number suppression (diskretionering) for the committee workbook, which may be published.

Primary suppression: a group (a unit, a case area, a unit x area cell, a complaint kind, a month
...) with at least one and fewer than ``below`` cases does not show its figures: its count and
every figure worked out from it read "<5" (the threshold) on a grey fill. Secondary suppression
(``complementary``): a figure that the published totals would give back by subtraction takes
other figures with it, shown as "x", until no hidden count can be worked out from anything the
workbook publishes (the same count on another sheet, the months adding up to the period, a
share with its count ...). ``committee_suppression.py`` decides the hidden groups once for the
whole workbook; every sheet asks it. The sheet gets the note saying what "<5" and "x" mean.
Groups with no cases show as before (nothing to hide), and ``below = 0`` turns suppression
off. Unit workbooks and results.json are internal and are not suppressed (docs/privacy.md).

``suppress`` and ``complementary`` are the pure parts; ``SheetSuppression`` applies the plan to
one sheet as it is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sagstid.report.xlsx import SUPPRESSED, Sheet, is_missing

FLAG = "suppressed"


def note(below: int) -> str:
    """The note on every committee sheet where a figure is suppressed: what "<5" and "x" mean."""
    return (
        f'Grupper med færre end {below} sager er ikke vist (diskretionering): "<{below}" står '
        f'for 1 til {below - 1} sager; "x" er skjult, for at et lille tal ikke kan regnes ud '
        f"af totalerne."
    )


def method_rule(below: int) -> list[str]:
    """The rule as the Metode sheet states it, in plain Danish (no setting or file names), one
    short sentence a row."""
    if below <= 0:
        return ["Diskretionering er slået fra: alle grupper vises, også de små."]
    return [
        f"Diskretionering: udvalgets projektmappe kan blive offentliggjort, så tal under {below} "
        f'vises som "<{below}": en gruppe (en enhed, et sagsområde, en enhed i et sagsområde, '
        f"en klagetype, en måned) med 1 til {below - 1} sager vises ikke.",
        f'Andele og andre tal, der er beregnet af en sådan gruppe, vises også som "<{below}".',
        "Et tal, der ellers ville afsløre et skjult tal, når man trækker de viste tal fra en "
        'total (i samme tabel eller på et andet ark), vises som "x". Et "x" dækker over '
        f"mindst {below} sager.",
        f"Hele forvaltningens tal vises, medmindre de selv er under {below}.",
        "Resultatkontraktens antal formalitetsklager pr. enhed vises altid: det er det tal, "
        "kontrakten følges op på.",
        "Enhedernes egne projektmapper er interne og viser alle tal.",
    ]


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


PRIMARY, SECONDARY = "primary", "secondary"  # why a cell is hidden: small, or to protect a small one


def shown_as(state: str | None, below: int) -> str | None:
    """The text in a hidden cell: "<5" (the threshold) for a small group, "x" for a group hidden
    only so that a small one cannot be worked out; None for a shown cell."""
    if state == PRIMARY:
        return f"<{below}"
    return "x" if state == SECONDARY else None


def complementary(
    values: Any,
    lines: Sequence[Sequence[int]],
    below: int,
    primary: Any = None,
    margin: Any = None,
    audit: bool = True,
    parts: Sequence[Any] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Primary and complementary (secondary) suppression of cells tied by published sums.

    ``values`` are the cells' counts (a flat array; NaN is no cases). ``lines`` are groups of cell
    positions tied by one published equation: the parts, then their total as the line's last cell (a
    row of a table ending in its row total, a column ending in its column total, the months of a
    year ending in the year's total ...). ``primary`` (default: ``is_small(values, below)``) marks
    the cells hidden because they are small; ``margin`` marks totals, which are hidden only when no
    part will do (hiding a unit's total hides it on every sheet); whole numbers instead of True and
    False set the order in which cells are chosen (lowest first; cells shown on only one minor sheet
    can go before the parts). ``parts`` are counts inside the cells that the workbook publishes
    beside them and hides with them (decisions within deadline; open decisions overdue ...): each a
    flat array like ``values``, adding up along the same lines, never more than the cell. The audit
    knows them, as a reader would.

    Secondary suppression repeats these rules until none applies:

    1. a line with exactly one hidden cell gives it away by subtraction: hide another cell of
       the line;
    2. a line with its total shown whose hidden cells are all small and add up to fewer than
       ``below`` (two cells of 1: the reader knows both are 0 to 2): hide a cell of the line
       with at least ``below`` cases;
    3. (``audit``) given every shown cell and part and every line (linear programming), a
       small cell whose smallest possible value is not 0 or whose largest is under
       ``below - 1``, or a cell hidden to protect whose possible values span less than
       ``below - 1`` (it would be as good as shown): hide another cell of one of its lines.

    The cell to hide is a part before a total, then one that already shares a line with a
    hidden cell (it closes a pattern rather than opening a new one), then the smallest, then
    the first. Cells without cases are used only by rule 1, when a line has nothing else to
    hide.
    Returns (primary, secondary) boolean masks; secondary excludes primary. ``below <= 0``:
    nothing is hidden.
    """
    counts = (
        pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce")
        .fillna(0)
        .to_numpy(dtype=float)
    )
    n = len(counts)
    if below <= 0:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    small_cells = (
        is_small(counts, below) if primary is None else np.asarray(primary, dtype=bool).ravel().copy()
    )
    tier = np.zeros(n, dtype=int) if margin is None else np.asarray(margin).ravel().astype(int)
    members = [np.asarray(line, dtype=int) for line in lines if len(line) > 1]
    inner = [
        pd.to_numeric(pd.Series(np.asarray(p, dtype=object).ravel()), errors="coerce")
        .fillna(0)
        .to_numpy(dtype=float)
        for p in parts
    ]
    hidden = small_cells.copy()
    wide: set[int] = set()  # cells the audit passed: hiding more only widens their range
    while True:
        pick = _line_rule(members, counts, hidden, tier, below)
        if pick is None and audit:
            pick = _audit_rule(members, counts, inner, hidden, small_cells, tier, below, wide)
        if pick is None:
            break
        hidden[pick] = True
    return small_cells, hidden & ~small_cells


def _touching(members: list[np.ndarray], hidden: np.ndarray) -> np.ndarray:
    """For each cell, how many hidden cells share a line with it."""
    touching = np.zeros(len(hidden), dtype=int)
    for line in members:
        touching[line] += int(hidden[line].sum())
    return touching


def _line_rule(
    members: list[np.ndarray], counts: np.ndarray, hidden: np.ndarray, tier: np.ndarray, below: int
) -> int | None:
    """The next cell rules 1 and 2 hide, or None."""
    touching = None
    for line in members:
        line_hidden = hidden[line]
        k = int(line_hidden.sum())
        if k == 0:
            continue
        if k > 1:  # rule 2: only with the total shown, all hidden parts small, their sum too
            parts = counts[line][line_hidden]
            if line_hidden[-1] or (parts >= below).any() or parts.sum() >= below:
                continue
        if touching is None:
            touching = _touching(members, hidden)
        others = touching.copy()
        others[line] -= k  # hidden cells in other lines than this one
        pick = _best(line[~line_hidden], counts, others, tier, 0.0 if k == 1 else float(below))
        if pick is not None:
            return pick
    return None


def _audit_rule(
    members: list[np.ndarray],
    counts: np.ndarray,
    inner: list[np.ndarray],
    hidden: np.ndarray,
    small_cells: np.ndarray,
    tier: np.ndarray,
    below: int,
    wide: set[int],
) -> int | None:
    """The next cell rule 3 hides, or None: for the first hidden cell the published figures
    pin down too narrowly (a small cell: not anything from 0 to below - 1; a cell hidden to
    protect: within less than below - 1), a shown cell of one of its lines."""
    from scipy.optimize import linprog

    unknown = np.flatnonzero(hidden)
    if not len(unknown):
        return None
    h = len(unknown)
    column = {cell: i for i, cell in enumerate(unknown.tolist())}
    width = h * (1 + len(inner))  # the hidden cells, then the hidden cells' parts
    rows, rhs = [], []
    for line in members:
        # the parts add up to the line's last cell: sum(parts) - total = 0, so the hidden
        # cells' signed sum is what the shown ones leave (here: their true signed sum)
        sign = np.ones(len(line))
        sign[-1] = -1.0
        inside = np.array([cell in column for cell in line.tolist()])
        if not inside.any():
            continue
        where = [column[c] for c in line[inside].tolist()]
        for k, values in enumerate([counts, *inner]):
            row = np.zeros(width)
            row[[k * h + i for i in where]] = sign[inside]
            rows.append(row)
            rhs.append(float((sign[inside] * values[line[inside]]).sum()))
    if not rows:
        return None
    a_eq, b_eq = np.array(rows), np.array(rhs)
    a_ub = np.zeros((h * len(inner), width))  # a part is never more than its cell
    for k in range(len(inner)):
        a_ub[k * h + np.arange(h), (k + 1) * h + np.arange(h)] = 1.0
        a_ub[k * h + np.arange(h), np.arange(h)] = -1.0
    bounds = {"A_ub": a_ub, "b_ub": np.zeros(len(a_ub))} if len(a_ub) else {}
    touching = None
    for cell in unknown.tolist():
        if cell in wide:
            continue
        goal = np.zeros(width)
        goal[column[cell]] = 1.0
        low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs", **bounds)
        high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs", **bounds)
        if low.status != 0 or high.status not in (0, 3):
            continue
        top = np.inf if high.status == 3 else -high.fun
        if (
            low.fun <= 1e-6 and top >= below - 1 - 1e-6
            if small_cells[cell]
            else top - low.fun >= below - 1 - 1e-6
        ):
            wide.add(cell)
            continue
        if touching is None:
            touching = _touching(members, hidden)
        candidates = np.unique(
            np.concatenate([line for line in members if cell in set(line.tolist())] or [np.array([], int)])
        )
        pick = _best(candidates[~hidden[candidates]], counts, touching, tier, float(below))
        if pick is not None:
            return pick
    return None


def _best(
    cells: np.ndarray, counts: np.ndarray, touching: np.ndarray, tier: np.ndarray, need: float
) -> int | None:
    """The shown cell to hide: one with at least ``need`` cases if there is one, else one with
    cases, else (``need`` 0) any; among those a part before a total, then one touching another
    hidden cell, then the smallest, then the first."""
    if not len(cells):
        return None
    tiers = [counts[cells] >= max(need, 1.0), counts[cells] > 0]
    if need <= 0:
        tiers.append(np.ones(len(cells), bool))  # rule 1 only: a cell without cases, at worst
    for ok in tiers:
        candidates = cells[ok]
        if len(candidates):
            order = np.lexsort(
                (candidates, counts[candidates], (touching[candidates] == 0), tier[candidates])
            )
            return int(candidates[order[0]])
    return None


def table_lines(rows: int, cols: int) -> list[np.ndarray]:
    """The lines of a ``rows`` x ``cols`` table whose last row and last column are the totals
    (cells numbered row by row): every row and every column, the margins included."""
    grid = np.arange(rows * cols).reshape(rows, cols)
    return [*grid, *grid.T]


def flagged(row: pd.Series | dict[str, Any] | None, flag: str = FLAG) -> bool:
    """Whether a row of a ``suppress``-ed table is a suppressed group."""
    return row is not None and bool(row.get(flag, False))


class SheetSuppression:
    """Suppression on one committee sheet: reserves a row for the note (when suppression is on),
    hides groups' cells as they are written or afterwards ("<5" for a small group, "x" for one
    hidden only to protect a small one; grey fill), and writes the note at the end if anything
    was hidden. ``plan`` (committee_suppression.Plan) says which groups are hidden across the
    whole workbook; ``state(key)`` asks it. The committee workbook is assembled in memory, so a
    cell already written can be overwritten."""

    def __init__(self, sheet: Sheet, below: int, plan: Any = None) -> None:
        if sheet.workbook.constant_memory:
            raise ValueError("suppression rewrites cells: the workbook must be built in memory")
        self.sheet = sheet
        self.below = below
        self.plan = plan
        self.hidden = 0  # groups suppressed on this sheet
        self.note_row: int | None = None
        if below > 0:
            self.note_row = sheet.row
            sheet.skip()

    def small(self, count: Any) -> bool:
        return small(count, self.below)

    def state(self, key: tuple[Any, ...], count: Any = None) -> str | None:
        """The plan's state of the group ``key`` ("primary", "secondary" or None); without a
        plan (or for a group the plan does not know), "primary" when ``count`` is small."""
        found = None if self.plan is None else self.plan.state(key)
        if found is None and self.small(count):
            return PRIMARY
        return found

    def _state(self, hide: bool | str | None) -> str | None:
        if hide is True:
            return PRIMARY
        return hide if hide in (PRIMARY, SECONDARY) else None

    def mask(
        self,
        values: Sequence[Any],
        fills: Sequence[str | None],
        positions: Iterable[int],
        hide: bool | str | None,
    ) -> tuple[list[Any], list[str | None]]:
        """``values``/``fills`` of one row with ``positions`` hidden if ``hide`` (True or
        "primary": "<5"; "secondary": "x")."""
        values, fills = list(values), list(fills)
        state = self._state(hide)
        if state is not None:
            self.hidden += 1
            for p in positions:
                values[p], fills[p] = shown_as(state, self.below), SUPPRESSED
        return values, fills

    def grey(self, row: int, cols: Iterable[int], bold: bool = False, hide: bool | str | None = True) -> None:
        """Overwrite cells already written (by a shared table writer) with the hidden mark."""
        state = self._state(hide)
        if state is None:
            return
        self.hidden += 1
        fmt = self.sheet.styles.get("text", SUPPRESSED, bold)
        for col in cols:
            self.sheet.ws.write_string(row, col, shown_as(state, self.below) or "", fmt)

    def finish(self) -> None:
        if self.hidden and self.note_row is not None:
            self.sheet.ws.write_string(self.note_row, 0, note(self.below), self.sheet.styles.subtitle)
