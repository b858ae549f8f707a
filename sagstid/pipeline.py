"""The whole run: config -> extract -> validate -> measure -> report, for one period.

Library code: raises InputError subclasses for bad input and never exits; the CLI decides
exit codes. Reports are written to a staging folder and only then moved into place, so a run
that fails leaves the previous reports intact.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from sagstid import background, heap
from sagstid.config import Config, load_config
from sagstid.errors import InputError
from sagstid.measure.audit import AuditMeasurement, measure_audit
from sagstid.measure.complaints import ComplaintMeasurement, measure_complaints
from sagstid.measure.decisions import DecisionMeasurement, measure_decisions
from sagstid.measure.flow import with_deadlines
from sagstid.measure.flow_figures import (
    FlowFigures,
    extract_start,
    flow_tables,
    flow_trend,
    measure_flow_figures,
)
from sagstid.measure.held import measure_held
from sagstid.measure.open_cases import measure_snapshot
from sagstid.measure.performance import ContractFigures, contract_figures
from sagstid.measure.run import (
    LAST_YEAR,
    LAST_YEAR_TO_DATE,
    PREVIOUS,
    YEAR_TO_DATE,
    Comparison,
    RunMeasurement,
)
from sagstid.measure.surge import SurgeCheck, SurgeRule, check_surges
from sagstid.periods import Period
from sagstid.rules.deadlines import CatalogueArrays
from sagstid.rules.workdays import WorkCalendar, calendar_for
from sagstid.source.db import check_schema, connect
from sagstid.source.extract import (
    extract_audit_samples,
    extract_complaint_case_areas,
    extract_complaints,
    extract_decision_periods,
    extract_decisions,
    extract_flow,
    extract_open_cases,
    extract_open_complaints,
    extract_units,
    flow_rows,
    has_promised_date,
    open_decisions_before,
)
from sagstid.source.urls import describe
from sagstid.validate.audit import validate_audit
from sagstid.validate.complaints import validate_complaints
from sagstid.validate.decisions import DecisionExtract, ValidatedDecisions, validate_decisions
from sagstid.validate.flow import FlowRows, validate_flow
from sagstid.validate.open_cases import received_by, validate_open_complaints, validate_open_decisions
from sagstid.validate.rows import DateWindow, as_text, clean_units, parse_dates
from sagstid.validate.units import check_units

if TYPE_CHECKING:
    from sagstid.report.revisions import Publication

Stage = Callable[[str], AbstractContextManager[None]]
"""How a run reports its stages: the CLI passes one that prints and times, tests a silent one.
A stage function with a ``progress(done, total)`` attribute is told how many workbooks of the
report stage are written."""


class UnknownUnit(InputError):
    """A ``--unit`` code that is not in the units table."""


@contextmanager
def _silent(_: str) -> Iterator[None]:
    yield


def date_window(config: Config, period: Period) -> DateWindow:
    """The plausible source dates for ``period`` (measurement.yaml ``plausible_dates``,
    docs/contract.md §1.1)."""
    return DateWindow.of(config.measurement.plausible_dates, period.end)


@dataclass(frozen=True)
class RunContext:
    """What every stage of one run shares: the configuration, the catalogue, the units and
    the run's one working-day calendar."""

    config: Config
    catalogue: CatalogueArrays
    units: pd.DataFrame
    calendar: WorkCalendar


def measure_extract(
    extract: DecisionExtract,
    units: pd.DataFrame,
    config: Config,
    catalogue: CatalogueArrays,
    period: Period,
    stage: Stage = _silent,
) -> DecisionMeasurement:
    """Validate and measure extracted decisions on their own (no I/O): the benchmark's and the
    tests' entry point, with a calendar for just these decisions."""
    with stage(f"Validerer {period.label}"):
        validated = validate_decisions(extract, units, period, catalogue, date_window(config, period))
    with stage(f"Beregner frister og overholdelse {period.label}"):
        calendar = calendar_for(
            config.calendar, [validated.measured_values("received_date")], period.start, period.end
        )
        return measure_decisions(validated, catalogue, calendar, measure_at=config.measurement.measure_at)


def measure_period(
    engine: Engine,
    config: Config,
    catalogue: CatalogueArrays,
    units: pd.DataFrame,
    period: Period,
    stage: Stage = _silent,
    with_promised: bool = False,
) -> DecisionMeasurement:
    """Extract, validate and measure the decisions of one period (``with_promised``: read the
    optional column promised_date too)."""
    with stage(f"Henter afgørelser {period.label}"):
        extract = extract_decisions(engine, period, with_promised)
    return measure_extract(extract, units, config, catalogue, period, stage)


def surge_rule(config: Config) -> SurgeRule:
    c = config.complaints
    return SurgeRule(
        alpha=c.surge_alpha,
        min_count=c.surge_min_count,
        baseline_months=c.surge_baseline_months,
        min_history=c.surge_min_history,
    )


@dataclass(frozen=True)
class Extracted:
    """Every source row one run reads."""

    units: pd.DataFrame
    current: DecisionExtract
    previous: DecisionExtract
    complaints: pd.DataFrame
    case_decisions: pd.DataFrame  # decisions sharing a case with a complaint
    audit_samples: pd.DataFrame
    open_decisions: pd.DataFrame
    open_complaints: pd.DataFrame
    flow: pd.DataFrame  # queries/flow_decisions.sql: the backlog trend and the expected wait
    promised_column: bool  # the decisions table has the optional column promised_date
    before_open_decisions: pd.DataFrame  # open at the comparison period's end
    before_open_complaints: pd.DataFrame


def extract_run(
    engine: Engine,
    period: Period,
    previous: Period,
    as_of: dt.date,
    stage: Stage,
    flow_from: dt.date,
    before_window: DateWindow | None = None,
) -> Extracted:
    """Read everything the run measures (the only stage that talks to the database);
    ``flow_from``: the first decided date the flow figures need (flow_figures.extract_start);
    ``before_window``: the plausible dates of the comparison snapshot at ``previous``'s end
    (:func:`validate_comparison`'s), to leave out the rows it would leave out before they are
    taken from the rows read (extract.open_decisions_before)."""
    with stage("Kontrollerer databasens tabeller"):
        check_schema(engine, ["units", "decisions", "complaints", "audit_samples"])
        units = check_units(clean_units(extract_units(engine)))
        promised_column = has_promised_date(engine)
    with stage(f"Henter afgørelser {previous.label} og {period.label}"):
        current, earlier = extract_decision_periods(engine, period, previous, promised_column)
    with stage(f"Henter klager og tilsyn {period.label}"):
        complaints = extract_complaints(engine)
        # the complaints' case areas are read for the complaints received in the periods
        # measured (the contract figures': this run's and each comparison period's)
        measured = [period, previous, *comparison_periods(period).values()]
        case_decisions = extract_complaint_case_areas(
            engine, min(p.start for p in measured), max(p.end for p in measured)
        )
        audit_samples = extract_audit_samples(engine)
    with stage(f"Henter åbne sager pr. {as_of.isoformat()}"):
        open_decisions, open_complaints = extract_open_cases(engine, as_of, current.duplicates)
    with stage(f"Henter åbne sager pr. {previous.end.isoformat()}"):
        if as_of == period.end:  # the rows decided since previous.end are read already
            before_decisions = open_decisions_before(current, open_decisions, previous.end, before_window)
            before_complaints = extract_open_complaints(engine, previous.end)
        else:
            before_decisions, before_complaints = extract_open_cases(engine, previous.end, current.duplicates)
    with stage(f"Henter sagsflow {period.label}"):
        if as_of == period.end and previous.start <= flow_from:  # the rows are read already
            flow = flow_rows(current, open_decisions, flow_from, as_of)
        else:
            flow = extract_flow(engine, flow_from, as_of, current.duplicates)
    return Extracted(
        units,
        current,
        earlier,
        complaints,
        case_decisions,
        audit_samples,
        open_decisions,
        open_complaints,
        flow,
        promised_column,
        before_decisions,
        before_complaints,
    )


@dataclass(frozen=True)
class Validated:
    """Every source row of one run with its status and reason (validate/)."""

    current: ValidatedDecisions
    previous: ValidatedDecisions
    complaints: pd.DataFrame
    audit_samples: pd.DataFrame
    open_decisions: pd.DataFrame
    open_complaints: pd.DataFrame
    flow: FlowRows


def validate_run(
    x: Extracted,
    config: Config,
    catalogue: CatalogueArrays,
    period: Period,
    previous: Period,
    as_of: dt.date,
    flow: FlowRows | None = None,
) -> Validated:
    """Validate every table the run read (no I/O); ``flow``: the flow rows validated already
    (:func:`validate_flow` of ``x.flow``)."""
    window = date_window(config, period)
    snapshot_window = DateWindow.of(config.measurement.plausible_dates, as_of)
    return Validated(
        current=validate_decisions(x.current, x.units, period, catalogue, window),
        previous=validate_decisions(x.previous, x.units, previous, catalogue, date_window(config, previous)),
        complaints=validate_complaints(x.complaints, x.units, period, window),
        audit_samples=validate_audit(x.audit_samples, x.units, period, window),
        open_decisions=validate_open_decisions(x.open_decisions, x.units, catalogue, as_of, snapshot_window),
        open_complaints=validate_open_complaints(x.open_complaints, x.units, as_of, snapshot_window),
        flow=flow if flow is not None else validate_flow(x.flow, x.units, window),
    )


def _received_by(rows: pd.DataFrame, as_of: dt.date) -> pd.Series:
    received = rows["received_date"]
    return received[received.to_numpy() <= np.datetime64(as_of, "s")]


def run_calendar(
    v: Validated, config: Config, previous: Period, last: dt.date, extra: tuple[pd.Series, ...] = ()
) -> WorkCalendar:
    """The run's one working-day calendar: from the earliest readable received date of any row
    it measures (or the comparison period's start) to ``last`` and the deadlines after it, and
    to the last plausible date (a sent date years later still counts its working days). Dates
    outside the plausible window are NaT after validation and never reach it."""
    received = [
        v.current.measured_values("received_date"),
        v.previous.measured_values("received_date"),
        v.complaints["received_date"],
        _received_by(v.open_decisions, last),
        _received_by(v.open_complaints, last),
        _received_by(v.flow.cases, last),
        *extra,
    ]
    latest = DateWindow.of(config.measurement.plausible_dates, last).latest
    return calendar_for(config.calendar, received, previous.start, max(last, latest))


@dataclass(frozen=True)
class ComplaintFollowUp:
    """Everything measured besides decisions: complaints, contract figures, surges, audit."""

    complaints: ComplaintMeasurement
    contract: ContractFigures
    surge: SurgeCheck
    audit: AuditMeasurement


def measure_follow_up(
    x: Extracted, v: Validated, run: RunContext, period: Period, decisions: DecisionMeasurement
) -> ComplaintFollowUp:
    """Complaints, contract pace, complaints per 1,000 decisions, surge alerts and the audit
    shares of ``period`` (no I/O)."""
    complaints = measure_complaints(v.complaints, period, run.config.complaints, run.calendar)
    window = date_window(run.config, period)
    case_decisions = x.case_decisions.assign(
        decided_date=parse_dates(x.case_decisions["decided_date"], window)[0],
        case_id=as_text(x.case_decisions["case_id"]),
        case_area_code=as_text(x.case_decisions["case_area_code"]).str.strip(),
    )
    contract = contract_figures(
        complaints.rows,
        case_decisions,
        run.units["unit_code"].dropna().astype(str).tolist(),
        run.config.targets.handling_complaints_max,
        period,
        decisions.by_unit,
        decisions.by_area,
        decisions.by_unit_area,
    )
    return ComplaintFollowUp(
        complaints=complaints,
        contract=contract,
        surge=check_surges(complaints.rows, period, surge_rule(run.config)),
        audit=measure_audit(v.audit_samples, decisions.cases),
    )


def comparison_periods(period: Period) -> dict[str, Period]:
    """The periods a run is compared with: the period before, the same period last year, the
    year to date (left out where it is the period itself) and, with a year to date, last
    year's same span (decisions only: the trend's line for last year)."""
    out = {PREVIOUS: period.previous(), LAST_YEAR: period.last_year()}
    if period.year_to_date() != period:
        out[YEAR_TO_DATE] = period.year_to_date()
        out[LAST_YEAR_TO_DATE] = period.year_to_date().last_year()
    return out


@dataclass(frozen=True)
class ComparisonRows:
    """What one comparison period reads besides the run's own rows: its decisions (None: the
    run has read them already, as the period before) and the open cases at its last day (None
    for decisions only)."""

    period: Period
    decisions: DecisionExtract | None
    open_cases: tuple[pd.DataFrame, pd.DataFrame] | None


def extract_comparisons(
    engine: Engine,
    period: Period,
    stage: Stage,
    read_open: dict[dt.date, tuple[pd.DataFrame, pd.DataFrame]],
    duplicates: pd.DataFrame,
) -> dict[str, ComparisonRows]:
    """Read the comparison periods' decisions and open cases (:func:`comparison_periods`),
    each period and each snapshot day once: ``read_open`` holds the open cases the run has
    read already, by day (the comparison period's end), and gains those read here;
    ``duplicates``: the table's repeated ids, as read for the run's own period."""
    out: dict[str, ComparisonRows] = {}
    read: dict[Period, DecisionExtract | None] = {period.previous(): None}
    for key, other in comparison_periods(period).items():
        if other not in read:
            with stage(f"Henter sammenligningsperioden {other.label}"):
                read[other] = extract_decisions(engine, other)
        opened = None
        if key != LAST_YEAR_TO_DATE:
            if other.end not in read_open:
                with stage(f"Henter åbne sager pr. {other.end.isoformat()}"):
                    read_open[other.end] = extract_open_cases(engine, other.end, duplicates)
            opened = read_open[other.end]
        out[key] = ComparisonRows(other, read[other], opened)
    return out


def measure_comparisons(
    rows: dict[str, ComparisonRows],
    x: Extracted,
    v: Validated,
    run: RunContext,
    previous: DecisionMeasurement,
    stage: Stage = _silent,
    known: Comparison | None = None,
) -> dict[str, Comparison]:
    """Decisions, complaints, contract, audit and the open-case snapshot at the last day of
    each comparison period, each with its own calendar (no I/O), each period once;
    ``previous`` is the period before's decisions, already measured, and ``known`` a
    comparison period the run has measured in full already (the one its reports compare with)."""
    measured: dict[Period, DecisionMeasurement] = {rows[PREVIOUS].period: previous}
    full: dict[Period, Comparison] = {} if known is None else {known.period: known}
    out: dict[str, Comparison] = {}
    for key, r in rows.items():
        other = r.period
        if r.open_cases is not None and other in full:
            out[key] = full[other]
            continue
        with stage(f"Måler {other.label} til sammenligning"):
            # the plausible dates of measurement.yaml, as when the period is measured as its
            # own: the figures then match what a run of that period published (revisions)
            window = date_window(run.config, other)
            decisions = (
                None
                if r.decisions is None
                else validate_decisions(r.decisions, x.units, other, run.catalogue, window)
            )
            complaints = validate_complaints(x.complaints, x.units, other, window)
            opened = (
                None
                if r.open_cases is None
                else (
                    validate_open_decisions(r.open_cases[0], x.units, run.catalogue, other.end, window),
                    validate_open_complaints(r.open_cases[1], x.units, other.end, window),
                )
            )
            received = [complaints["received_date"]]
            if decisions is not None:
                received.append(decisions.measured_values("received_date"))
            if opened is not None:
                received += [_received_by(opened[0], other.end), _received_by(opened[1], other.end)]
            calendar = calendar_for(run.config.calendar, received, other.start, other.end)
            if other not in measured:
                assert decisions is not None  # read unless measured already
                measured[other] = measure_decisions(
                    decisions, run.catalogue, calendar, measure_at=run.config.measurement.measure_at
                )
            if opened is None:
                out[key] = Comparison(period=other, decisions=measured[other])
                continue
            here = replace(
                v,
                complaints=complaints,
                audit_samples=validate_audit(x.audit_samples, x.units, other, window),
            )
            follow_up = measure_follow_up(x, here, replace(run, calendar=calendar), other, measured[other])
            snapshot = measure_snapshot(opened[0], opened[1], run.config, run.catalogue, calendar, other.end)
        out[key] = full[other] = Comparison(
            period=other,
            decisions=measured[other],
            complaints=follow_up.complaints,
            contract=follow_up.contract,
            audit=follow_up.audit,
            snapshot=snapshot,
        )
    return out


def flow_trend_of(
    flow: FlowRows, run: RunContext, period: Period
) -> tuple[np.ndarray, dict[str, pd.DataFrame]]:
    """The flow rows' deadlines and their monthly flow and backlog (no I/O): the part of
    :func:`measure_flow` that needs only the validated flow rows, and most of its work. Given
    the flow rows alone, so that the work waiting to be done keeps nothing else alive."""
    cases = with_deadlines(flow.cases, run.catalogue, run.calendar)
    return cases["deadline_date"].to_numpy(), flow_trend(cases, run.config.measurement, period.end)


def measure_flow(
    x: Extracted,
    v: Validated,
    run: RunContext,
    period: Period,
    current: DecisionMeasurement,
    open_decisions: pd.DataFrame,
    complaint_rows: pd.DataFrame,
    worked: tuple[np.ndarray, dict[str, pd.DataFrame]] | None = None,
) -> FlowFigures:
    """The figures of docs/flow.md (no I/O): the backlog trend and the expected wait from the
    flow rows, lateness and the promised date from the period's decisions, the goals from the
    complaint rows. ``worked``: :func:`flow_trend_of` of the same rows, if worked out already."""
    if worked is None:
        flow_cases, trend = with_deadlines(v.flow.cases, run.catalogue, run.calendar), None
    else:
        flow_cases, trend = v.flow.cases.assign(deadline_date=worked[0]), worked[1]
    tables = flow_tables(flow_cases, current.cases, run.config.measurement, period.end, trend)
    return measure_flow_figures(
        flow_cases=flow_cases,
        flow_left_out=v.flow.left_out,
        measured=current.cases,
        promised_column=x.promised_column,
        open_decisions=open_decisions,
        complaint_rows=complaint_rows,
        unit_codes=run.units["unit_code"].dropna().astype(str).tolist(),
        catalogue=run.config.catalogue,
        goals=run.config.targets.goals,
        settings=run.config.measurement,
        end=period.end,
        tables=tables,
    )


# Modules later stages import that the run's own thread need not wait for: imported on a side
# thread while the database is read (its thread mostly waits then). scipy's special functions
# (the surge rule), 0.3 CPU-s that were on the run's path. Not its optimiser (the committee
# workbook's check of the suppression): imported while the workbooks are written, it keeps
# 23 MB out of the main process's peak, at the end of validation.
LATER_IMPORTS: tuple[str, ...] = ("scipy.special",)


def _import_meanwhile(modules: Sequence[str]) -> threading.Thread:
    """A started thread importing ``modules``; one that fails is left for the stage that
    imports it to report."""

    def load() -> None:
        for module in modules:
            with suppress(Exception):  # reported by the stage that imports it
                importlib.import_module(module)

    thread = threading.Thread(target=load, name="sagstid-import", daemon=True)
    thread.start()
    return thread


def build_context(
    db_url: str,
    config_dir: Path,
    period: Period,
    stage: Stage = _silent,
    worklist_first: bool = False,
    comparisons: bool = True,
    after_reading: Callable[[], None] = lambda: None,
) -> RunMeasurement:
    """Measure ``period`` and the period before it from the database at ``db_url``, and take
    the open-case snapshot as of the period's last day: source -> validate -> measure, each
    once. ``worklist_first``: the unit workbooks open on their action list (the nightly run).
    ``comparisons``: also measure the comparison periods in full (:func:`measure_comparisons`:
    the committee workbook's Overblik). ``after_reading`` is called once the database is read
    (run_period starts the workbook processes then)."""
    as_of = period.end
    previous_period = period.comparison()
    heap.arrow_from_the_c_library()  # what Arrow frees is given back too (heap.py)
    with stage("Læser konfiguration"):
        config = load_config(config_dir)
        catalogue = CatalogueArrays.from_catalogue(config.catalogue)
    engine = connect(db_url)
    importing = _import_meanwhile(LATER_IMPORTS)  # joined below, before any fork
    try:
        flow_from = extract_start(as_of, config.measurement)
        before_window = DateWindow.of(config.measurement.plausible_dates, previous_period.end)
        extracted = extract_run(engine, period, previous_period, as_of, stage, flow_from, before_window)
        read_open = {
            as_of: (extracted.open_decisions, extracted.open_complaints),
            previous_period.end: (extracted.before_open_decisions, extracted.before_open_complaints),
        }
        compare_rows = (
            extract_comparisons(engine, period, stage, read_open, extracted.current.duplicates)
            if comparisons
            else {}
        )
    finally:
        engine.dispose()
        importing.join()
    del read_open  # compare_rows holds what the comparisons read
    return_freed_memory()  # what the read's drivers and conversions let go of (1 M bench: 124 MB)
    after_reading()
    with stage(f"Validerer {period.label} og {previous_period.label}"):
        # the flow rows first, and their text let go before the decisions are validated: the
        # main process's memory peaks at the end of validation
        flow = validate_flow(extracted.flow, extracted.units, date_window(config, period))
        extracted = replace(extracted, flow=empty_like(extracted.flow))
        return_freed_memory()
        validated = validate_run(extracted, config, catalogue, period, previous_period, as_of, flow)
        before = validate_comparison(extracted, validated, config, catalogue, previous_period)
        calendar = run_calendar(
            validated,
            config,
            previous_period,
            as_of,
            (
                before.complaints["received_date"],
                _received_by(before.open_decisions, previous_period.end),
                _received_by(before.open_complaints, previous_period.end),
            ),
        )
    # the rows read are validated: no later stage reads the extract's decision rows
    extracted = without_decision_rows(extracted)
    compare_rows = measured_in_full(compare_rows, previous_period)
    return_freed_memory()
    run = RunContext(config, catalogue, extracted.units, calendar)
    measure_at = config.measurement.measure_at
    # the flow trend, most of the flow stage's work, is worked out beside the stages from the
    # deadlines on (sagstid/background.py: a forked process on Linux, which shares the rows
    # without copying); meanwhile freed arrays are given back, not kept by both (heap.py)
    with ExitStack() as beside:
        with stage(f"Beregner frister og overholdelse {period.label} og {previous_period.label}"):
            beside.enter_context(heap.big_arrays_mapped())
            trend_of_flow = partial(flow_trend_of, validated.flow, run, period)
            trend = beside.enter_context(background.started(trend_of_flow))
            del trend_of_flow
            current = measure_decisions(validated.current, catalogue, calendar, measure_at=measure_at)
            previous = measure_decisions(validated.previous, catalogue, calendar, measure_at=measure_at)
            validated, before = without_validated_decisions(validated), without_validated_decisions(before)
        with stage(f"Måler klager, resultatkontrakt og tilsyn {period.label}"):
            follow_up = measure_follow_up(extracted, validated, run, period, current)
        with stage(f"Måler åbne sager og tilbageholdte afgørelser {period.label}"):
            snapshot = measure_snapshot(
                validated.open_decisions, validated.open_complaints, config, catalogue, calendar, as_of
            )
            held = measure_held(current.cases, calendar, period, config.measurement)
        with stage(f"Måler sammenligningsperioden {previous_period.label}"):
            before_follow_up = measure_follow_up(extracted, before, run, previous_period, previous)
            before_snapshot = measure_snapshot(
                before.open_decisions,
                before.open_complaints,
                config,
                catalogue,
                calendar,
                previous_period.end,
            )
            before_held = measure_held(previous.cases, calendar, previous_period, config.measurement)
        with stage(f"Måler sagsflow, forsinkelse og forventet ventetid {period.label}"):
            flow_figures = measure_flow(
                extracted,
                validated,
                run,
                period,
                current,
                snapshot.open_decisions,
                follow_up.complaints.rows,
                trend.result(),
            )
            # the flow rows are measured: let go of them (``before`` shares them and is done)
            validated = replace(
                validated, flow=FlowRows(empty_like(validated.flow.cases), validated.flow.left_out)
            )
            del before
    known = Comparison(
        period=previous_period,
        decisions=previous,
        complaints=before_follow_up.complaints,
        contract=before_follow_up.contract,
        audit=before_follow_up.audit,
        snapshot=before_snapshot,
    )
    compare = (
        measure_comparisons(compare_rows, extracted, validated, run, previous, stage, known)
        if compare_rows
        else {}
    )
    return_freed_memory()  # the measuring's intermediates, before the workbooks are written
    return RunMeasurement(
        period=period,
        previous_period=previous_period,
        targets=config.targets,
        catalogue_version=config.catalogue_version,
        source=describe(db_url),
        units=extracted.units,
        current=current,
        previous=previous,
        complaints=follow_up.complaints,
        contract=follow_up.contract,
        surge=follow_up.surge,
        audit=follow_up.audit,
        as_of=as_of,
        snapshot=snapshot,
        held=held,
        worklist_first=worklist_first,
        suppress_below=config.measurement.suppress_below,
        flow=flow_figures,
        previous_complaints=before_follow_up.complaints,
        previous_contract=before_follow_up.contract,
        previous_audit=before_follow_up.audit,
        previous_snapshot=before_snapshot,
        previous_held=before_held,
        previous_working_day=previous_working_day(calendar, as_of),
        registration_check_days=config.measurement.registration_check_days,
        compare=compare,
    )


def without_decision_rows(x: Extracted) -> Extracted:
    """``x`` without the decision rows read (the extract's largest frames), once validated:
    the later stages read only its small tables (units, complaints, the complaints' case
    areas, audit samples) and ``promised_column``."""
    empty = DecisionExtract(
        empty_like(x.current.in_period), empty_like(x.current.outside), empty_like(x.current.duplicates)
    )
    return replace(
        x,
        current=empty,
        previous=empty,
        open_decisions=empty_like(x.open_decisions),
        flow=empty_like(x.flow),
        before_open_decisions=empty_like(x.before_open_decisions),
    )


def empty_like(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of no rows with ``frame``'s columns and dtypes that shares no memory with it
    (``frame.iloc[:0]`` would keep every buffer of ``frame`` alive: a slice of Arrow text keeps
    its whole array)."""
    return pd.DataFrame({k: pd.Series([], dtype=t) for k, t in frame.dtypes.items()}, columns=frame.columns)


def return_freed_memory() -> None:
    """Give the free pages inside the C library's heap back to the system now (sagstid/heap.py;
    the run's Arrow buffers come from it too): the text columns the run has let go of would
    otherwise still count in its memory."""
    heap.trim()


def measured_in_full(rows: dict[str, ComparisonRows], known: Period) -> dict[str, ComparisonRows]:
    """``rows`` without the open cases of ``known``, the comparison period the run measures in
    full itself (measure_comparisons takes its figures as they are): kept as empty frames, so
    that such a row still asks for the period's full figures."""
    return {
        key: replace(r, open_cases=(empty_like(r.open_cases[0]), empty_like(r.open_cases[1])))
        if r.period == known and r.open_cases is not None
        else r
        for key, r in rows.items()
    }


def without_validated_decisions(v: Validated) -> Validated:
    """``v`` without its decision rows, once measured: the later stages read complaints, audit
    samples, open cases and the flow rows of it."""
    return replace(
        v,
        current=ValidatedDecisions(empty_like(v.current.rows), v.current.counted),
        previous=ValidatedDecisions(empty_like(v.previous.rows), v.previous.counted),
    )


def previous_working_day(calendar: WorkCalendar, as_of: dt.date) -> dt.date:
    """The last working day before ``as_of`` (weekends, Danish holidays and closing days skipped)."""
    day = np.datetime64(as_of, "D") - np.timedelta64(1, "D")
    earlier = np.busday_offset(day, 0, roll="backward", busdaycal=calendar.busdaycal)
    return dt.date.fromisoformat(str(earlier))


def validate_comparison(
    x: Extracted, v: Validated, config: Config, catalogue: CatalogueArrays, previous: Period
) -> Validated:
    """``v`` with the comparison period's complaints, audit samples and open cases at its end,
    validated like the run's own (no I/O): the figures a unit's Overblik compares with."""
    window = date_window(config, previous)
    snapshot_window = DateWindow.of(config.measurement.plausible_dates, previous.end)
    open_decisions = received_by(x.before_open_decisions, previous.end, snapshot_window)
    open_complaints = received_by(x.before_open_complaints, previous.end, snapshot_window)
    return replace(
        v,
        complaints=validate_complaints(x.complaints, x.units, previous, window),
        audit_samples=validate_audit(x.audit_samples, x.units, previous, window),
        open_decisions=validate_open_decisions(
            open_decisions, x.units, catalogue, previous.end, snapshot_window
        ),
        open_complaints=validate_open_complaints(open_complaints, x.units, previous.end, snapshot_window),
    )


def check_requested_units(codes: Sequence[str], units: pd.DataFrame) -> None:
    """``--unit`` codes must be in the units table (exit 2 naming the unknown ones)."""
    known = set(units["unit_code"].dropna().astype(str))
    unknown = sorted(set(codes) - known)
    if unknown:
        raise UnknownUnit(f"--unit: unknown unit code {', '.join(unknown)} (not in the units table)")


def shown_periods(ctx: RunMeasurement) -> list[tuple[Period, DecisionMeasurement]]:
    """The periods whose decision figures the reports show beside the run's own, each with its
    measurement: the comparison period and the same period last year (measured in full), the
    periods a revision may restate (report/revisions.py)."""
    out = [(ctx.previous_period, ctx.previous)]
    last_year = ctx.compare.get(LAST_YEAR)
    if last_year is not None:
        out.append((last_year.period, last_year.decisions))
    return out


@dataclass(frozen=True)
class RunSummary:
    period: Period
    out_dir: Path
    files: list[Path]
    status_counts: dict[str, int]
    general_compliance: float | None
    general_target: float
    worker_peak_mb: float | None = None  # largest workbook process (Linux), for the benchmark
    worker_job_cpu_s: float | None = None  # CPU seconds the workbook processes spent on workbooks
    worker_cpu_s: float | None = None  # all their CPU seconds, their start-up included
    unit_names: dict[str, str] = field(default_factory=dict)  # unit_code -> unit_name, for alerts


def run_period(
    db_url: str,
    config_dir: Path,
    period: Period,
    out_dir: Path,
    workers: int = 1,
    stage: Stage = _silent,
    worklist_first: bool = False,
    units: Sequence[str] = (),
    earlier: Sequence[Publication] = (),
) -> RunSummary:
    """Measure ``period`` and write every report into ``out_dir``. ``units`` (``--unit``): only
    those units' workbooks; ``earlier``: what earlier runs published, to record revisions."""
    from sagstid.report import workers as workbook_processes
    from sagstid.report.publish import WORKBOOK_MODULES, UnitWritten, report_units, write_reports
    from sagstid.report.results_json import build_results, follow_up_sections
    from sagstid.report.revisions import find_revisions

    # the workbook processes start once the database is read (reading uses every core) and
    # import the workbook writer while this process validates and measures
    early = workers > 1 and len(set(units)) != 1
    processes: AbstractContextManager[Executor | None] = (
        workbook_processes.pool(workers, WORKBOOK_MODULES) if early else nullcontext()
    )
    written: list[UnitWritten] = []
    with processes as pool:

        def start_processes() -> None:
            if pool is not None:
                workbook_processes.start(pool, workers)

        ctx = build_context(
            db_url, config_dir, period, stage, worklist_first=worklist_first, after_reading=start_processes
        )
        check_requested_units(units, ctx.units)
        progress: Callable[[int, int], None] = getattr(stage, "progress", lambda done, total: None)
        total = len(set(units)) if units else len(report_units(ctx)) + 1  # unit workbooks (+ committee)

        def unit_done(unit: UnitWritten) -> None:
            written.append(unit)
            progress(len(written), total)

        with stage(f"Skriver rapporter til {out_dir}"):
            results = build_results(period, ctx.current, **follow_up_sections(ctx))
            results["revisions"] = find_revisions(results, shown_periods(ctx), earlier)
            ctx = replace(ctx, revisions=tuple(results["revisions"]))
            files = write_reports(
                ctx, results, out_dir, workers=workers, on_unit_done=unit_done, only_units=units, pool=pool
            )
            progress(total, total)
    peaks = [unit.peak_mb or 0.0 for unit in written]
    job_cpu = [unit.cpu_s for unit in written if unit.cpu_s is not None]
    process_cpu: dict[int, float] = {}  # a workbook process's last figure is its total
    for pid, cpu in (unit.process for unit in written if unit.process is not None):
        process_cpu[pid] = max(cpu, process_cpu.get(pid, 0.0))
    general = ctx.current.total.get("compliance_pct")
    return RunSummary(
        period=period,
        out_dir=out_dir,
        files=files,
        status_counts=ctx.current.status_counts(),
        general_compliance=None if pd.isna(general) else float(general),
        general_target=ctx.targets.general,
        worker_peak_mb=max(peaks) if workers > 1 and peaks else None,
        worker_job_cpu_s=sum(job_cpu) if job_cpu else None,
        worker_cpu_s=sum(process_cpu.values()) if process_cpu else None,
        unit_names=dict(
            zip(ctx.units["unit_code"].astype(str), ctx.units["unit_name"].astype(str), strict=True)
        ),
    )
