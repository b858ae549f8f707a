"""Held decisions and the gaming flag (rules in docs/held.md).

Pure functions over the period's measured decisions (``DecisionMeasurement.cases``: decided in
the period, with ``deadline_date``, ``within_decided`` and ``within_sent``). No I/O.

* The made-to-sent gap of a decision is the number of working days after the decision date
  up to and including the sent date (0 = sent the day it was made). A decision is *held* when
  it is not sent, or its gap is more than N working days (``held_after_working_days``).
* Per unit: the gap distribution in buckets, and compliance measured at the decided date beside
  compliance measured at the sent date (sent on or before the deadline; not sent = not within).
* The gaming flag (``gaming`` in measurement.yaml): per ISO week of sending, the share of late
  decisions (decided after the deadline) among the unit's decisions sent that week. A week is
  suspicious when at least ``min_sent`` were sent, that share lies in the band
  [threshold - band, threshold], at least ``min_waiting`` late decisions were held back at the
  week's end (decided at most ``max_hold_weeks`` weeks before it, not yet sent, held more than
  N working days), and sending them that week too would have lifted the share above the
  threshold. A unit is flagged when at least ``min_weeks`` of the
  last ``window_weeks`` complete ISO weeks of the period are suspicious.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.config import GamingRule, MeasurementSettings
from sagstid.measure.accounting import group_numbers, sums_by_text
from sagstid.periods import Period
from sagstid.rules.workdays import WorkCalendar
from sagstid.values import equals

GAP_BUCKETS: tuple[str, ...] = (
    "0",
    "1",
    "2",
    "3-5",
    "6-10",
    "11-20",
    ">20",
    "not_sent",
    "sent_before_decided",
)
_BOUNDS: tuple[tuple[str, int, int], ...] = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-5", 3, 5),
    ("6-10", 6, 10),
    ("11-20", 11, 20),
    (">20", 21, np.iinfo(np.int64).max),
)
_FAR = np.datetime64("9999-12-31", "D")
WEEK_COLUMNS: tuple[str, ...] = (
    "unit_code",
    "week",
    "week_start",
    "week_end",
    "sent",
    "sent_late",
    "late_share_pct",
    "waiting_late",
    "share_if_sent_pct",
    "in_band",
    "suspicious",
    "in_window",
)


def gap_working_days(cases: pd.DataFrame, calendar: WorkCalendar) -> np.ndarray:
    """Working days from decided to sent (float; NaN where not sent; negative, at most -1,
    where sent before decided)."""
    decided = cases["decided_date"].to_numpy().astype("datetime64[D]")
    sent = cases["sent_date"].to_numpy().astype("datetime64[D]")
    is_sent = ~np.isnat(sent)
    # Sent before decided is decided by the dates, before any working-day count: a decision
    # made on a Friday and sent the Thursday before has no working day in (Thu, Fri] that is
    # not the Friday itself, but busday_count would call it 0 (docs/held.md).
    before = is_sent & (sent < decided)
    after = is_sent & ~before
    gap = np.full(len(cases), np.nan)
    if after.any():
        gap[after] = calendar.working_days_after(decided[after], sent[after])
    if before.any():
        # minus the working days in (sent, decided], at least -1
        gap[before] = np.minimum(-calendar.working_days_after(sent[before], decided[before]), -1)
    return gap


def gap_bucket(gap: np.ndarray) -> pd.Categorical[str]:
    """The GAP_BUCKETS label of each gap (NaN = not sent), as a categorical over GAP_BUCKETS
    (made from the labels' codes: a million labels are never made text and hashed)."""
    conditions = [np.isnan(gap), gap < 0] + [(gap >= lo) & (gap <= hi) for _, lo, hi in _BOUNDS]
    labels = ["not_sent", "sent_before_decided"] + [name for name, _, _ in _BOUNDS]
    code = {name: k for k, name in enumerate(GAP_BUCKETS)}
    codes = np.select(conditions, [code[label] for label in labels], default=code["not_sent"])
    return pd.Categorical.from_codes(codes.astype(np.int8), categories=pd.Index(GAP_BUCKETS))


def held_cases(cases: pd.DataFrame, calendar: WorkCalendar, held_after: int) -> pd.DataFrame:
    """The measured decisions with ``gap_working_days``, ``gap_bucket``, ``held`` and ``late``
    (decided after the deadline)."""
    gap = gap_working_days(cases, calendar)
    out = cases.copy(deep=False)  # copy-on-write: shares the columns, never changes ``cases``
    out["gap_working_days"] = gap
    out["gap_bucket"] = gap_bucket(gap)
    out["held"] = np.isnan(gap) | (gap > held_after)
    out["late"] = ~out["within_decided"].to_numpy(dtype=bool)
    return out


def unit_distribution(cases: pd.DataFrame) -> pd.DataFrame:
    """Per unit (in text order): decisions, held, held_pct, one column per gap bucket
    (``gap_<label>``), compliance_decided_pct and compliance_sent_pct (accounting.sums_by_text)."""
    columns = (
        ["unit_code", "decisions", "held", "held_pct"]
        + [f"gap_{b}" for b in GAP_BUCKETS]
        + ["compliance_decided_pct", "compliance_sent_pct"]
    )
    if cases.empty:
        return pd.DataFrame(columns=columns)
    buckets = pd.Categorical(cases["gap_bucket"], categories=GAP_BUCKETS).codes
    flags = {c: cases[c].to_numpy(dtype=bool) for c in ("held", "within_decided", "within_sent")}
    out = sums_by_text(
        cases,
        ["unit_code"],
        {
            "decisions": np.ones(len(cases), dtype=np.int64),
            "held": flags["held"],
            **{f"gap_{b}": buckets == k for k, b in enumerate(GAP_BUCKETS)},
            "wd": flags["within_decided"],
            "ws": flags["within_sent"],
        },
    )
    out["held_pct"] = 100.0 * out["held"] / out["decisions"]
    out["compliance_decided_pct"] = 100.0 * out["wd"] / out["decisions"]
    out["compliance_sent_pct"] = 100.0 * out["ws"] / out["decisions"]
    return out[columns]


def _mondays(days: np.ndarray) -> np.ndarray:
    """The Monday of each day's ISO week (1970-01-01 was a Thursday)."""
    days = days.astype("datetime64[D]")
    return days - ((days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")


def complete_weeks(period: Period) -> np.ndarray:
    """Mondays of the ISO weeks that lie wholly inside the period."""
    first = _mondays(np.array([period.start], dtype="datetime64[D]"))[0]
    if first < np.datetime64(period.start, "D"):
        first += 7
    last_sunday = np.datetime64(period.end, "D")
    return np.arange(first, last_sunday - 5, 7, dtype="datetime64[D]")


def weekly_figures(
    cases: pd.DataFrame, calendar: WorkCalendar, period: Period, held_after: int, rule: GamingRule
) -> pd.DataFrame:
    """Per unit and complete ISO week of the period: decisions sent, late among them, their
    share, late decisions held back at the week's end, the share had those been sent, and
    whether the week is suspicious (see the module docstring)."""
    weeks = complete_weeks(period)
    if not len(weeks) or not len(cases):
        return pd.DataFrame(columns=list(WEEK_COLUMNS))
    unit, names = group_numbers(cases, ["unit_code"], missing=False)  # the units in text order
    if names.empty:
        return pd.DataFrame(columns=list(WEEK_COLUMNS))
    week_end = weeks + 6  # Sunday
    decided = cases["decided_date"].to_numpy().astype("datetime64[D]")
    sent = cases["sent_date"].to_numpy().astype("datetime64[D]")
    late = cases["late"].to_numpy(dtype=bool)
    is_sent = ~np.isnat(sent)
    # a decision counts as held back from the (N+1)-th working day after its decision
    held_from = calendar.add_working_days(decided, held_after + 1)
    release = np.where(is_sent, sent, _FAR)
    parts = []
    for number, code in enumerate(names["unit_code"]):  # a handful of units, each vectorised
        mine = unit == number
        sent_days = np.sort(sent[mine & is_sent])
        late_days = np.sort(sent[mine & is_sent & late])
        n_sent = np.searchsorted(sent_days, week_end, "right") - np.searchsorted(sent_days, weeks)
        n_late = np.searchsorted(late_days, week_end, "right") - np.searchsorted(late_days, weeks)
        held = mine & late & (release >= held_from)  # late decisions that were held back
        # waiting at E: held_from <= E < release and decided >= E - max_hold_weeks
        stop = np.minimum(release, decided + 7 * rule.max_hold_weeks + 1)
        counted = held & (stop > held_from)
        starts, ends = np.sort(held_from[counted]), np.sort(stop[counted])
        waiting = np.searchsorted(starts, week_end, "right") - np.searchsorted(ends, week_end, "right")
        parts.append(
            pd.DataFrame(
                {
                    "unit_code": code,
                    "week_start": weeks,
                    "week_end": week_end,
                    "sent": n_sent,
                    "sent_late": n_late,
                    "waiting_late": waiting,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    sent_n = out["sent"].to_numpy()
    share = np.where(sent_n > 0, 100.0 * out["sent_late"] / np.maximum(sent_n, 1), np.nan)
    if_sent_base = sent_n + out["waiting_late"].to_numpy()
    if_sent = np.where(
        if_sent_base > 0,
        100.0 * (out["sent_late"] + out["waiting_late"]) / np.maximum(if_sent_base, 1),
        np.nan,
    )
    threshold, low = rule.threshold_pct, rule.threshold_pct - rule.band_pct
    out["late_share_pct"] = share
    out["share_if_sent_pct"] = if_sent
    out["in_band"] = (sent_n >= rule.min_sent) & (share >= low) & (share <= threshold)
    out["suspicious"] = (
        out["in_band"].to_numpy() & (out["waiting_late"] >= rule.min_waiting) & (if_sent > threshold)
    )
    out["in_window"] = out["week_start"].to_numpy() >= weeks[-min(rule.window_weeks, len(weeks))]
    iso = pd.DatetimeIndex(out["week_start"]).isocalendar()
    out["week"] = [f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"], strict=False)]
    out["week_start"] = out["week_start"].astype("datetime64[s]")
    out["week_end"] = out["week_end"].astype("datetime64[s]")
    return out[list(WEEK_COLUMNS)]


def gaming_flags(weeks: pd.DataFrame, rule: GamingRule) -> pd.DataFrame:
    """Per unit: complete weeks in the window, suspicious weeks in it and in the whole period,
    and ``flagged`` = at least ``min_weeks`` suspicious weeks in the window."""
    columns = ["unit_code", "window_weeks", "suspicious_in_window", "suspicious_weeks", "flagged"]
    if weeks.empty:
        return pd.DataFrame(columns=columns)
    frame = weeks.assign(sw=weeks["suspicious"] & weeks["in_window"])
    out = (
        frame.groupby("unit_code", sort=True)
        .agg(
            window_weeks=("in_window", "sum"),
            suspicious_in_window=("sw", "sum"),
            suspicious_weeks=("suspicious", "sum"),
        )
        .reset_index()
    )
    for column in ("window_weeks", "suspicious_in_window", "suspicious_weeks"):
        out[column] = out[column].astype(np.int64)
    out["flagged"] = out["suspicious_in_window"] >= rule.min_weeks
    return out[columns]


@dataclass(frozen=True)
class HeldDecisions:
    """Held decisions and the gaming flag for one period."""

    period: Period
    settings: MeasurementSettings
    cases: pd.DataFrame  # measured decisions with gap, bucket, held and late
    by_unit: pd.DataFrame  # unit_distribution joined with gaming_flags
    weeks: pd.DataFrame  # weekly_figures

    def unit_cases(self, unit_code: str) -> pd.DataFrame:
        return self.cases[equals(self.cases["unit_code"], unit_code)]

    def unit_weeks(self, unit_code: str) -> pd.DataFrame:
        return self.weeks[self.weeks["unit_code"].to_numpy() == unit_code]

    def unit_row(self, unit_code: str) -> pd.Series | None:
        rows = self.by_unit[self.by_unit["unit_code"].to_numpy() == unit_code]
        return rows.iloc[0] if len(rows) else None


def measure_held(
    cases: pd.DataFrame, calendar: WorkCalendar, period: Period, settings: MeasurementSettings
) -> HeldDecisions:
    """Held decisions, the gap distribution, both compliances and the gaming flag."""
    held = held_cases(cases, calendar, settings.held_after_working_days)
    weeks = weekly_figures(held, calendar, period, settings.held_after_working_days, settings.gaming)
    flags = gaming_flags(weeks, settings.gaming)
    by_unit = unit_distribution(held).merge(flags, on="unit_code", how="left")
    for column in ("window_weeks", "suspicious_in_window", "suspicious_weeks"):
        by_unit[column] = by_unit[column].fillna(0).astype(np.int64)
    by_unit["flagged"] = by_unit["flagged"].fillna(False).astype(bool)
    return HeldDecisions(period, settings, held, by_unit, weeks)
