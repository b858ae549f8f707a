"""Complaints (docs/contract.md §3.4): deadlines and metrics of the validated rows.

Pure functions over the validated complaints table. The deadline lengths are configuration
(``complaints.yaml``, optional; defaults from the administration's published deadlines).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sagstid.config import ComplaintDeadlines
from sagstid.measure.accounting import group_keys
from sagstid.periods import Period
from sagstid.rules.workdays import WorkCalendar
from sagstid.validate.complaints import COMPLAINT_REASONS, NOTE_COLUMNS
from sagstid.validate.decisions import STATUSES
from sagstid.validate.rows import Notes, complete_notes, count_values, quality_notes
from sagstid.values import is_missing

APPEAL_DECIDED = ("confirmed", "changed", "remitted", "annulled")
APPEAL_OUTCOMES = (*APPEAL_DECIDED, "rejected")
METRIC_COLUMNS = (
    "complaints",
    "on_time",
    "compliance_pct",
    "mean_days",
    "median_days",
    "medhold",
    "judged",
    "medhold_pct",
)


@dataclass(frozen=True)
class ComplaintMeasurement:
    rows: pd.DataFrame  # every complaint row with parsed dates, status, reason, deadline
    total: pd.Series
    by_unit: pd.DataFrame
    medhold_pct: float | None
    appeals: dict[str, int]  # appeal outcomes decided in the period
    by_kind: pd.DataFrame
    by_unit_kind: pd.DataFrame
    appeals_by_unit: pd.DataFrame  # per unit: appeal outcomes decided in the period, confirmed_pct

    @property
    def appeal_confirmed_pct(self) -> float | None:
        decided = sum(self.appeals[o] for o in APPEAL_DECIDED)
        return 100.0 * self.appeals["confirmed"] / decided if decided else None

    def status_counts(self) -> dict[str, int]:
        return count_values(self.rows["status"], STATUSES)

    def reason_counts(self) -> dict[str, int]:
        return count_values(self.rows["reason"], COMPLAINT_REASONS)

    def note_counts(self) -> Notes:
        """Data-quality counts of every complaint row (placeholder dates, padded codes)."""
        return complete_notes(quality_notes(self.rows), NOTE_COLUMNS)

    @cached_property
    def late(self) -> pd.DataFrame:
        """The measured complaints answered (and not notified) after their deadline: worked
        out once (each unit's workbook takes its own from them)."""
        rows = self.rows
        measured = (rows["status"] == "measured").to_numpy(dtype=bool)
        return rows[measured & ~rows["on_time"].to_numpy(dtype=bool)]


def _flag(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").fillna(0).to_numpy() == 1


def complaint_deadlines(
    rows: pd.DataFrame, lengths: ComplaintDeadlines, calendar: WorkCalendar
) -> np.ndarray:
    """Deadline D per complaint (rows with a received date): a deadline set on the complaint,
    else by kind, Borgerrådgiveren, and the 5-working-day rule for upheld complaints."""
    received = rows["received_date"].to_numpy().astype("datetime64[D]")
    kind = rows["complaint_kind"].to_numpy()
    weeks = np.where(
        kind == "handling",
        np.where(_flag(rows["via_ombudsman"]), lengths.ombudsman_weeks, lengths.handling_weeks),
        lengths.decision_weeks,
    )
    deadline = received + (7 * weeks).astype("timedelta64[D]")
    five_day = (
        (kind == "decision")
        & _flag(rows["insured_unemployed"])
        & _flag(rows["five_day_rule"])
        & (rows["outcome"].to_numpy() == "upheld")
    )
    deadline[five_day] = calendar.add_working_days(received[five_day], lengths.five_day_working_days)
    own = rows["deadline_date"].to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(own), deadline, own)


def measure_complaints(
    rows: pd.DataFrame, period: Period, lengths: ComplaintDeadlines, calendar: WorkCalendar
) -> ComplaintMeasurement:
    """Deadlines and metrics of the validated complaint rows answered in ``period``."""
    rows = rows.copy()
    answered = rows["answered_date"].to_numpy()
    received = rows["received_date"].to_numpy()
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    measured = rows["status"].to_numpy() == "measured"
    deadline = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    deadline[measured] = complaint_deadlines(rows[measured], lengths, calendar)
    notice = rows["delay_notice_date"].to_numpy().astype("datetime64[D]")
    rows["deadline_date"] = deadline.astype("datetime64[s]")
    rows["on_time"] = measured & (
        (answered.astype("datetime64[D]") <= deadline) | (~np.isnat(notice) & (notice <= deadline))
    )
    span = (answered.astype("datetime64[D]") - received.astype("datetime64[D]")).astype(np.int64)
    rows["days"] = np.where(measured, span, np.nan)

    appeal_day = rows["appeal_decided_date"].to_numpy()
    appealed = (appeal_day >= start) & (appeal_day <= end) & rows["readable"].to_numpy()
    appeal_counts = rows.loc[appealed, "appeal_outcome"].value_counts()
    total = (
        _metrics(rows[measured], []).iloc[0]
        if measured.any()
        else pd.Series(
            {
                "complaints": 0,
                "on_time": 0,
                "compliance_pct": None,
                "mean_days": None,
                "median_days": None,
                "medhold": 0,
                "judged": 0,
                "medhold_pct": None,
            }
        )
    )
    return ComplaintMeasurement(
        rows=rows,
        total=total,
        by_unit=_metrics(rows[measured], ["unit_code"]),
        medhold_pct=None if is_missing(total["medhold_pct"]) else float(total["medhold_pct"]),
        appeals={o: int(appeal_counts.get(o, 0)) for o in APPEAL_OUTCOMES},
        by_kind=_metrics(rows[measured], ["complaint_kind"]),
        by_unit_kind=_metrics(rows[measured], ["unit_code", "complaint_kind"]),
        appeals_by_unit=_appeals_by_unit(rows[appealed]),
    )


def _appeals_by_unit(appealed: pd.DataFrame) -> pd.DataFrame:
    """Ankestyrelsen's decisions in the period per unit complained about, by outcome."""
    columns = ["unit_code", *APPEAL_OUTCOMES, "confirmed_pct"]
    known = appealed[
        appealed["appeal_outcome"].isin(APPEAL_OUTCOMES).to_numpy() & appealed["unit_code"].notna().to_numpy()
    ]
    if known.empty:
        return pd.DataFrame(columns=columns)
    out = (
        pd.crosstab(known["unit_code"].astype(str), known["appeal_outcome"])
        .reindex(columns=list(APPEAL_OUTCOMES), fill_value=0)
        .astype(np.int64)
    )
    decided = out[list(APPEAL_DECIDED)].sum(axis=1)
    out["confirmed_pct"] = 100.0 * out["confirmed"] / decided.where(decided > 0)
    out.columns.name = None
    return out.rename_axis("unit_code").reset_index()[columns]


def _metrics(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: complaints, on time, compliance, days, and medhold = (full + partial) /
    (full + partial + upheld)."""
    columns = keys + list(METRIC_COLUMNS)
    if cases.empty:
        return pd.DataFrame(columns=columns)
    outcome = cases["outcome"].to_numpy()
    success = np.isin(outcome, ("full", "partial"))
    frame, by = group_keys(cases.assign(_success=success, _judged=success | (outcome == "upheld")), keys)
    out = (
        frame.groupby(by, observed=True, sort=True)
        .agg(
            complaints=("on_time", "size"),
            on_time=("on_time", "sum"),
            mean_days=("days", "mean"),
            median_days=("days", "median"),
            medhold=("_success", "sum"),
            judged=("_judged", "sum"),
        )
        .reset_index()
    )
    out["compliance_pct"] = 100.0 * out["on_time"] / out["complaints"]
    out["medhold_pct"] = 100.0 * out["medhold"] / out["judged"].where(out["judged"] > 0)
    for key in keys:
        out[key] = out[key].astype(str)
    return out[columns]
