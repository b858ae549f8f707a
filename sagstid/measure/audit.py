"""Work-capacity audit measures (ledelsestilsyn): the shares of the validated samples.

Pure functions over the validated ``audit_samples`` rows and the measured decisions; no I/O.
Each audit sample of revalidering, fleksjob or førtidspension records three yes/no findings:
a resource profile with a concrete assessment was made, the citizen took part, and the deadline
was met or the citizen notified. Each share is measured against ``targets.audit`` (95 %).
Beside the audit's own "deadline met or notified" share stands the same measure computed from
*all* decisions of the period in those areas: decided within the deadline, or exceeded with a
written delay notice on or before the deadline (``within`` or ``exceeded_notified``).
Validation: ``sagstid.validate.audit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sagstid.measure.accounting import ALL, accounting_counts, count_rows, group_keys
from sagstid.validate.audit import (
    AUDIT_AREAS,
    AUDIT_MEASURES,
    AUDIT_REASONS,
    AUDIT_STATUSES,
    NOTE_COLUMNS,
)
from sagstid.validate.rows import Notes, complete_notes, quality_notes
from sagstid.values import text_array

DECISION_COLUMNS: tuple[str, ...] = ("decisions", "decisions_kept", "decisions_kept_pct")
AUDIT_COLUMNS: tuple[str, ...] = (
    "samples",
    *(name for m in AUDIT_MEASURES for name in (m, f"{m}_pct")),
    *DECISION_COLUMNS,
)


@dataclass(frozen=True)
class AuditMeasurement:
    """The audit shares of one period, beside the decisions' own deadline figure."""

    accounting: pd.DataFrame  # sample rows counted by unit_code, status and reason
    total: pd.Series  # AUDIT_COLUMNS
    by_unit: pd.DataFrame  # unit_code + AUDIT_COLUMNS
    by_area: pd.DataFrame  # case_area_code + AUDIT_COLUMNS (the three audited areas)
    by_unit_area: pd.DataFrame  # unit_code, case_area_code + AUDIT_COLUMNS
    notes: Notes = field(default_factory=dict)  # data-quality counts of every sample row

    def note_counts(self) -> Notes:
        return complete_notes(self.notes, NOTE_COLUMNS)

    def status_counts(self, unit_code: str | None = None) -> dict[str, int]:
        return self._counts("status", AUDIT_STATUSES, unit_code)

    def reason_counts(self, unit_code: str | None = None) -> dict[str, int]:
        return self._counts("reason", AUDIT_REASONS, unit_code)

    def _counts(self, column: str, names: tuple[str, ...], unit_code: str | None) -> dict[str, int]:
        return accounting_counts(self.accounting, column, names, unit_code)


def _audit_shares(samples: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame, by = group_keys(samples, keys)
    if samples.empty:
        return pd.DataFrame(columns=[*by, "samples", *AUDIT_MEASURES])
    agg = {"samples": ("sample_id", "size"), **{m: (m, "sum") for m in AUDIT_MEASURES}}
    return frame.groupby(by, observed=True, sort=True).agg(**agg).reset_index()


def _decision_shares(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Decisions of the audited areas: how many, and how many within the deadline or
    exceeded with a written notice on or before it."""
    cases = cases[cases["case_area_code"].isin(AUDIT_AREAS).to_numpy()]
    if cases.empty:
        return pd.DataFrame(columns=[*(keys or [ALL]), "decisions", "decisions_kept"])
    kept = cases["within"].to_numpy(dtype=bool) | cases["exceeded_notified"].to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {k: text_array(cases[k]) for k in keys} or {ALL: "all"},  # type: ignore[dict-item]
        index=cases.index,
    ).assign(_kept=kept)
    return (
        frame.groupby(keys or [ALL], sort=True)
        .agg(decisions=("_kept", "size"), decisions_kept=("_kept", "sum"))
        .reset_index()
    )


def audit_group(samples: pd.DataFrame, cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Audit shares and the decisions' figure per group of ``keys`` (an outer join: a group
    with decisions but no samples, or the reverse, is kept)."""
    by = keys or [ALL]
    audit = _audit_shares(samples, keys)
    for key in by:
        audit[key] = audit[key].astype(str)
    out = audit.merge(_decision_shares(cases, keys), on=by, how="outer")
    counts = ["samples", *AUDIT_MEASURES, "decisions", "decisions_kept"]
    out[counts] = out[counts].fillna(0).astype(np.int64)
    for m in AUDIT_MEASURES:
        out[f"{m}_pct"] = 100.0 * out[m] / out["samples"].where(out["samples"] > 0)
    out["decisions_kept_pct"] = 100.0 * out["decisions_kept"] / out["decisions"].where(out["decisions"] > 0)
    out = out.sort_values(by, kind="stable").reset_index(drop=True)
    return out[[*keys, *AUDIT_COLUMNS]]


def measure_audit(rows: pd.DataFrame, cases: pd.DataFrame) -> AuditMeasurement:
    """The audit shares of the validated samples (``validate_audit``); ``cases`` are the
    period's measured decisions (``DecisionMeasurement.cases``, every one, not cut to a unit)."""
    samples = rows[rows["status"].to_numpy() == "measured"]
    total = audit_group(samples, cases, [])
    empty = pd.Series(dict.fromkeys(AUDIT_COLUMNS, 0)).astype(object)
    for column in AUDIT_COLUMNS:
        if column.endswith("_pct"):
            empty[column] = None
    return AuditMeasurement(
        accounting=count_rows(rows),
        total=total.iloc[0] if len(total) else empty,
        by_unit=audit_group(samples, cases, ["unit_code"]),
        by_area=audit_group(samples, cases, ["case_area_code"]),
        by_unit_area=audit_group(samples, cases, ["unit_code", "case_area_code"]),
        notes=quality_notes(rows),
    )
