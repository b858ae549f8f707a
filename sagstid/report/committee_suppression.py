"""Which groups the committee workbook hides, worked out once for the whole workbook.

The committee workbook publishes the same counts on several sheets: a unit's decisions on
Enheder, as the row total of Enhed x område, beside the complaints on Resultatkontrakt; an
area's on Sagsområder, as the column total of Enhed x område, on Resultatkontrakt; the whole
administration's on Overblik, Sagsområder and Enhed x område, where the months of Udvikling add
up to it. A cell hidden on one sheet must be hidden everywhere, and the pattern must hold
against every published sum. So the hidden groups are decided here, per family of counts, with
``complementary`` (suppress.py), and every sheet asks the plan (``SheetSuppression.state``).

Families (the key of a group is ``(family, kind, code...)``):

* ``decisions``: unit x area cells, unit totals, area totals and the total (one table with its
  margins), and the months, which add up to the same total.
* ``open``: open decisions on the period's last day per unit and per area, each adding up to
  the total.
* ``complaints``: complaints answered per unit and per kind, each adding up to the total.
* ``received``: complaints received per unit and per area (Resultatkontrakt per 1.000).
* ``appeals``: Ankestyrelsen's decisions per unit, adding up to the total.
* ``excluded``: excluded decision rows per unit (Datakvalitet), adding up to the total.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sagstid.complaints import APPEAL_OUTCOMES
from sagstid.report.suppress import PRIMARY, SECONDARY, complementary, table_lines

Key = tuple[Hashable, ...]


class Plan:
    """The hidden groups of one committee workbook: ``state(key)`` is "primary" (small),
    "secondary" (hidden to protect a small one) or None (shown; also for unknown keys)."""

    def __init__(self, below: int) -> None:
        self.below = below
        self._state: dict[Key, str] = {}

    def state(self, key: Key) -> str | None:
        return self._state.get(key)

    def hidden(self, key: Key) -> bool:
        return key in self._state

    def add(self, keys: Sequence[Key], values: Any, lines: Sequence[Sequence[int]]) -> None:
        """Suppress the cells ``keys`` (with counts ``values``) tied by ``lines`` (each: the
        parts, then their total). A key of kind "unit", "area" or "total" whose family has
        parts below it (cells, or a "total" over partitions) is a total: hidden last."""
        kinds = {key[1] for key in keys}
        margin = [key[1] == "total" or (key[1] in ("unit", "area") and "cell" in kinds)
                  for key in keys]
        primary, secondary = complementary(values, lines, self.below, margin=margin)
        for key, p, s in zip(keys, primary.tolist(), secondary.tolist()):
            if p:
                self._state[key] = PRIMARY
            elif s:
                self._state[key] = SECONDARY

    def add_partitions(self, family: str, total: Any,
                       parts: dict[str, dict[str, Any]]) -> None:
        """Groups that add up to one total, in one or more ways (``parts``: kind -> code ->
        count): each way is a line with the total."""
        keys: list[Key] = [(family, "total")]
        values: list[Any] = [_number(total)]
        lines = []
        for kind, counts in parts.items():
            start = len(keys)
            for code, n in counts.items():
                keys.append((family, kind, code))
                values.append(_number(n))
            lines.append([*range(start, len(keys)), 0])
        self.add(keys, values, lines)

    def summary(self) -> dict[str, int]:
        """How many groups are hidden, by reason."""
        states = list(self._state.values())
        return {PRIMARY: states.count(PRIMARY), SECONDARY: states.count(SECONDARY)}


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if np.isnan(number) else number


def _counts(frame: pd.DataFrame | None, key: str, column: str) -> dict[str, float]:
    if frame is None or not len(frame) or key not in frame:
        return {}
    codes = frame[key].astype(object).where(frame[key].notna(), None)
    return {str(c): _number(v) for c, v in zip(codes.tolist(), frame[column].tolist())}


def _decisions(plan: Plan, ctx: Any) -> None:
    """Enhed x område with its margins (the unit totals of Enheder, the area totals of
    Sagsområder, the total of Overblik), and the months of Udvikling adding up to the total."""
    m = ctx.current
    units = sorted(m.by_unit["unit_code"].astype(str).tolist())
    areas = sorted(m.by_area["case_area_code"].astype(str).tolist())
    grid = (m.by_unit_area.pivot(index="unit_code", columns="case_area_code", values="decisions")
            .reindex(index=units, columns=areas).fillna(0).to_numpy(dtype=float))
    by_unit = m.by_unit.set_index("unit_code")["decisions"].reindex(units).fillna(0).to_numpy(float)
    by_area = (m.by_area.set_index("case_area_code")["decisions"].reindex(areas).fillna(0)
               .to_numpy(float))
    total = _number(m.total.get("decisions"))
    full = np.zeros((len(units) + 1, len(areas) + 1))
    full[:-1, :-1], full[:-1, -1], full[-1, :-1], full[-1, -1] = grid, by_unit, by_area, total
    keys: list[Key] = [
        *(("decisions", "cell", u, a) if a is not None else ("decisions", "unit", u)
          for u in units for a in [*areas, None]),
        *(("decisions", "area", a) for a in areas), ("decisions", "total")]
    lines = table_lines(len(units) + 1, len(areas) + 1)
    months = _counts(m.by_month, "month", "decisions")
    total_cell = len(keys) - 1
    keys += [("decisions", "month", month) for month in months]
    lines.append([*range(total_cell + 1, len(keys)), total_cell])
    plan.add(keys, [*full.ravel().tolist(), *months.values()], lines)


def committee_plan(ctx: Any) -> Plan:
    """The hidden groups of the committee workbook for ``ctx`` (ReportContext)."""
    plan = Plan(ctx.suppress_below)
    if ctx.suppress_below <= 0:
        return plan
    _decisions(plan, ctx)
    snapshot = ctx.snapshot
    if snapshot is not None:
        from sagstid.snapshot import open_metrics

        cases = snapshot.open_decisions
        total = open_metrics(cases, [])
        plan.add_partitions("open", total["open"].sum() if len(total) else 0, {
            "unit": _counts(open_metrics(cases, ["unit_code"]), "unit_code", "open"),
            "area": _counts(open_metrics(cases, ["case_area_code"]), "case_area_code", "open")})
    c = ctx.complaints
    if c is not None:
        plan.add_partitions("complaints", c.total.get("complaints"), {
            "unit": _counts(c.by_unit, "unit_code", "complaints"),
            "kind": _counts(c.by_kind, "complaint_kind", "complaints")})
        appeals = c.appeals_by_unit
        per_unit = (appeals.assign(_n=appeals[list(APPEAL_OUTCOMES)].sum(axis=1))
                    if len(appeals) else appeals)
        plan.add_partitions("appeals", sum(_number(c.appeals[o]) for o in APPEAL_OUTCOMES),
                            {"unit": _counts(per_unit, "unit_code", "_n")})
    if ctx.contract is not None:
        f = ctx.contract
        plan.add_partitions("received", f.per_1000_total.get("complaints"), {
            "unit": _counts(f.per_1000_by_unit, "unit_code", "complaints"),
            "area": _counts(f.per_1000_by_area, "case_area_code", "complaints")})
    return plan
