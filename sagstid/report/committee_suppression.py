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
  margins), the months, which add up to the same total, and (Tilsyn) each unit's decisions in
  the three audit areas, a sum over part of the unit's row.
* ``open``: open decisions on the period's last day per unit and per area, each adding up to
  the total.
* ``complaints``: complaints answered per unit and per kind, each adding up to the total.
* ``received``: complaints received per unit and per area (Resultatkontrakt per 1.000).
* ``appeals``: Ankestyrelsen's decisions per unit, adding up to the total.
* ``samples``: the audit's samples per unit and per area (Tilsyn), each adding up to the
  total, with the samples answered yes inside them.
* ``excluded``: the decision rows left out of the measurement per unit of the units table
  (Datakvalitet) and, never shown, those without a known unit (the unit ""), adding up to the
  total that the reasons table and the row accounting show. (The reason "Ukendt enhed" is only
  a lower bound of the unknown rows, so they are not shown per unit: a code outside the units
  table with 1-4 rows would be given away by it.)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sagstid.measure.complaints import APPEAL_OUTCOMES
from sagstid.report.suppress import PRIMARY, SECONDARY, complementary, table_lines
from sagstid.validate.audit import AUDIT_AREAS

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

    def add(
        self,
        keys: Sequence[Key],
        values: Any,
        lines: Sequence[Sequence[int]],
        parts: Sequence[Any] = (),
        margin: Sequence[int] | None = None,
    ) -> None:
        """Suppress the cells ``keys`` (with counts ``values``) tied by ``lines`` (each: the
        parts, then their total). A key of kind "total", or "unit"/"area" among "cell" keys
        (a table's margins), is a total: hidden only when no part will do (``margin``: the
        order in which cells are hidden instead, if given; see ``complementary``). ``parts``:
        counts inside each cell, published beside it (``complementary``)."""
        if margin is None:
            kinds = {key[1] for key in keys}
            margin = [
                int(key[1] == "total" or (key[1] in ("unit", "area") and "cell" in kinds)) for key in keys
            ]
        primary, secondary = complementary(values, lines, self.below, margin=margin, parts=parts)
        for key, p, s in zip(keys, primary.tolist(), secondary.tolist(), strict=False):
            if p:
                self._state[key] = PRIMARY
            elif s:
                self._state[key] = SECONDARY

    def add_partitions(
        self,
        family: str,
        total: Any,
        parts: dict[str, pd.DataFrame | None],
        count: str,
        inner: Sequence[str] = (),
    ) -> None:
        """Groups that add up to one total (``total``: a row with ``count`` and ``inner``), in
        one or more ways (``parts``: kind -> a frame keyed by its first column, with ``count``
        and the ``inner`` counts published beside it): each way is a line with the total."""
        keys: list[Key] = [(family, "total")]
        values: list[list[float]] = [[_number(_get(total, c)) for c in (count, *inner)]]
        lines = []
        for kind, frame in parts.items():
            start = len(keys)
            if frame is not None and len(frame):
                key = frame.columns[0]
                codes = frame[key].astype(object).where(frame[key].notna(), None)
                for i, code in enumerate(codes.tolist()):
                    keys.append((family, kind, str(code)))
                    values.append([_number(frame[c].iloc[i]) for c in (count, *inner)])
            lines.append([*range(start, len(keys)), 0])
        table = np.array(values, dtype=float).reshape(len(keys), 1 + len(inner))
        self.add(keys, table[:, 0], lines, parts=[table[:, 1 + k] for k in range(len(inner))])

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


def _get(row: Any, column: str) -> Any:
    if row is None:
        return None
    if isinstance(row, pd.DataFrame):
        return row[column].sum() if column in row and len(row) else None
    return row.get(column)


def _decisions(plan: Plan, ctx: Any) -> None:
    """Enhed x område with its margins (the unit totals of Enheder, the area totals of
    Sagsområder, the total of Overblik), and the months of Udvikling adding up to the total."""
    m = ctx.current
    units = sorted(m.by_unit["unit_code"].astype(str).tolist())
    areas = sorted(m.by_area["case_area_code"].astype(str).tolist())
    # decisions, then the counts published beside them: within deadline, and within deadline
    # plus exceeded with a notice (within + notified <= decisions: notified <= exceeded)
    m_within = {
        name: frame.assign(_wn=frame["within_deadline"] + frame["exceeded_notified"])
        for name, frame in (("ua", m.by_unit_area), ("u", m.by_unit), ("a", m.by_area), ("m", m.by_month))
    }
    total_row = {c: _number(m.total.get(c)) for c in ("decisions", "within_deadline")}
    total_row["_wn"] = total_row["within_deadline"] + _number(m.total.get("exceeded_notified"))

    def layer(column: str) -> np.ndarray:
        grid = (
            m_within["ua"]
            .pivot(index="unit_code", columns="case_area_code", values=column)
            .reindex(index=units, columns=areas)
            .fillna(0)
            .to_numpy(dtype=float)
        )
        full = np.zeros((len(units) + 1, len(areas) + 1))
        full[:-1, :-1] = grid
        full[:-1, -1] = m_within["u"].set_index("unit_code")[column].reindex(units).fillna(0)
        full[-1, :-1] = m_within["a"].set_index("case_area_code")[column].reindex(areas).fillna(0)
        full[-1, -1] = total_row[column]
        monthly = m_within["m"][column].fillna(0).to_numpy(dtype=float)
        return np.concatenate([full.ravel(), monthly])

    keys: list[Key] = [
        *(
            ("decisions", "cell", u, a) if a is not None else ("decisions", "unit", u)
            for u in units
            for a in [*areas, None]
        ),
        *(("decisions", "area", a) for a in areas),
        ("decisions", "total"),
    ]
    lines: list[Any] = list(table_lines(len(units) + 1, len(areas) + 1))
    total_cell = len(keys) - 1
    keys += [("decisions", "month", str(month)) for month in m.by_month["month"].tolist()]
    lines.append([*range(total_cell + 1, len(keys)), total_cell])
    layers = [layer("decisions"), layer("within_deadline"), layer("_wn")]
    margin = [int(key[1] != "cell" and key[1] != "month") for key in keys]
    if ctx.audit is not None:
        # Tilsyn publishes each unit's decisions in the audit areas (and those within deadline
        # or notified: its share "alle afgørelser"): a sum over part of a row of the table.
        cell = {key: i for i, key in enumerate(keys)}
        audit = [a for a in AUDIT_AREAS if a in areas]
        rows = [[cell[("decisions", "cell", u, a)] for a in audit] for u in units]
        rows.append([cell[("decisions", "area", a)] for a in audit])
        start = len(keys)
        keys += [*(("decisions", "audit", u) for u in units), ("decisions", "audit_total")]
        # cheaper to hide than any cell of the table: only Tilsyn shows them
        margin += [-1] * (len(units) + 1)
        layers = [np.concatenate([values, [values[r].sum() for r in rows]]) for values in layers]
        lines += [[*r, start + i] for i, r in enumerate(rows)]
        lines.append([*range(start, start + len(units)), start + len(units)])
    plan.add(keys, layers[0], lines, parts=layers[1:], margin=margin)


def excluded_rows(ctx: Any) -> pd.DataFrame:
    """The decision rows left out of the measurement per unit (``unit_code``, "" where the
    row has none; ``rows``), sorted by code: the counts Datakvalitet publishes per unit."""
    counts = ctx.current.accounting
    excluded = counts[(counts["status"] == "excluded").to_numpy()]
    codes = excluded["unit_code"].astype(object).where(excluded["unit_code"].notna(), "").astype(str)
    out = excluded.assign(unit_code=codes.to_numpy()).groupby("unit_code", as_index=False)["rows"].sum()
    return out[out["rows"].to_numpy() > 0].sort_values("unit_code", kind="stable").reset_index(drop=True)


def committee_plan(ctx: Any) -> Plan:
    """The hidden groups of the committee workbook for ``ctx`` (RunMeasurement)."""
    plan = Plan(ctx.suppress_below)
    if ctx.suppress_below <= 0:
        return plan
    _decisions(plan, ctx)
    excluded = excluded_rows(ctx)
    plan.add_partitions("excluded", pd.Series({"rows": excluded["rows"].sum()}), {"unit": excluded}, "rows")
    snapshot = ctx.snapshot
    if snapshot is not None:
        from sagstid.measure.open_cases import open_metrics

        cases = snapshot.open_decisions
        plan.add_partitions(
            "open",
            open_metrics(cases, []),
            {"unit": open_metrics(cases, ["unit_code"]), "area": open_metrics(cases, ["case_area_code"])},
            "open",
            ["overdue", "due_soon", "notice_missing"],
        )
    c = ctx.complaints
    if c is not None:
        plan.add_partitions(
            "complaints",
            c.total,
            {
                "unit": c.by_unit[["unit_code", "complaints", "on_time"]],
                "kind": c.by_kind[["complaint_kind", "complaints", "on_time"]],
            },
            "complaints",
            ["on_time"],
        )
        appeals = c.appeals_by_unit
        outcomes = list(APPEAL_OUTCOMES)
        per_unit = appeals.assign(_n=appeals[outcomes].sum(axis=1)) if len(appeals) else None
        total = pd.Series(
            {
                **{o: _number(c.appeals[o]) for o in outcomes},
                "_n": sum(_number(c.appeals[o]) for o in outcomes),
            }
        )
        plan.add_partitions(
            "appeals",
            total,
            {"unit": None if per_unit is None else per_unit[["unit_code", "_n", *outcomes]]},
            "_n",
            outcomes,
        )
    audit = ctx.audit
    if audit is not None:
        yes = ["resource_profile", "citizen_involved", "deadline_met_or_notified"]
        plan.add_partitions(
            "samples",
            audit.total,
            {
                "unit": audit.by_unit[["unit_code", "samples", *yes]],
                "area": audit.by_area[["case_area_code", "samples", *yes]],
            },
            "samples",
            yes,
        )
    if ctx.contract is not None:
        f = ctx.contract
        plan.add_partitions(
            "received",
            f.per_1000_total,
            {
                "unit": f.per_1000_by_unit[["unit_code", "complaints"]],
                "area": f.per_1000_by_area[["case_area_code", "complaints"]],
            },
            "complaints",
        )
    return plan
