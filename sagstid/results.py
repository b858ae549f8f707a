"""results.json: the machine-readable figures of CONTRACT section 4 (aggregates only)."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sagstid.measure import CONTRACT_METRICS, EXTRA_METRICS, DecisionMeasurement
from sagstid.periods import Period

if TYPE_CHECKING:
    from sagstid.complaints import ComplaintMeasurement

SCHEMA_VERSION = 1


def _value(value: Any) -> Any:
    """A JSON value: numpy scalars to Python, NaN to null."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


_COUNTS = frozenset({"decisions", "within_deadline", "exceeded", "exceeded_notified"})


def metrics_dict(row: pd.Series, extra: bool = True) -> dict[str, Any]:
    names = CONTRACT_METRICS + (EXTRA_METRICS if extra else ())
    values = {name: _value(row.get(name)) for name in names}
    for name in _COUNTS & values.keys():
        values[name] = int(values[name] or 0)
    return values


def _groups(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    return [{key: row[key], **metrics_dict(row)} for _, row in frame.iterrows()]


def decisions_section(measurement: DecisionMeasurement) -> dict[str, Any]:
    reasons = measurement.reason_counts()
    return {
        "total": metrics_dict(measurement.total),
        "mean_area_compliance_pct": _value(measurement.mean_area_compliance_pct),
        "by_area": _groups(measurement.by_area, "case_area_code"),
        "by_unit": _groups(measurement.by_unit, "unit_code"),
        "excluded": reasons,
        "rows": measurement.status_counts(),
    }


def build_results(period: Period, decisions: DecisionMeasurement, **sections: Any) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "decisions": decisions_section(decisions),
        **{name: section for name, section in sections.items() if section is not None},
    }


def dumps(results: dict[str, Any]) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


_COMPLAINT_METRICS = ("complaints", "on_time", "compliance_pct", "mean_days", "median_days")


def _complaint_metrics(row: pd.Series) -> dict[str, Any]:
    values = {name: _value(row.get(name)) for name in _COMPLAINT_METRICS}
    for name in ("complaints", "on_time"):
        values[name] = int(values[name] or 0)
    return values


def complaints_section(measurement: "ComplaintMeasurement | None") -> dict[str, Any] | None:
    """The complaints part of results.json (CONTRACT section 4)."""
    if measurement is None:
        return None
    return {
        "total": _complaint_metrics(measurement.total),
        "by_unit": [{"unit_code": row["unit_code"], **_complaint_metrics(row)}
                    for _, row in measurement.by_unit.iterrows()],
        "excluded": measurement.reason_counts(),
        "medhold_pct": _value(measurement.medhold_pct),
        "appeal_confirmed_pct": _value(measurement.appeal_confirmed_pct),
        "appeals": measurement.appeals,
        "rows": measurement.status_counts(),
    }
