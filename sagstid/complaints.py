"""Complaints (CONTRACT 3.4): validation with named reasons, deadlines and metrics.

Pure functions over the extracted complaints table. The deadline lengths are configuration
(``complaints.yaml``, optional; defaults from the administration's published deadlines).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.config import ComplaintDeadlines
from sagstid.periods import Period
from sagstid.validate import STATUSES, count_values, parse_dates
from sagstid.workdays import WorkCalendar

COMPLAINT_REASONS: tuple[str, ...] = (
    "duplicate_id",
    "invalid_date",
    "missing_received",
    "answered_before_received",
    "unknown_unit",
    "invalid_kind",
)
DATE_COLUMNS = ("received_date", "deadline_date", "answered_date", "delay_notice_date",
                "forwarded_date", "appeal_decided_date")
KINDS = ("decision", "handling")
APPEAL_DECIDED = ("confirmed", "changed", "remitted", "annulled")


@dataclass(frozen=True)
class ComplaintMeasurement:
    rows: pd.DataFrame  # every complaint row with parsed dates, status, reason, deadline
    total: pd.Series
    by_unit: pd.DataFrame
    medhold_pct: float | None
    appeals: dict[str, int]  # appeal outcomes decided in the period

    @property
    def measured(self) -> pd.DataFrame:
        return self.rows[self.rows["status"].to_numpy() == "measured"]

    @property
    def appeal_confirmed_pct(self) -> float | None:
        decided = sum(self.appeals[o] for o in APPEAL_DECIDED)
        return 100.0 * self.appeals["confirmed"] / decided if decided else None

    def status_counts(self) -> dict[str, int]:
        return count_values(self.rows["status"], STATUSES)

    def reason_counts(self) -> dict[str, int]:
        return count_values(self.rows["reason"], COMPLAINT_REASONS)


def _flag(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").fillna(0).to_numpy() == 1


def complaint_deadlines(rows: pd.DataFrame, lengths: ComplaintDeadlines,
                        calendar: WorkCalendar) -> np.ndarray:
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
    five_day = ((kind == "decision") & _flag(rows["insured_unemployed"]) & _flag(rows["five_day_rule"])
                & (rows["outcome"].to_numpy() == "upheld"))
    deadline[five_day] = calendar.add_working_days(received[five_day], lengths.five_day_working_days)
    own = rows["deadline_date"].to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(own), deadline, own)


def validate_and_measure(raw: pd.DataFrame, units: pd.DataFrame, period: Period,
                         lengths: ComplaintDeadlines, calendar: WorkCalendar) -> ComplaintMeasurement:
    rows = raw.copy()
    answered_present = rows["answered_date"].notna().to_numpy()
    invalid_any = np.zeros(len(rows), dtype=bool)
    for column in DATE_COLUMNS:
        rows[column], invalid = parse_dates(rows[column])
        invalid_any |= invalid
        if column == "answered_date":
            answered_invalid = invalid
    duplicate = rows["complaint_id"].duplicated(keep=False).to_numpy()
    answered = rows["answered_date"].to_numpy()
    received = rows["received_date"].to_numpy()
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    population = ((answered >= start) & (answered <= end)) | answered_invalid
    conditions = [
        duplicate,
        invalid_any,
        pd.isna(received),
        answered < received,
        ~rows["unit_code"].isin(list(units["unit_code"].dropna())).to_numpy(),
        ~rows["complaint_kind"].isin(KINDS).to_numpy(),
    ]
    reason = np.select([population & c for c in conditions], COMPLAINT_REASONS, default="")
    status = np.select([population & (reason != ""), population, ~answered_present],
                       ["excluded", "measured", "open"], default="out_of_period")
    rows["status"] = pd.Categorical(status, categories=STATUSES)
    rows["reason"] = pd.Categorical(np.where(reason == "", None, reason), categories=COMPLAINT_REASONS)

    measured = rows["status"].to_numpy() == "measured"
    deadline = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    deadline[measured] = complaint_deadlines(rows[measured], lengths, calendar)
    notice = rows["delay_notice_date"].to_numpy().astype("datetime64[D]")
    rows["deadline_date"] = deadline.astype("datetime64[s]")
    rows["on_time"] = measured & ((answered.astype("datetime64[D]") <= deadline)
                                  | (~np.isnat(notice) & (notice <= deadline)))
    span = (answered.astype("datetime64[D]") - received.astype("datetime64[D]")).astype(np.int64)
    rows["days"] = np.where(measured, span, np.nan)

    appeal_day = rows["appeal_decided_date"].to_numpy()
    appealed = ((appeal_day >= start) & (appeal_day <= end) & ~duplicate & ~invalid_any)
    appeal_counts = rows.loc[appealed, "appeal_outcome"].value_counts()
    outcome_counts = rows.loc[measured, "outcome"].value_counts()
    success = int(outcome_counts.get("full", 0) + outcome_counts.get("partial", 0))
    judged = success + int(outcome_counts.get("upheld", 0))
    return ComplaintMeasurement(
        rows=rows,
        total=_metrics(rows[measured], []).iloc[0] if measured.any() else pd.Series(
            {"complaints": 0, "on_time": 0, "compliance_pct": None, "mean_days": None,
             "median_days": None}),
        by_unit=_metrics(rows[measured], ["unit_code"]),
        medhold_pct=100.0 * success / judged if judged else None,
        appeals={o: int(appeal_counts.get(o, 0)) for o in (*APPEAL_DECIDED, "rejected")},
    )


def _metrics(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = keys + ["complaints", "on_time", "compliance_pct", "mean_days", "median_days"]
    if cases.empty:
        return pd.DataFrame(columns=columns)
    frame = cases.assign(_all="all") if not keys else cases
    out = frame.groupby(keys or ["_all"], observed=True, sort=True).agg(
        complaints=("on_time", "size"), on_time=("on_time", "sum"),
        mean_days=("days", "mean"), median_days=("days", "median"),
    ).reset_index()
    out["compliance_pct"] = 100.0 * out["on_time"] / out["complaints"]
    for key in keys:
        out[key] = out[key].astype(str)
    return out[columns]
