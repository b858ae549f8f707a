"""results.json: the machine-readable figures of docs/contract.md §4.4 (aggregates only)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sagstid.measure.audit import AUDIT_COLUMNS
from sagstid.measure.complaints import APPEAL_OUTCOMES
from sagstid.measure.decisions import (
    CONTRACT_METRICS,
    COUNT_COLUMNS,
    EXTRA_METRICS,
    DecisionMeasurement,
)
from sagstid.measure.held import GAP_BUCKETS, HeldDecisions
from sagstid.measure.open_cases import OPEN_METRICS, OpenSnapshot, open_metrics
from sagstid.measure.performance import PACE_COLUMNS, PER_1000_COLUMNS
from sagstid.periods import Period
from sagstid.report.flow_json import flow_sections
from sagstid.validate.audit import AUDIT_MEASURES
from sagstid.values import is_missing

if TYPE_CHECKING:
    from sagstid.measure.audit import AuditMeasurement
    from sagstid.measure.complaints import ComplaintMeasurement
    from sagstid.measure.performance import ContractFigures
    from sagstid.measure.run import RunMeasurement
    from sagstid.measure.surge import SurgeCheck

SCHEMA_VERSION = 1


def json_value(value: Any) -> Any:
    """A JSON value: numpy scalars to Python, NaN to null."""
    if is_missing(value):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


_COUNTS = frozenset(COUNT_COLUMNS)


def metrics_dict(row: pd.Series, extra: bool = True) -> dict[str, Any]:
    names = CONTRACT_METRICS + (EXTRA_METRICS if extra else ())
    values = {name: json_value(row.get(name)) for name in names}
    for name in _COUNTS & values.keys():
        values[name] = int(values[name] or 0)
    return values


def _groups(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    return [{key: row[key], **metrics_dict(row)} for _, row in frame.iterrows()]


def decisions_section(measurement: DecisionMeasurement) -> dict[str, Any]:
    reasons = measurement.reason_counts()
    return {
        "total": metrics_dict(measurement.total),
        "mean_area_compliance_pct": json_value(measurement.mean_area_compliance_pct),
        "by_area": _groups(measurement.by_area, "case_area_code"),
        "by_unit": _groups(measurement.by_unit, "unit_code"),
        "excluded": reasons,
        "rows": measurement.status_counts(),
        # case areas the catalogue does not list, measured against its default entry (§2.2)
        "default_entry_areas": [
            {"case_area_code": str(code), "unit_code": str(unit), "decisions": int(count)}
            for unit, code, count in zip(
                measurement.default_areas["unit_code"].tolist(),
                measurement.default_areas["case_area_code"].tolist(),
                measurement.default_areas["decisions"].tolist(),
                strict=True,
            )
        ],
        **measurement.note_counts(),
    }


def period_record(period: Period) -> dict[str, Any]:
    """``{"from", "to"}``; a period measured only up to today (it has not ended) adds
    ``"partial": true`` and ``"measured_to"``, with ``"to"`` the whole period's last day."""
    if period.nominal_end is None:
        return {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return {
        "from": period.start.isoformat(),
        "to": period.nominal_end.isoformat(),
        "partial": True,
        "measured_to": period.end.isoformat(),
    }


def build_results(period: Period, decisions: DecisionMeasurement, **sections: Any) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "period": period_record(period),
        "decisions": decisions_section(decisions),
        **{name: section for name, section in sections.items() if section is not None},
    }


def dumps(results: dict[str, Any]) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


_COMPLAINT_METRICS = ("complaints", "on_time", "compliance_pct", "mean_days", "median_days", "medhold_pct")


def _complaint_metrics(row: pd.Series) -> dict[str, Any]:
    values = {name: json_value(row.get(name)) for name in _COMPLAINT_METRICS}
    for name in ("complaints", "on_time"):
        values[name] = int(values[name] or 0)
    return values


_INTEGERS = frozenset(
    {
        "received",
        "max",
        "complaints",
        "decisions",
        "samples",
        "count",
        "decisions_kept",
        *AUDIT_MEASURES,
        *APPEAL_OUTCOMES,
    }
)


def _typed(column: str, value: Any) -> Any:
    """A JSON value, counts as integers (a column with a missing value is float in pandas)."""
    value = json_value(value)
    return int(value) if column in _INTEGERS and isinstance(value, float) else value


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON objects of ``columns`` (a handful of aggregate rows)."""
    return (
        [
            {c: _typed(c, v) for c, v in zip(columns, row, strict=False)}
            for row in zip(*(frame[c].tolist() for c in columns), strict=False)
        ]
        if len(frame)
        else []
    )


def _object(row: pd.Series, columns: Sequence[str]) -> dict[str, Any]:
    return {c: _typed(c, row.get(c)) for c in columns}


def complaints_section(measurement: ComplaintMeasurement | None) -> dict[str, Any] | None:
    """The complaints part of results.json (docs/contract.md §4.4)."""
    if measurement is None:
        return None
    return {
        "total": _complaint_metrics(measurement.total),
        "by_unit": [
            {"unit_code": row["unit_code"], **_complaint_metrics(row)}
            for _, row in measurement.by_unit.iterrows()
        ],
        "excluded": measurement.reason_counts(),
        "medhold_pct": json_value(measurement.medhold_pct),
        "appeal_confirmed_pct": json_value(measurement.appeal_confirmed_pct),
        "appeals": measurement.appeals,
        "rows": measurement.status_counts(),
        **measurement.note_counts(),
        "by_kind": [
            {"complaint_kind": row["complaint_kind"], **_complaint_metrics(row)}
            for _, row in measurement.by_kind.iterrows()
        ],
        "appeals_by_unit": _records(
            measurement.appeals_by_unit, ["unit_code", *APPEAL_OUTCOMES, "confirmed_pct"]
        ),
    }


def contract_section(figures: ContractFigures | None) -> dict[str, Any] | None:
    """Handling complaints received in the year to date per unit against its maximum."""
    if figures is None:
        return None
    ytd = figures.ytd
    return {
        "year": ytd.year,
        "from": ytd.start.isoformat(),
        "to": ytd.as_of.isoformat(),
        "elapsed_days": ytd.elapsed_days,
        "days_in_year": ytd.days_in_year,
        "handling_complaints": _records(figures.handling, PACE_COLUMNS),
    }


def per_1000_section(figures: ContractFigures | None) -> dict[str, Any] | None:
    """Complaints received in the period per 1,000 decisions measured in the period."""
    if figures is None:
        return None
    return {
        "total": _object(figures.per_1000_total, PER_1000_COLUMNS),
        "by_unit": _records(figures.per_1000_by_unit, ["unit_code", *PER_1000_COLUMNS]),
        "by_area": _records(figures.per_1000_by_area, ["case_area_code", *PER_1000_COLUMNS]),
    }


def surge_section(check: SurgeCheck | None) -> dict[str, Any] | None:
    """The surge rule and the flagged unit-months of the period."""
    if check is None:
        return None
    rule = check.rule
    return {
        "rule": {
            "alpha": rule.alpha,
            "min_count": rule.min_count,
            "baseline_months": rule.baseline_months,
            "min_history": rule.min_history,
        },
        "months_judged": int(check.months["baseline"].notna().sum()),
        "alerts": _records(check.alerts, ["unit_code", "month", "count", "baseline", "p_value"]),
    }


def audit_section(measurement: AuditMeasurement | None) -> dict[str, Any] | None:
    """The audit shares, with the decisions' own figure, total, per unit and per area."""
    if measurement is None:
        return None
    return {
        "total": _object(measurement.total, AUDIT_COLUMNS),
        "by_unit": _records(measurement.by_unit, ["unit_code", *AUDIT_COLUMNS]),
        "by_area": _records(measurement.by_area, ["case_area_code", *AUDIT_COLUMNS]),
        "excluded": measurement.reason_counts(),
        "rows": measurement.status_counts(),
        **measurement.note_counts(),
    }


def follow_up_sections(ctx: RunMeasurement) -> dict[str, Any]:
    """Every results.json section besides decisions, by key (None where not measured)."""
    return {
        "complaints": complaints_section(ctx.complaints),
        "contract": contract_section(ctx.contract),
        "complaints_per_1000": per_1000_section(ctx.contract),
        "surge_alerts": surge_section(ctx.surge),
        "audit": audit_section(ctx.audit),
        "open_cases": None if ctx.snapshot is None else open_cases_section(ctx.snapshot),
        "held_decisions": None if ctx.held is None else held_section(ctx.held),
        **({} if ctx.flow is None else flow_sections(ctx.flow)),
    }


def _open_records(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    return _records(frame, [*keys, *OPEN_METRICS])


def _open_total(frame: pd.DataFrame) -> dict[str, Any]:
    table = open_metrics(frame, [])
    if table.empty:
        return {
            "open": 0,
            "overdue": 0,
            "due_soon": 0,
            "within": 0,
            "notice_missing": 0,
            "open_within_pct": None,
        }
    return _open_records(table, [])[0]


def open_cases_section(snapshot: OpenSnapshot) -> dict[str, Any]:
    """The ``open_cases`` key of results.json (aggregates only, no case data)."""
    decisions, complaints = snapshot.open_decisions, snapshot.open_complaints
    both = snapshot.cases()
    return {
        "as_of": snapshot.as_of.isoformat(),
        "due_soon_working_days": snapshot.horizon,
        "total": _open_total(both),
        "by_unit": _open_records(open_metrics(both, ["unit_code"]), ["unit_code"]),
        "decisions": {
            "total": _open_total(decisions),
            "by_unit": _open_records(open_metrics(decisions, ["unit_code"]), ["unit_code"]),
            "by_area": _open_records(open_metrics(decisions, ["case_area_code"]), ["case_area_code"]),
            "excluded": snapshot.reason_counts("decision"),
            "rows": snapshot.row_counts("decision"),
            **snapshot.notes("decision"),
        },
        "complaints": {
            "total": _open_total(complaints),
            "by_unit": _open_records(open_metrics(complaints, ["unit_code"]), ["unit_code"]),
            "excluded": snapshot.reason_counts("complaint"),
            "rows": snapshot.row_counts("complaint"),
            **snapshot.notes("complaint"),
        },
    }


def held_section(held: HeldDecisions) -> dict[str, Any]:
    """The ``held_decisions`` key of results.json (aggregates only)."""
    rule = held.settings.gaming
    units = []
    for row in held.by_unit.to_dict("records"):
        units.append(
            {
                "unit_code": row["unit_code"],
                "decisions": json_value(row["decisions"]),
                "held": json_value(row["held"]),
                "held_pct": json_value(row["held_pct"]),
                "gap_working_days": {b: json_value(row[f"gap_{b}"]) for b in GAP_BUCKETS},
                "compliance_decided_pct": json_value(row["compliance_decided_pct"]),
                "compliance_sent_pct": json_value(row["compliance_sent_pct"]),
                "gaming": {
                    "flagged": json_value(row["flagged"]),
                    "suspicious_weeks_in_window": json_value(row["suspicious_in_window"]),
                    "window_weeks": json_value(row["window_weeks"]),
                    "suspicious_weeks_in_period": json_value(row["suspicious_weeks"]),
                },
            }
        )
    return {
        "measure_at": held.settings.measure_at,
        "held_after_working_days": held.settings.held_after_working_days,
        "gaming_rule": rule.model_dump(),
        "by_unit": units,
    }
