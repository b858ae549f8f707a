"""The results.json keys of docs/flow.md: ``flow``, ``lateness``, ``promised_date``,
``expected_wait`` and ``goals`` (aggregates only; documented in docs/results.md)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from sagstid.measure.flow_figures import FlowFigures, days_in_window
from sagstid.measure.lateness import band_names

_GROUPS = ("by_unit", "by_area", "by_unit_area")


def _value(value: Any) -> Any:
    """A JSON value: numpy scalars to Python, NaN/NaT to null, timestamps to ISO dates."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON objects (aggregate rows: months x groups, areas, goals)."""
    names = list(frame.columns) if columns is None else columns
    return [
        {c: _value(v) for c, v in zip(names, row, strict=True)}
        for row in zip(*(frame[c].tolist() for c in names), strict=True)
    ]


def _one(frame: pd.DataFrame) -> dict[str, Any]:
    rows = records(frame)
    return rows[0] if rows else {}


def _bands(bounds: list[int]) -> list[dict[str, Any]]:
    names = band_names(bounds)
    uppers: list[int | None] = [b - 1 for b in bounds[1:]] + [None]
    return [{"name": n, "from": lo, "to": hi} for n, lo, hi in zip(names, bounds, uppers, strict=True)]


def flow_sections(f: FlowFigures) -> dict[str, Any]:
    w = f.wait_settings
    waits = f.expected_wait.drop(columns=["area_name", "deadline_value", "deadline_unit"], errors="ignore")
    return {
        "flow": {
            "from_month": f.flow_from.strftime("%Y-%m"),
            "to_month": f.flow_to.strftime("%Y-%m"),
            "left_out": f.flow_left_out,
            "total": records(f.flow["total"]),
            **{g: records(f.flow[g]) for g in _GROUPS},
        },
        "lateness": {
            "bands": _bands(f.bands),
            "very_late_after_days": f.very_late_after,
            "total": _one(f.lateness["total"]),
            **{g: records(f.lateness[g]) for g in _GROUPS},
        },
        "promised_date": {
            "column_present": f.promised_column,
            "total": _one(f.promised["total"]),
            **{g: records(f.promised[g]) for g in _GROUPS},
        },
        "expected_wait": {
            "as_of": f.as_of.isoformat(),
            "window": {
                "from": (f.wait_from + dt.timedelta(days=1)).isoformat(),
                "to": f.as_of.isoformat(),
                "months": w.months,
                "days": days_in_window(f),
            },
            "share": w.share,
            "min_count": w.min_count,
            "by_area": records(waits),
        },
        "goals": {
            "as_of": f.as_of.isoformat(),
            "goals": records(f.goals),
            "figures": records(f.goal_figures),
        },
    }
