"""How late: exceeded decisions in bands of calendar days past the deadline (rules in
docs/flow.md).

Pure: the measured decisions with their outcome (``evaluate_decisions``: ``exceeded`` and
``days_over``, the calendar days from the deadline D to the measured date) in, counts per group
out. The bands are given by their lower bounds in days over, ascending, the first at least 1:
the default ``(1, 8, 22, 64)`` makes the bands 1-7, 8-21, 22-63 and 64 or more. A decision
``d`` days over is in the last band whose lower bound is <= d. An exceeded decision with fewer
days over than the first bound (only possible when decisions are measured at the sent date and
one was decided in time but never sent: 0 days over) is counted in ``late_unbanded``, so the
bands and ``late_unbanded`` add up to ``exceeded``.

``very_late`` counts the exceeded decisions more than ``very_late_after`` days over (default 21:
more than three weeks late, as Ankestyrelsen reports), with its share of all measured
decisions (``very_late_pct``) and of the exceeded ones (``very_late_of_exceeded_pct``; NaN when
none is exceeded). Shares are 0-100.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sagstid.measure.accounting import sums_by_text

DEFAULT_BANDS: tuple[int, ...] = (1, 8, 22, 64)
VERY_LATE_AFTER = 21
GROUPINGS: dict[str, list[str]] = {
    "total": [],
    "by_unit": ["unit_code"],
    "by_area": ["case_area_code"],
    "by_unit_area": ["unit_code", "case_area_code"],
}


def check_bands(bounds: Sequence[int]) -> tuple[int, ...]:
    """The lower bounds as whole numbers, strictly ascending, the first at least 1."""
    values = tuple(int(b) for b in bounds)
    if not values or any(int(b) != b for b in bounds):
        raise ValueError(f"bands: need whole-number lower bounds (got {list(bounds)!r})")
    if values[0] < 1 or any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"bands: lower bounds must be ascending and at least 1 (got {list(values)})")
    return values


def band_names(bounds: Sequence[int]) -> list[str]:
    """Column names of the bands: late_1_7, late_8_21, late_22_63, late_64_plus."""
    values = check_bands(bounds)
    uppers = [b - 1 for b in values[1:]]
    names = [f"late_{lo}_{hi}" if hi > lo else f"late_{lo}" for lo, hi in zip(values, uppers, strict=False)]
    return names + [f"late_{values[-1]}_plus"]


def band_labels(bounds: Sequence[int]) -> list[str]:
    """The bands as text for reports: '1-7', '8-21', '22-63', '64+'."""
    values = check_bands(bounds)
    uppers = [b - 1 for b in values[1:]]
    labels = [f"{lo}-{hi}" if hi > lo else f"{lo}" for lo, hi in zip(values, uppers, strict=False)]
    return labels + [f"{values[-1]}+"]


def lateness_columns(bounds: Sequence[int] = DEFAULT_BANDS) -> list[str]:
    return [
        "decisions",
        "exceeded",
        *band_names(bounds),
        "late_unbanded",
        "very_late",
        "very_late_pct",
        "very_late_of_exceeded_pct",
    ]


def lateness(
    cases: pd.DataFrame,
    keys: list[str],
    bounds: Sequence[int] = DEFAULT_BANDS,
    very_late_after: int = VERY_LATE_AFTER,
) -> pd.DataFrame:
    """Per group of ``keys`` (none: one row): decisions, exceeded, the band counts,
    late_unbanded, very_late and its two shares (``lateness_columns``).

    ``cases``: one row per measured decision with ``exceeded`` (bool), ``days_over`` (whole
    days, 0 when within) and the ``keys`` columns."""
    values = check_bands(bounds)
    names = band_names(values)
    columns = [*keys, *lateness_columns(values)]
    if cases.empty:
        return pd.DataFrame(columns=columns)
    exceeded = cases["exceeded"].to_numpy(dtype=bool)
    days_over = cases["days_over"].to_numpy().astype(np.int64)
    band = np.where(exceeded, np.searchsorted(np.array(values), days_over, side="right") - 1, -2)
    counts = {
        "decisions": np.ones(len(cases), dtype=np.int64),
        "exceeded": exceeded,
        **{name: band == index for index, name in enumerate(names)},
        "late_unbanded": band == -1,
        "very_late": exceeded & (days_over > very_late_after),
    }
    out = sums_by_text(cases, keys, counts)
    out["very_late_pct"] = 100.0 * out["very_late"] / out["decisions"]
    out["very_late_of_exceeded_pct"] = 100.0 * out["very_late"] / out["exceeded"].where(out["exceeded"] > 0)
    return out[columns]


def lateness_groupings(
    cases: pd.DataFrame, bounds: Sequence[int] = DEFAULT_BANDS, very_late_after: int = VERY_LATE_AFTER
) -> dict[str, pd.DataFrame]:
    """``lateness`` for total, by_unit, by_area and by_unit_area."""
    return {name: lateness(cases, keys, bounds, very_late_after) for name, keys in GROUPINGS.items()}
