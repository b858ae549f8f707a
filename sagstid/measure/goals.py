"""Targets against a baseline (rules in docs/flow.md).

The committee sets goals such as "cut handling complaints by 40 % against 2023 by 2027" or
"raise the fastholdelsesprocent to 80 % by 2026". A goal is (measure, baseline year, a
reduction fraction or a target level, target year), for the whole administration or one unit.
Pure: yearly figures in, one row per goal out.

**Yearly figures** (``yearly_complaint_figures``): per measure, unit (and the whole
administration, ``unit_code`` None) and year: ``value`` (the figure so far), ``complete``
(the year has ended by the as-of date E) and ``projected`` (the full-year figure: ``value`` for
a complete year and for a share; for a count in the year of E, ``value / fraction`` with
``fraction`` = days elapsed / days in the year, the pace rule of the resultatkontrakt).

**A goal, measured as of E:**

* ``baseline`` = the figure of the baseline year (which must be complete);
* ``goal`` = baseline x (1 - reduction), or the level;
* the straight line runs from the baseline at the end of the baseline year (31 December) to the
  goal at the end of the target year; ``elapsed_share`` = (E - end of baseline year) / (end of
  target year - end of baseline year) in days, clipped to 0..1; ``expected`` = baseline +
  elapsed_share x (goal - baseline): where the figure should be by E on an even path;
* ``current`` = the ``projected`` figure of E's year;
* ``status``: ``met`` when current is on the right side of expected or on it (at most for a
  measure that should go down, at least for one that should go up), else ``not_met``;
  ``no_baseline`` when the baseline year has no figure or has not ended; ``no_figure`` when
  E's year has no figure.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sagstid.values import text_array

# The measures goals can be set on, and the way each should go.
MEASURES: dict[str, str] = {
    "handling_complaints": "down",  # handling complaints received in the year (count)
    "handling_medhold": "down",  # handling complaints answered in the year, full/partial success
    "upheld_pct": "up",  # fastholdelsesprocent: decision complaints answered, upheld share
}
SHARES = frozenset({"upheld_pct"})
GOAL_STATUSES: tuple[str, ...] = ("met", "not_met", "no_baseline", "no_figure")
FIGURE_COLUMNS: tuple[str, ...] = ("measure", "unit_code", "year", "value", "complete", "projected")
GOAL_COLUMNS: tuple[str, ...] = (
    "measure",
    "unit_code",
    "baseline_year",
    "target_year",
    "reduction",
    "level",
    "direction",
    "baseline",
    "goal",
    "elapsed_share",
    "expected",
    "year",
    "current",
    "status",
)
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Goal:
    """One goal; exactly one of ``reduction`` (a fraction, 0.4 = 40 % fewer) and ``level``."""

    measure: str
    baseline_year: int
    target_year: int
    reduction: float | None = None
    level: float | None = None
    unit_code: str | None = None  # None: the whole administration

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"goal: unknown measure {self.measure!r} (one of {sorted(MEASURES)})")
        if (self.reduction is None) == (self.level is None):
            raise ValueError(f"goal {self.measure}: give either reduction or level")
        if self.target_year <= self.baseline_year:
            raise ValueError(f"goal {self.measure}: target_year must be after baseline_year")
        if self.reduction is not None:
            if MEASURES[self.measure] != "down":
                raise ValueError(
                    f"goal {self.measure}: a reduction needs a measure that should go down; give a level"
                )
            if not 0 < self.reduction < 1:
                raise ValueError(f"goal {self.measure}: reduction must be between 0 and 1")

    def goal_value(self, baseline: float) -> float:
        """baseline x (1 - reduction), or the level."""
        if self.reduction is not None:
            return baseline * (1 - self.reduction)
        assert self.level is not None  # __post_init__: exactly one of the two
        return float(self.level)

    @property
    def direction(self) -> str:
        return MEASURES[self.measure]

    @classmethod
    def from_dict(cls, entry: Mapping[str, Any]) -> Goal:
        """From a targets.yaml entry (proposed shape, docs/flow.md)."""
        return cls(
            measure=entry["measure"],
            baseline_year=int(entry["baseline_year"]),
            target_year=int(entry["target_year"]),
            reduction=entry.get("reduction"),
            level=entry.get("level"),
            unit_code=entry.get("unit_code"),
        )


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def elapsed_share(baseline_year: int, target_year: int, as_of: dt.date) -> float:
    """The share of the span from the end of the baseline year to the end of the target year
    that has passed by ``as_of`` (days; 0..1)."""
    span = (year_end(target_year) - year_end(baseline_year)).days
    return min(max((as_of - year_end(baseline_year)).days / span, 0.0), 1.0)


def year_fraction(as_of: dt.date) -> float:
    """Days of ``as_of``'s year elapsed by it (itself included) / days in the year."""
    return as_of.timetuple().tm_yday / (366 if calendar.isleap(as_of.year) else 365)


def _figure(figures: pd.DataFrame, measure: str, unit_code: str | None, year: int) -> pd.Series | None:
    unit = figures["unit_code"].astype(object)
    same_unit = unit.isna().to_numpy() if unit_code is None else (unit == unit_code).to_numpy()
    found = figures[
        (figures["measure"].to_numpy() == measure) & same_unit & (figures["year"].to_numpy() == year)
    ]
    if found.empty or pd.isna(found.iloc[0]["projected"]):
        return None
    return found.iloc[0]


def evaluate_goals(goals: Iterable[Goal], figures: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """GOAL_COLUMNS, one row per goal (a handful: a plain loop over goals, not case data).

    ``figures``: FIGURE_COLUMNS (``yearly_complaint_figures``, or any other source of yearly
    figures for the MEASURES)."""
    out = []
    for goal in goals:
        row: dict[str, Any] = {
            "measure": goal.measure,
            "unit_code": goal.unit_code,
            "baseline_year": goal.baseline_year,
            "target_year": goal.target_year,
            "reduction": goal.reduction,
            "level": goal.level,
            "direction": goal.direction,
            "baseline": None,
            "goal": None,
            "elapsed_share": None,
            "expected": None,
            "year": as_of.year,
            "current": None,
        }
        base = _figure(figures, goal.measure, goal.unit_code, goal.baseline_year)
        if base is None or not bool(base["complete"]):
            out.append({**row, "status": "no_baseline"})
            continue
        baseline = float(base["projected"])
        target = goal.goal_value(baseline)
        share = elapsed_share(goal.baseline_year, goal.target_year, as_of)
        expected = baseline + share * (target - baseline)
        row.update(baseline=baseline, goal=target, elapsed_share=share, expected=expected)
        now = _figure(figures, goal.measure, goal.unit_code, as_of.year)
        if now is None:
            out.append({**row, "status": "no_figure"})
            continue
        current = float(now["projected"])
        if goal.direction == "down":
            met = current <= expected + _TOLERANCE
        else:
            met = current >= expected - _TOLERANCE
        out.append({**row, "current": current, "status": "met" if met else "not_met"})
    return pd.DataFrame(out, columns=list(GOAL_COLUMNS))


def _yearly(
    frame: pd.DataFrame, measure: str, year: np.ndarray, mask: np.ndarray, numerator: np.ndarray | None = None
) -> pd.DataFrame:
    """Per unit and in total per year: the count of ``mask`` rows, or, with ``numerator``, the
    share 100 x numerator / mask rows (NaN for none)."""
    parts = []
    data = pd.DataFrame(
        {
            "unit_code": text_array(frame["unit_code"])[mask],
            "year": year[mask],
            "hit": (numerator[mask] if numerator is not None else np.ones(int(mask.sum()), dtype=bool)),
        }
    )
    for keys in (["unit_code", "year"], ["year"]):
        grouped = data.groupby(keys, sort=True)["hit"]
        counts = grouped.agg(["sum", "size"]).reset_index()
        if keys == ["year"]:
            counts.insert(0, "unit_code", None)
        counts["value"] = (
            100.0 * counts["sum"] / counts["size"] if numerator is not None else counts["sum"].astype(float)
        )
        parts.append(counts[["unit_code", "year", "value"]])
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "measure", measure)
    return out


def yearly_complaint_figures(rows: pd.DataFrame, units: Iterable[str], as_of: dt.date) -> pd.DataFrame:
    """The MEASURES per unit and in total, for every year up to ``as_of``'s that has any
    countable complaint received (FIGURE_COLUMNS).

    ``rows``: validated complaint rows (``ComplaintMeasurement.rows``) with receipt_reason
    (null = countable by receipt), unit_code, complaint_kind, outcome and parsed received_date /
    answered_date (datetime64). Counts: handling complaints by the year received; handling
    complaints with outcome full/partial by the year answered; upheld_pct = 100 x upheld /
    (full + partial + upheld) of decision complaints answered in the year. A countable row with
    an answer dated on or before E and not before its receipt has its answer counted. Units of
    ``units`` without complaints get 0 for the counts (and no upheld_pct) in each year."""
    day = np.datetime64(as_of, "D")
    received = rows["received_date"].to_numpy().astype("datetime64[D]")
    answered = rows["answered_date"].to_numpy().astype("datetime64[D]")
    countable = rows["receipt_reason"].isna().to_numpy() & ~np.isnat(received) & (received <= day)
    has_answer = countable & ~np.isnat(answered) & (answered <= day) & (answered >= received)
    kind = rows["complaint_kind"].to_numpy()
    outcome = rows["outcome"].to_numpy()
    success = np.isin(outcome, ("full", "partial"))
    judged = success | (outcome == "upheld")
    received_year = received.astype("datetime64[Y]").astype(np.int64) + 1970
    answered_year = answered.astype("datetime64[Y]").astype(np.int64) + 1970
    years = sorted(set(received_year[countable].tolist()))
    parts = [
        _yearly(rows, "handling_complaints", received_year, countable & (kind == "handling")),
        _yearly(rows, "handling_medhold", answered_year, has_answer & (kind == "handling") & success),
        _yearly(
            rows,
            "upheld_pct",
            answered_year,
            has_answer & (kind == "decision") & judged,
            numerator=outcome == "upheld",
        ),
    ]
    found = pd.concat(parts, ignore_index=True)
    # every unit and year for the counts (0 where none); shares only where there is a figure
    unit_codes: list[str | None] = [None, *sorted({str(u) for u in units})]
    grid = pd.MultiIndex.from_product(
        [["handling_complaints", "handling_medhold"], unit_codes, years],
        names=["measure", "unit_code", "year"],
    ).to_frame(index=False)
    counts = grid.merge(found, on=["measure", "unit_code", "year"], how="left")
    counts["value"] = counts["value"].fillna(0.0)
    shares = found[(found["measure"].to_numpy() == "upheld_pct") & np.isin(found["year"].to_numpy(), years)]
    out = pd.concat([counts, shares], ignore_index=True)
    out["unit_code"] = out["unit_code"].astype(object).where(out["unit_code"].notna(), None)
    out["year"] = out["year"].astype(np.int64)
    out["complete"] = out["year"].to_numpy() < as_of.year
    out.loc[out["year"].to_numpy() == as_of.year, "complete"] = as_of == year_end(as_of.year)
    out["projected"] = out["value"]
    partial = ~out["complete"].to_numpy() & ~out["measure"].isin(SHARES).to_numpy()
    out.loc[partial, "projected"] = out.loc[partial, "value"] / year_fraction(as_of)
    return (
        out[list(FIGURE_COLUMNS)]
        .sort_values(
            ["measure", "unit_code", "year"],
            key=lambda c: c.fillna("").astype(str) if c.name == "unit_code" else c,
            kind="stable",
        )
        .reset_index(drop=True)
    )
