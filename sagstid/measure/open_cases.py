"""Open-case snapshot as of a date (rules in docs/open-cases.md).

Pure functions: the rows of ``queries/open_decisions.sql`` and ``queries/open_complaints.sql``
in, every open case with its deadline and status out. A case is open as of A when it was
received on or before A and not decided (answered) on or before A, so re-running for a past A
gives the same answer: dates after A (a later decision, a later delay notice, a later outcome)
are never used.

Each open case gets a ``state``: ``overdue`` (deadline before A), ``due_soon`` (deadline on or
after A with at most N working days after A up to and including it), else ``within``; and
``notice_missing`` when it is overdue or due soon and no delay notice was given on or before A.
Rows that cannot be evaluated are counted with a named reason, never dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.config import DEADLINE_UNITS, ComplaintDeadlines, Config
from sagstid.measure.accounting import ALL
from sagstid.measure.complaints import complaint_deadlines
from sagstid.rules.deadlines import CatalogueArrays, deadlines_for
from sagstid.rules.workdays import WorkCalendar, calendar_for
from sagstid.validate.open_cases import (
    COMPLAINT_NOTE_COLUMNS,
    COMPLAINT_REASONS,
    DECISION_NOTE_COLUMNS,
    DECISION_REASONS,
    ROW_STATUSES,
    validate_open_complaints,
    validate_open_decisions,
)
from sagstid.validate.rows import (
    DateWindow,
    Notes,
    complete_notes,
    count_values,
    parse_dates,
    quality_notes,
)
from sagstid.values import text_array

STATES: tuple[str, ...] = ("overdue", "due_soon", "within")
OPEN_METRICS: tuple[str, ...] = (
    "open",
    "overdue",
    "due_soon",
    "within",
    "notice_missing",
    "open_within_pct",
)


def _day(as_of: dt.date) -> np.datetime64:
    return np.datetime64(as_of, "D")


def _open_ints(values: np.ndarray, is_open: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers for open rows, missing (NA) for the rest."""
    return pd.arrays.IntegerArray(values.astype(np.int64), ~is_open)


def _evaluate(
    rows: pd.DataFrame, deadline: np.ndarray, as_of: dt.date, horizon: int, calendar: WorkCalendar
) -> pd.DataFrame:
    """Deadline, days open, state and notice for the open rows (NaT/NA elsewhere)."""
    day = _day(as_of)
    is_open = rows["row_status"].to_numpy() == "open"
    received = rows["received_date"].to_numpy().astype("datetime64[D]")
    notice = rows["delay_notice_date"].to_numpy().astype("datetime64[D]")
    deadline = np.where(is_open, deadline, np.datetime64("NaT"))
    safe = np.where(is_open, deadline, day)
    left = calendar.working_days_after(np.full(len(rows), day), safe)
    overdue = is_open & (safe < day)
    due_soon = is_open & ~overdue & (left <= horizon)
    state = np.select([overdue, due_soon, is_open], list(STATES), default="")
    notified = ~np.isnat(notice) & (notice <= day)
    rows["deadline_date"] = deadline.astype("datetime64[s]")
    rows["state"] = pd.Categorical(np.where(state == "", None, state), categories=STATES)  # type: ignore[call-overload]
    rows["days_open"] = _open_ints(np.where(is_open, (day - received).astype(np.int64), 0), is_open)
    rows["days_over"] = _open_ints(np.where(overdue, (day - safe).astype(np.int64), 0), is_open)
    rows["working_days_left"] = _open_ints(np.where(overdue, 0, left), is_open)
    rows["notified"] = is_open & notified
    rows["notice_missing"] = (overdue | due_soon) & ~notified
    return rows


def evaluate_open_decisions(
    validated: pd.DataFrame,
    catalogue: CatalogueArrays,
    calendar: WorkCalendar,
    as_of: dt.date,
    horizon: int,
) -> pd.DataFrame:
    """Every validated open-decision row with (if open) its deadline and evaluation.

    The deadline is the catalogue entry's valid on the received date (docs/contract.md §3.2).
    """
    rows = validated.copy()
    received = rows["received_date"].to_numpy()
    entry = rows["entry"].to_numpy()
    is_open = rows["row_status"].to_numpy() == "open"
    deadline = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    deadline[is_open] = deadlines_for(catalogue, entry[is_open], received[is_open], calendar)
    rows["kind"] = "decision"
    # the rule behind each open decision's deadline, for the worklist (empty where not open)
    safe = np.clip(entry, 0, None).astype(np.int64)
    value = catalogue.value[safe].astype(float)
    value[~is_open] = np.nan
    unit_codes = np.where(is_open, catalogue.unit[safe].astype(np.int64), -1)
    published = catalogue.published_text[safe].copy()
    published[~is_open] = None
    rows["deadline_value"] = value
    rows["deadline_unit"] = pd.Categorical.from_codes(unit_codes, categories=list(DEADLINE_UNITS))  # type: ignore[call-overload]
    rows["published_text"] = published
    return _evaluate(rows, deadline, as_of, horizon, calendar)


def open_complaint_deadlines(
    rows: pd.DataFrame, lengths: ComplaintDeadlines, calendar: WorkCalendar
) -> np.ndarray:
    """docs/contract.md §3.4's deadline for complaints not yet answered, whose outcome is unknown.

    The 5-working-day rule applies only when the decision is upheld, which is not known while
    the complaint is open; for warning purposes an open decision complaint from an insured
    unemployed person under the five-day rule gets the earliest deadline it can end up with
    (received + 5 working days). Every other rule does not depend on the outcome.
    """
    return complaint_deadlines(rows.assign(outcome="upheld"), lengths, calendar)


def evaluate_open_complaints(
    validated: pd.DataFrame,
    lengths: ComplaintDeadlines,
    calendar: WorkCalendar,
    as_of: dt.date,
    horizon: int,
) -> pd.DataFrame:
    """Every validated open-complaint row with (if open) its deadline and evaluation."""
    rows = validated.copy()
    is_open = rows["row_status"].to_numpy() == "open"
    deadline = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    deadline[is_open] = open_complaint_deadlines(rows[is_open], lengths, calendar)
    rows["kind"] = "complaint"
    return _evaluate(rows, deadline, as_of, horizon, calendar)


def open_metrics(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of ``keys`` (none: one row) of open cases: open, overdue, due_soon, within,
    notice_missing, and open_within_pct = 100 * (open - overdue) / open (the share of open
    cases whose deadline has not passed; due-soon cases are still within)."""
    columns = keys + list(OPEN_METRICS)
    if cases.empty:
        return pd.DataFrame(columns=columns)
    state = text_array(cases["state"])
    frame = pd.DataFrame(
        {
            **{key: text_array(cases[key]) for key in keys},
            ALL: "all",
            "overdue": state == "overdue",
            "due_soon": state == "due_soon",
            "within": state == "within",
            "notice_missing": cases["notice_missing"].to_numpy(dtype=bool),
        }
    )
    out = (
        frame.groupby(keys or [ALL], sort=True)
        .agg(
            open=("overdue", "size"),
            overdue=("overdue", "sum"),
            due_soon=("due_soon", "sum"),
            within=("within", "sum"),
            notice_missing=("notice_missing", "sum"),
        )
        .reset_index()
    )
    for column in ("open", "overdue", "due_soon", "within", "notice_missing"):
        out[column] = out[column].astype(np.int64)
    out["open_within_pct"] = 100.0 * (out["open"] - out["overdue"]) / out["open"]
    return out[columns]


@dataclass(frozen=True)
class OpenSnapshot:
    """Open decisions and complaints as of one date."""

    as_of: dt.date
    horizon: int  # due_soon_working_days
    decisions: pd.DataFrame  # every row read, with row_status/reason and evaluation
    complaints: pd.DataFrame
    whole: pd.DataFrame | None = None  # set by for_unit: open_metrics of all open decisions

    @property
    def open_decisions(self) -> pd.DataFrame:
        return self.decisions[self.decisions["row_status"].to_numpy() == "open"]

    @property
    def open_complaints(self) -> pd.DataFrame:
        return self.complaints[self.complaints["row_status"].to_numpy() == "open"]

    def cases(self, unit_code: str | None = None) -> pd.DataFrame:
        """Open decisions and complaints in one frame (``kind`` tells them apart), for one
        unit or all: the columns the worklist needs, never a citizen reference."""
        decisions = self.open_decisions.rename(columns={"decision_id": "case_key"})
        complaints = self.open_complaints.rename(columns={"complaint_id": "case_key"})
        keep = [
            "kind",
            "case_key",
            "case_id",
            "unit_code",
            "case_area_code",
            "complaint_kind",
            "received_date",
            "deadline_date",
            "state",
            "days_open",
            "days_over",
            "working_days_left",
            "delay_notice_date",
            "notified",
            "notice_missing",
            "deadline_value",
            "deadline_unit",
            "published_text",
        ]
        parts = []
        for part in (decisions, complaints):
            part = part.reindex(columns=keep)
            for column in ("unit_code", "case_area_code", "complaint_kind"):
                part[column] = part[column].astype(object)
            parts.append(part)
        both = pd.concat(parts, ignore_index=True)
        if unit_code is not None:
            both = both[both["unit_code"].to_numpy() == unit_code]
        return both.reset_index(drop=True)

    def whole_metrics(self) -> pd.DataFrame:
        """open_metrics of the whole administration's open decisions (kept by for_unit)."""
        return self.whole if self.whole is not None else open_metrics(self.open_decisions, [])

    def row_counts(self, kind: str) -> dict[str, int]:
        frame = self.decisions if kind == "decision" else self.complaints
        return count_values(frame["row_status"], ROW_STATUSES)

    def reason_counts(self, kind: str) -> dict[str, int]:
        frame = self.decisions if kind == "decision" else self.complaints
        names = DECISION_REASONS if kind == "decision" else COMPLAINT_REASONS
        return count_values(frame["reason"], names)

    def notes(self, kind: str) -> Notes:
        """Data-quality counts (placeholder dates, padded codes) of every row read."""
        if kind == "decision":
            return complete_notes(quality_notes(self.decisions), DECISION_NOTE_COLUMNS)
        return complete_notes(quality_notes(self.complaints), COMPLAINT_NOTE_COLUMNS)


def snapshot_calendar(
    config: Config,
    decisions: pd.DataFrame,
    complaints: pd.DataFrame,
    as_of: dt.date,
    window: DateWindow | None = None,
) -> WorkCalendar:
    """A working-day calendar from the earliest readable received date (up to ``as_of``) to
    past the horizon, for a snapshot taken on its own; a date outside the plausible ``window``
    (0001-01-01) never reaches it."""
    window = window or DateWindow.of(config.measurement.plausible_dates, as_of)
    received = []
    for frame in (decisions, complaints):
        if len(frame):
            dates, _ = parse_dates(frame["received_date"], window)
            received.append(dates[dates.to_numpy() <= np.datetime64(as_of, "s")])
    return calendar_for(config.calendar, received, as_of, as_of)


def measure_snapshot(
    decisions: pd.DataFrame,
    complaints: pd.DataFrame,
    config: Config,
    catalogue: CatalogueArrays,
    calendar: WorkCalendar,
    as_of: dt.date,
) -> OpenSnapshot:
    """The open-case snapshot from validated open decisions and complaints (no I/O)."""
    horizon = config.measurement.due_soon_working_days
    return OpenSnapshot(
        as_of=as_of,
        horizon=horizon,
        decisions=evaluate_open_decisions(decisions, catalogue, calendar, as_of, horizon),
        complaints=evaluate_open_complaints(complaints, config.complaints, calendar, as_of, horizon),
    )


def take_snapshot(
    decisions: pd.DataFrame,
    complaints: pd.DataFrame,
    units: pd.DataFrame,
    config: Config,
    catalogue: CatalogueArrays,
    as_of: dt.date,
) -> OpenSnapshot:
    """The open-case snapshot from the rows of the two open_*.sql queries (validates them)."""
    window = DateWindow.of(config.measurement.plausible_dates, as_of)
    calendar = snapshot_calendar(config, decisions, complaints, as_of, window)
    return measure_snapshot(
        validate_open_decisions(decisions, units, catalogue, as_of, window),
        validate_open_complaints(complaints, units, as_of, window),
        config,
        catalogue,
        calendar,
        as_of,
    )
