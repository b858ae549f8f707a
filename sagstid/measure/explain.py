"""One decision's or complaint's deadline worked out step by step (docs/contract.md §4.1,
``sagstid explain``): which catalogue entry and why, each working day counted and each day
skipped, any roll, the deadline, the verdict and the notice check.

Pure: the rows of one id in, a structured Explanation out (no I/O, no Danish text; holiday
names come from the ``holidays`` package). The verdict is not worked out again here: the row
goes through the same validation and measurement as a report's rows, and the step-by-step
walk is checked against the deadline those give.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sagstid.config import DEADLINE_UNITS, Config, MeasureAt
from sagstid.measure.complaints import complaint_deadlines, measure_complaints
from sagstid.measure.decisions import evaluate_decisions
from sagstid.periods import Period
from sagstid.rules.daynames import closed_reason
from sagstid.rules.deadlines import NO_ENTRY, VIA, CatalogueArrays, deadline_dates
from sagstid.rules.workdays import WorkCalendar
from sagstid.validate.complaints import validate_complaints
from sagstid.validate.decisions import DecisionExtract, validate_decisions
from sagstid.validate.open_cases import validate_open_decisions
from sagstid.validate.rows import DateWindow, parse_dates


class CaseNotFound(LookupError):
    """No row with the id asked for."""


@dataclass(frozen=True)
class Step:
    """One day of a deadline's walk: a working day counted (its number) or a day skipped."""

    day: dt.date
    counted: int | None = None
    skipped: str | None = None  # rules.daynames WEEKEND | HOLIDAY | CLOSED
    name: str | None = None  # the holiday's Danish name


@dataclass(frozen=True)
class Working:
    """How one deadline date is reached from the start date."""

    value: int
    unit: str  # one of DEADLINE_UNITS
    roll: bool
    start: dt.date
    plain: dt.date  # the start plus the length, before any roll to a working day
    steps: tuple[Step, ...]  # working days: every day after the start up to D; else the roll's days
    deadline: dt.date


@dataclass(frozen=True)
class EntryUsed:
    """The catalogue entry a decision was measured against, and how it was found (VIA)."""

    area: str | None
    variant: str | None
    default: bool
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    via: str
    published_text: str | None
    legal_basis: str | None
    area_listed: bool = False  # the decision's area has entries of its own (a default: by variant only)


@dataclass(frozen=True)
class Explanation:
    kind: str  # "decision" | "complaint"
    case_key: str
    case_id: str | None
    unit_code: str | None
    area: str | None
    variant: str | None
    received: dt.date | None
    done: dt.date | None  # decided (decision) or answered (complaint)
    sent: dt.date | None
    notice: dt.date | None
    status: str  # measured | excluded | open | not_received
    reason: str | None  # the exclusion reason (validate), when excluded
    rows: int  # rows with this id in the source table
    catalogue_version: str
    as_of: dt.date
    measure_at: MeasureAt = "decided"
    entry: EntryUsed | None = None
    complaint_rule: str | None = None  # own_deadline | five_day | ombudsman | handling | decision
    complaint_kind: str | None = None
    legal: Working | None = None
    service: Working | None = None
    within: bool | None = None
    days_over: int | None = None
    notice_in_time: bool | None = None
    within_service: bool | None = None
    days_left: int | None = None  # open: calendar days from as_of to D (negative: overdue)
    working_days_left: int | None = None  # open and not overdue: working days in (as_of, D]
    complaint_on_time: bool | None = None  # answered, or notified of the delay, by D (§3.4)


def _date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    return str(value)


def walk(
    start: dt.date, value: int, unit: str, roll: bool, calendar: WorkCalendar, config: Config
) -> Working:
    """The deadline from ``start`` (rules.deadlines), with the days that make it up."""
    day0 = np.array([np.datetime64(start, "D")])
    unit_index = np.array([DEADLINE_UNITS.index(unit)], dtype=np.int8)
    deadline = deadline_dates(day0, np.array([value]), unit_index, np.array([roll]), calendar)[0].item()
    plain = deadline_dates(day0, np.array([value]), unit_index, np.array([False]), calendar)[0].item()
    steps: list[Step] = []
    if unit == "working_days":
        plain = start if value == 0 else deadline
        day, counted = (start if value == 0 else start + dt.timedelta(days=1)), 0
        while day <= deadline:  # one case's days, at most a few months
            why = closed_reason(day, config.calendar)
            if why is None:
                counted += 1 if value else 0
                steps.append(Step(day, counted=counted))
            else:
                steps.append(Step(day, skipped=why[0], name=why[1]))
            day += dt.timedelta(days=1)
    elif deadline != plain:
        day = plain
        while day < deadline:
            why = closed_reason(day, config.calendar)
            assert why is not None, day
            steps.append(Step(day, skipped=why[0], name=why[1]))
            day += dt.timedelta(days=1)
    elif (why := closed_reason(plain, config.calendar)) is not None:  # not rolled: named only
        steps.append(Step(plain, skipped=why[0], name=why[1]))
    return Working(value, unit, roll, start, plain, tuple(steps), deadline)


def _window(config: Config, end: dt.date) -> DateWindow:
    """measurement.yaml's plausible dates for a period ending ``end``, as the reports judge the
    row (a date outside them is a placeholder: invalid_date)."""
    return DateWindow.of(config.measurement.plausible_dates, end)


def _calendar(config: Config, *days: dt.date | None) -> WorkCalendar:
    known = [d for d in days if d is not None]
    return WorkCalendar.covering(config.calendar, min(known), max(known))


def _entry_used(catalogue: CatalogueArrays, entry: int, via: int, area: str | None) -> EntryUsed:
    valid_to = catalogue.valid_to[entry].item()
    return EntryUsed(
        area=catalogue.areas[entry],
        variant=catalogue.variants[entry],
        default=bool(catalogue.is_default[entry]),
        name=str(catalogue.names[entry]),
        valid_from=catalogue.valid_from[entry].item(),
        valid_to=None if valid_to.year == 9999 else valid_to,
        via=VIA[via],
        published_text=catalogue.published_text[entry],
        legal_basis=catalogue.legal_basis[entry],
        area_listed=area in catalogue.area_index,
    )


def _open_case(legal: Working, calendar: WorkCalendar, **fields: Any) -> Explanation:
    """An open case as of ``fields["as_of"]``: the calendar days left to its deadline (negative:
    overdue), the working days left when not overdue, and whether the delay notice
    (``fields["notice"]``) was sent in time; ``fields``: the Explanation's other fields."""
    as_of, notice = fields["as_of"], fields["notice"]
    left = (legal.deadline - as_of).days
    working_left = None
    if left >= 0:
        working_left = int(
            calendar.working_days_after(
                np.array([np.datetime64(as_of, "D")]), np.array([np.datetime64(legal.deadline, "D")])
            )[0]
        )
    return Explanation(
        status="open",
        reason=None,
        legal=legal,
        days_left=left,
        working_days_left=working_left,
        notice_in_time=None if notice is None else notice <= legal.deadline,
        **fields,
    )


def explain_decision(
    rows: pd.DataFrame,
    units: pd.DataFrame,
    config: Config,
    catalogue: CatalogueArrays,
    as_of: dt.date,
) -> Explanation:
    """The explanation of the decision whose rows (all rows with its id) are ``rows``."""
    if rows.empty:
        raise CaseNotFound
    rows = rows.reset_index(drop=True)
    raw = rows.iloc[0]
    decided_raw = raw.get("decided_date")
    decided_parsed, decided_bad = parse_dates(rows["decided_date"].iloc[:1], _window(config, as_of))
    decided = _date(decided_parsed.iloc[0])
    is_open = not decided_bad[0] and (decided is None or decided > as_of)
    base = {
        "kind": "decision",
        "case_key": str(raw["decision_id"]),
        "case_id": _text(raw.get("case_id")),
        "unit_code": _text(raw.get("unit_code")),
        "area": _text(raw.get("case_area_code")),
        "variant": _text(raw.get("case_variant")),
        "rows": len(rows),
        "catalogue_version": config.catalogue_version,
        "as_of": as_of,
        "measure_at": config.measurement.measure_at,
    }
    if is_open:
        checked = validate_open_decisions(
            rows.assign(duplicate_id=int(len(rows) > 1)), units, catalogue, as_of, _window(config, as_of)
        ).iloc[0]
        status = {"open": "open", "excluded": "excluded"}.get(str(checked["row_status"]), "not_received")
        reason = _text(checked["reason"])
        done = None
    else:
        day = decided if decided is not None else as_of
        extract = DecisionExtract.from_rows(rows)
        checked = validate_decisions(
            extract, units, Period(day, day), catalogue, _window(config, day)
        ).rows.iloc[0]
        status, reason, done = str(checked["status"]), _text(checked["reason"]), decided
        if decided_raw is not None and decided_bad[0]:
            done = None
    received, sent, notice = (
        _date(checked.get(c)) for c in ("received_date", "sent_date", "delay_notice_date")
    )
    explanation = {**base, "received": received, "done": done, "sent": sent, "notice": notice}
    if status not in ("measured", "open"):
        return Explanation(status=status, reason=reason, **explanation)  # type: ignore[arg-type]
    assert received is not None
    variant = pd.Series([base["variant"]], dtype=object)
    entries, vias = catalogue.lookup_via(
        pd.Series([base["area"]], dtype=object), np.array([np.datetime64(received, "D")]), variant
    )
    entry, via = int(entries[0]), int(vias[0])
    assert entry != NO_ENTRY
    calendar = _calendar(config, received, as_of, done)

    def rule(values: np.ndarray, units: np.ndarray, rolls: np.ndarray) -> Working:
        """The deadline of the entry's rule (the legal one or the service target) from receipt."""
        return walk(
            received, int(values[entry]), DEADLINE_UNITS[units[entry]], bool(rolls[entry]), calendar, config
        )

    legal = rule(catalogue.value, catalogue.unit, catalogue.roll)
    service = (
        rule(catalogue.target_value, catalogue.target_unit, catalogue.target_roll)
        if catalogue.target_value[entry] >= 0
        else None
    )
    used = _entry_used(catalogue, entry, via, base["area"])  # type: ignore[arg-type]
    if status == "open":
        return _open_case(legal, calendar, entry=used, service=service, **explanation)
    assert done is not None
    measured = validate_decisions(
        DecisionExtract.from_rows(rows), units, Period(done, done), catalogue, _window(config, done)
    ).measured
    case = evaluate_decisions(measured, catalogue, calendar, config.measurement.measure_at).iloc[0]
    assert _date(case["deadline_date"]) == legal.deadline, (case["deadline_date"], legal.deadline)
    return Explanation(
        status="measured",
        reason=None,
        entry=used,
        legal=legal,
        service=service,
        within=bool(case["within"]),
        days_over=int(case["days_over"]),
        notice_in_time=bool(case["notice_in_time"]),
        within_service=bool(case["within_service"]) if service is not None else None,
        **explanation,  # type: ignore[arg-type]
    )


def _flag(value: object) -> bool:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return bool(number == 1)


def complaint_rule(row: pd.Series) -> str:
    """Which rule of docs/contract.md §3.4 sets a complaint's deadline (as complaint_deadlines)."""
    if _date(row.get("deadline_date")) is not None:
        return "own_deadline"
    kind = row.get("complaint_kind")
    if (
        kind == "decision"
        and _flag(row.get("insured_unemployed"))
        and _flag(row.get("five_day_rule"))
        and row.get("outcome") == "upheld"
    ):
        return "five_day"
    if kind == "handling":
        return "ombudsman" if _flag(row.get("via_ombudsman")) else "handling"
    return "decision"


def explain_complaint(rows: pd.DataFrame, units: pd.DataFrame, config: Config, as_of: dt.date) -> Explanation:
    """The explanation of the complaint whose rows (all rows with its id) are ``rows``."""
    if rows.empty:
        raise CaseNotFound
    rows = rows.reset_index(drop=True)
    raw = rows.iloc[0]
    answered_parsed, answered_bad = parse_dates(rows["answered_date"].iloc[:1], _window(config, as_of))
    answered = _date(answered_parsed.iloc[0])
    is_open = not answered_bad[0] and (answered is None or answered > as_of)
    day = answered if answered is not None and not is_open else as_of
    period = Period(day, day)
    validated = validate_complaints(rows, units, period, _window(config, day))
    checked = validated.iloc[0]
    received = _date(checked["received_date"])
    notice = _date(checked.get("delay_notice_date"))
    status = "open" if is_open else str(checked["status"])
    reason = _text(checked["reason"])
    if is_open and (received is None or _text(checked.get("receipt_reason"))):
        status, reason = "excluded", _text(checked.get("receipt_reason")) or "missing_received"
    base = {
        "kind": "complaint",
        "case_key": str(raw["complaint_id"]),
        "case_id": _text(raw.get("case_id")),
        "unit_code": _text(raw.get("unit_code")),
        "area": None,
        "variant": None,
        "rows": len(rows),
        "catalogue_version": config.catalogue_version,
        "as_of": as_of,
        "complaint_kind": _text(raw.get("complaint_kind")),
        "received": received,
        "done": None if is_open else answered,
        "sent": None,
        "notice": notice,
    }
    if status not in ("measured", "open"):
        return Explanation(status=status, reason=reason, **base)  # type: ignore[arg-type]
    assert received is not None
    calendar = _calendar(config, received, as_of, answered)
    rule = complaint_rule(checked)
    lengths = config.complaints
    own = _date(checked.get("deadline_date"))
    if rule == "own_deadline":
        assert own is not None
        legal = Working(0, "calendar_days", False, received, own, (), own)
    elif rule == "five_day":
        legal = walk(received, lengths.five_day_working_days, "working_days", False, calendar, config)
    else:
        weeks = {
            "ombudsman": lengths.ombudsman_weeks,
            "handling": lengths.handling_weeks,
            "decision": lengths.decision_weeks,
        }[rule]
        legal = walk(received, weeks, "weeks", False, calendar, config)
    one = validated.iloc[:1]
    assert _date(complaint_deadlines(one, lengths, calendar)[0]) == legal.deadline
    if status == "open":
        return _open_case(legal, calendar, complaint_rule=rule, **base)
    measured = measure_complaints(validated, period, lengths, calendar).rows.iloc[0]
    assert answered is not None
    return Explanation(
        status="measured",
        reason=None,
        complaint_rule=rule,
        legal=legal,
        within=answered <= legal.deadline,
        days_over=max((answered - legal.deadline).days, 0),
        notice_in_time=None if notice is None else notice <= legal.deadline,
        complaint_on_time=bool(measured["on_time"]),
        **base,  # type: ignore[arg-type]
    )
