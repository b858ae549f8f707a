"""The decision metrics of several groupings at once, from one pass over the rows.

``measure_decisions`` needs the metrics by unit, case area and month in seven groupings (all
cases, area, unit, unit and area, month, unit and month, unit, area and month). Grouping the
million rows seven times over costs most of the deadline stage, above all the medians and the
80 and 90 % quantiles. Every one of those groupings is a roll-up of the finest one (unit, area,
month), and the days are whole numbers: so the rows are counted once into a cube of unit x area
x month x distinct number of days, each grouping sums the cube over the axes it leaves out, and
a median or quantile is read from the cumulative counts. The figures are those of
:func:`sagstid.measure.decisions.group_metrics` to the last bit (tests/test_metric_cube.py
compares the two): sums of whole numbers are exact in floating point, and a quantile is
interpolated as pandas does it, ``x[i] + (x[i + 1] - x[i]) * frac``.

Pure: DataFrames in, DataFrames out. Where the cube does not apply (a key other than the three,
a key column that is not categorical or has a missing value, days that are not whole numbers, or
a cube too large), :func:`metrics_by_groupings` returns None and the caller groups as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

AXES: tuple[str, ...] = ("unit_code", "case_area_code", "month")
# flags summed per group, as group_metrics names their sums
_SUMS: dict[str, str] = {
    "within_deadline": "within",
    "exceeded": "exceeded",
    "exceeded_notified": "exceeded_notified",
    "service_target_decisions": "has_service_target",
    "within_service_target": "within_service",
}
_DAYS: dict[str, str] = {"days": "days", "working_days": "working_days"}
MAX_CELLS = 20_000_000  # groups x distinct day counts in the cube (160 MB of int64 at most)


def metrics_by_groupings(
    cases: pd.DataFrame, groupings: Sequence[Sequence[str]], metrics: Sequence[str]
) -> list[pd.DataFrame] | None:
    """For each grouping in ``groupings`` (keys among AXES; none: one row for all cases) the
    frame ``group_metrics(cases, keys)`` gives (columns keys + ``metrics``), or None where the
    cube does not apply (module docstring)."""
    if cases.empty or not _applies(cases, groupings):
        return None
    categories = [cases[axis].cat.categories for axis in AXES]
    shape = tuple(len(c) for c in categories)
    fine = np.zeros(len(cases), dtype=np.int64)
    for axis, size in zip(AXES, shape, strict=True):
        fine = fine * size + cases[axis].cat.codes.to_numpy().astype(np.int64)
    cells = int(np.prod(shape))
    counts = np.bincount(fine, minlength=cells).astype(np.float64)
    sums = {
        name: np.bincount(fine, weights=cases[column].to_numpy().astype(np.float64), minlength=cells)
        for name, column in {**_SUMS, **_DAYS}.items()
    }
    histograms = {}
    for name, column in _DAYS.items():
        values, position = np.unique(cases[column].to_numpy(), return_inverse=True)
        if cells * len(values) > MAX_CELLS:
            return None
        counted = np.bincount(fine * len(values) + position.ravel(), minlength=cells * len(values))
        histograms[name] = (values.astype(np.float64), counted.reshape(*shape, len(values)))
    cube = {"decisions": counts.reshape(shape), **{k: v.reshape(shape) for k, v in sums.items()}}
    return [_grouping(cube, histograms, categories, cases, list(keys), metrics) for keys in groupings]


def _applies(cases: pd.DataFrame, groupings: Sequence[Sequence[str]]) -> bool:
    if any(key not in AXES for keys in groupings for key in keys):
        return False
    needed = [*AXES, *_SUMS.values(), *_DAYS.values()]
    if any(column not in cases for column in needed):
        return False
    for axis in AXES:
        if not isinstance(cases[axis].dtype, pd.CategoricalDtype) or (cases[axis].cat.codes < 0).any():
            return False
    return all(pd.api.types.is_integer_dtype(cases[column].dtype) for column in _DAYS.values())


def _grouping(
    cube: dict[str, np.ndarray],
    histograms: dict[str, tuple[np.ndarray, np.ndarray]],
    categories: list[pd.Index],
    cases: pd.DataFrame,
    keys: list[str],
    metrics: Sequence[str],
) -> pd.DataFrame:
    kept = [AXES.index(key) for key in keys]
    if kept != sorted(kept):
        raise ValueError(f"keys out of the cube's order {AXES}: {keys}")
    dropped = tuple(k for k in range(len(AXES)) if k not in kept)
    groups = int(np.prod([cube["decisions"].shape[k] for k in kept]))
    rolled = {name: cube_values.sum(axis=dropped).reshape(groups) for name, cube_values in cube.items()}
    present = np.flatnonzero(rolled["decisions"] > 0)  # observed groups, in the keys' order
    n = rolled["decisions"][present]
    out: dict[str, object] = {}
    if keys:
        codes = np.unravel_index(present, [cube["decisions"].shape[k] for k in kept])
        for key, code in zip(keys, codes, strict=True):
            out[key] = pd.Categorical.from_codes(code, dtype=cases[key].dtype)  # type: ignore[call-overload]
    out["decisions"] = n.astype(np.int64)
    for name in _SUMS:
        out[name] = rolled[name][present].astype(np.int64)
    for name in _DAYS:
        values, histogram = histograms[name]
        cumulative = histogram.sum(axis=dropped).reshape(groups, len(values))[present].cumsum(axis=1)
        out[f"mean_{name}"] = rolled[name][present] / n
        out[f"median_{name}"] = (
            _kth(values, cumulative, (n - 1) // 2) + _kth(values, cumulative, n // 2)
        ) / 2
        if name == "days":
            for q in (0.8, 0.9):
                out[f"p{round(q * 100)}_days"] = _quantile(values, cumulative, n, q)
    frame = with_shares(pd.DataFrame(out))
    for key in keys:
        frame[key] = frame[key].astype(str)
    return frame[[*keys, *metrics]]


def with_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` (a frame of group_metrics' counts) with the shares worked out from them:
    compliance_pct, notice_pct (of the exceeded) and service_target_pct (of those with a
    target); a share of no decisions is missing."""
    counts["compliance_pct"] = 100.0 * counts["within_deadline"] / counts["decisions"]
    exceeded = counts["exceeded"].where(counts["exceeded"] > 0)
    counts["notice_pct"] = 100.0 * counts["exceeded_notified"] / exceeded
    with_target = counts["service_target_decisions"].where(counts["service_target_decisions"] > 0)
    counts["service_target_pct"] = 100.0 * counts["within_service_target"] / with_target
    return counts


def _kth(values: np.ndarray, cumulative: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per group, the ``k``-th smallest value (0-based), from the group's cumulative counts of
    ``values`` (sorted, distinct)."""
    k = np.asarray(k, dtype=np.float64)
    return values[(cumulative <= k[:, None]).sum(axis=1)]


def _quantile(values: np.ndarray, cumulative: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    """Per group, the ``q`` quantile with linear interpolation, as pandas' grouped quantile
    computes it: the value at ``floor(q * (n - 1))`` plus ``frac`` of the step to the next."""
    position = q * (n - 1)
    index = position.astype(np.int64)
    frac = position % 1
    low = _kth(values, cumulative, index)
    high = _kth(values, cumulative, np.minimum(index + 1, n - 1))
    return np.where(frac == 0.0, low, low + (high - low) * frac)
