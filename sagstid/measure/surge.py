"""Complaint surge alert: a month whose complaint count is improbably high for that unit.

Pure; no I/O. The rule, per unit and calendar month m (complaints counted by ``received_date``,
all kinds, rows countable by receipt as in ``sagstid.measure.performance``):

* history: the months before m from the first month with any complaint in the table, at most
  ``baseline_months`` (12) of them; months without complaints count as 0;
* baseline: lambda = the mean count over that history, only if it holds at least
  ``min_history`` (6) months; else m is not judged;
* p = P(X >= count | X ~ Poisson(lambda)), the exact upper tail (``scipy.special.pdtrc``, the
  function ``scipy.stats.poisson.sf`` calls; 1 for a count of 0);
* m is flagged when p < ``alpha`` (0.001) and count >= ``min_count`` (5).

A Poisson count's variance equals its mean, so the rule asks: if complaints kept arriving at
the unit's own rate of the past year, how likely is a month this busy? With alpha = 0.001 about
one month in a thousand unit-months would be flagged by chance alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.measure.performance import countable
from sagstid.periods import Period
from sagstid.values import text_array

SURGE_COLUMNS: tuple[str, ...] = ("unit_code", "month", "count", "history", "baseline", "p_value", "flagged")


@dataclass(frozen=True)
class SurgeRule:
    alpha: float = 0.001
    min_count: int = 5
    baseline_months: int = 12
    min_history: int = 6


@dataclass(frozen=True)
class SurgeCheck:
    rule: SurgeRule
    months: pd.DataFrame  # SURGE_COLUMNS, the period's months per unit

    @property
    def alerts(self) -> pd.DataFrame:
        return self.months[self.months["flagged"].to_numpy(dtype=bool)]


def judge_series(counts: pd.DataFrame, rule: SurgeRule) -> pd.DataFrame:
    """Apply the rule to monthly counts: ``counts`` has one row per unit (index) and one
    column per consecutive month (the first column is the first month of data). Returns
    SURGE_COLUMNS in long form for every unit and month."""
    values = counts.to_numpy(dtype=float)
    history = np.minimum(np.arange(values.shape[1]), rule.baseline_months)
    baseline = (
        pd.DataFrame(values.T)
        .shift(1)
        .rolling(rule.baseline_months, min_periods=rule.min_history)
        .mean()
        .to_numpy()
        .T
    )
    judged = ~np.isnan(baseline)
    # Imported here, not at module import: the workbook processes never need scipy. The
    # special function itself, not scipy.stats, whose import costs the run 1.5 CPU-s more.
    from scipy.special import pdtrc

    above = values - 1  # P(X >= count) = P(X > count - 1)
    tail = np.where(above < 0, 1.0, pdtrc(np.maximum(above, 0.0), np.where(judged, baseline, 0.0)))
    p_value = np.where(judged, tail, np.nan)
    flagged = judged & (p_value < rule.alpha) & (values >= rule.min_count)
    units, months = counts.index.astype(str), counts.columns.astype(str)
    return pd.DataFrame(
        {
            "unit_code": np.repeat(units.to_numpy(), len(months)),
            "month": np.tile(months.to_numpy(), len(units)),
            "count": values.astype(np.int64).ravel(),
            "history": np.tile(history, len(units)),
            "baseline": baseline.ravel(),
            "p_value": p_value.ravel(),
            "flagged": flagged.ravel(),
        }
    )


def monthly_counts(rows: pd.DataFrame, last_month: np.datetime64) -> pd.DataFrame:
    """Countable complaints per unit (rows) and month received (columns), from the first
    month with any complaint to ``last_month``, zeros included."""
    rows = rows[countable(rows)]
    month = rows["received_date"].to_numpy().astype("datetime64[M]")
    keep = month <= last_month
    if not keep.any():
        return pd.DataFrame()
    months = np.arange(month[keep].min(), last_month + 1).astype(str)
    table = pd.crosstab(text_array(rows["unit_code"])[keep], month[keep].astype(str))
    return table.reindex(columns=months, fill_value=0)


def check_surges(rows: pd.DataFrame, period: Period, rule: SurgeRule) -> SurgeCheck:
    """Judge every month of ``period`` for every unit with complaints."""
    first, last = np.datetime64(period.start, "M"), np.datetime64(period.end, "M")
    counts = monthly_counts(rows, last)
    if counts.empty:
        return SurgeCheck(rule, pd.DataFrame(columns=list(SURGE_COLUMNS)))
    months = judge_series(counts, rule)
    inside = months["month"].to_numpy() >= str(first)
    return SurgeCheck(rule, months[inside].reset_index(drop=True))
