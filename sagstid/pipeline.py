"""The whole run: config -> extract -> validate -> measure -> report, for one period.

Library code: raises InputError subclasses for bad input and never exits; the CLI decides
exit codes. Reports are written to a staging folder and only then moved into place, so a run
that fails leaves the previous reports intact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from sagstid.config import Config, load_config
from sagstid.measure.audit import AuditMeasurement, measure_audit
from sagstid.measure.complaints import ComplaintMeasurement, measure_complaints
from sagstid.measure.decisions import DecisionMeasurement, measure_decisions
from sagstid.measure.flow import with_deadlines
from sagstid.measure.flow_figures import FlowFigures, extract_start, measure_flow_figures
from sagstid.measure.held import measure_held
from sagstid.measure.open_cases import measure_snapshot
from sagstid.measure.performance import ContractFigures, contract_figures
from sagstid.measure.run import RunMeasurement
from sagstid.measure.surge import SurgeCheck, SurgeRule, check_surges
from sagstid.periods import Period
from sagstid.rules.deadlines import CatalogueArrays
from sagstid.rules.workdays import WorkCalendar, calendar_for
from sagstid.source.db import check_schema, connect, redact
from sagstid.source.extract import (
    extract_audit_samples,
    extract_complaint_case_areas,
    extract_complaints,
    extract_decision_periods,
    extract_decisions,
    extract_flow,
    extract_open_cases,
    extract_units,
    has_promised_date,
)
from sagstid.validate.audit import validate_audit
from sagstid.validate.complaints import validate_complaints
from sagstid.validate.decisions import DecisionExtract, ValidatedDecisions, validate_decisions
from sagstid.validate.flow import FlowRows, validate_flow
from sagstid.validate.open_cases import validate_open_complaints, validate_open_decisions
from sagstid.validate.rows import DateWindow, as_text, clean_units, parse_dates

Stage = Callable[[str], AbstractContextManager[None]]
"""How a run reports its stages: the CLI passes one that prints and times, tests a silent one.
A stage function with a ``progress(done, total)`` attribute is told how many workbooks of the
report stage are written."""


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
            config.calendar, [validated.measured["received_date"]], period.start, period.end
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


def extract_run(
    engine: Engine, period: Period, previous: Period, as_of: dt.date, stage: Stage, flow_from: dt.date
) -> Extracted:
    """Read everything the run measures (the only stage that talks to the database);
    ``flow_from``: the first decided date the flow figures need (flow_figures.extract_start)."""
    with stage("Kontrollerer databasens tabeller"):
        check_schema(engine, ["units", "decisions", "complaints", "audit_samples"])
        units = clean_units(extract_units(engine))
        promised_column = has_promised_date(engine)
    with stage(f"Henter afgørelser {previous.label} og {period.label}"):
        current, earlier = extract_decision_periods(engine, period, previous, promised_column)
    with stage(f"Henter klager og tilsyn {period.label}"):
        complaints = extract_complaints(engine)
        case_decisions = extract_complaint_case_areas(engine)
        audit_samples = extract_audit_samples(engine)
    with stage(f"Henter åbne sager pr. {as_of.isoformat()}"):
        open_decisions, open_complaints = extract_open_cases(engine, as_of)
    with stage(f"Henter sagsflow {period.label}"):
        flow = extract_flow(engine, flow_from, as_of)
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
    x: Extracted, config: Config, catalogue: CatalogueArrays, period: Period, previous: Period, as_of: dt.date
) -> Validated:
    """Validate every table the run read (no I/O)."""
    window = date_window(config, period)
    snapshot_window = DateWindow.of(config.measurement.plausible_dates, as_of)
    return Validated(
        current=validate_decisions(x.current, x.units, period, catalogue, window),
        previous=validate_decisions(x.previous, x.units, previous, catalogue, date_window(config, previous)),
        complaints=validate_complaints(x.complaints, x.units, period, window),
        audit_samples=validate_audit(x.audit_samples, x.units, period, window),
        open_decisions=validate_open_decisions(x.open_decisions, x.units, catalogue, as_of, snapshot_window),
        open_complaints=validate_open_complaints(x.open_complaints, x.units, as_of, snapshot_window),
        flow=validate_flow(x.flow, x.units),
    )


def _received_by(rows: pd.DataFrame, as_of: dt.date) -> pd.Series:
    received = rows["received_date"]
    return received[received.to_numpy() <= np.datetime64(as_of, "s")]


def run_calendar(v: Validated, config: Config, previous: Period, last: dt.date) -> WorkCalendar:
    """The run's one working-day calendar: from the earliest readable received date of any row
    it measures (or the comparison period's start) to ``last`` and the deadlines after it, and
    to the last plausible date (a sent date years later still counts its working days). Dates
    outside the plausible window are NaT after validation and never reach it."""
    received = [
        v.current.measured["received_date"],
        v.previous.measured["received_date"],
        v.complaints["received_date"],
        _received_by(v.open_decisions, last),
        _received_by(v.open_complaints, last),
        _received_by(v.flow.cases, last),
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


def measure_flow(
    x: Extracted,
    v: Validated,
    run: RunContext,
    period: Period,
    current: DecisionMeasurement,
    open_decisions: pd.DataFrame,
    complaint_rows: pd.DataFrame,
) -> FlowFigures:
    """The figures of docs/flow.md (no I/O): the backlog trend and the expected wait from the
    flow rows, lateness and the promised date from the period's decisions, the goals from the
    complaint rows."""
    return measure_flow_figures(
        flow_cases=with_deadlines(v.flow.cases, run.catalogue, run.calendar),
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
    )


def build_context(
    db_url: str,
    config_dir: Path,
    period: Period,
    stage: Stage = _silent,
    worklist_first: bool = False,
) -> RunMeasurement:
    """Measure ``period`` and the period before it from the database at ``db_url``, and take
    the open-case snapshot as of the period's last day: source -> validate -> measure, each
    once. ``worklist_first``: the unit workbooks open on their action list (the nightly run)."""
    as_of = period.end
    previous_period = period.previous()
    with stage("Læser konfiguration"):
        config = load_config(config_dir)
        catalogue = CatalogueArrays.from_catalogue(config.catalogue)
    engine = connect(db_url)
    try:
        flow_from = extract_start(as_of, config.measurement)
        extracted = extract_run(engine, period, previous_period, as_of, stage, flow_from)
    finally:
        engine.dispose()
    with stage(f"Validerer {period.label} og {previous_period.label}"):
        validated = validate_run(extracted, config, catalogue, period, previous_period, as_of)
        calendar = run_calendar(validated, config, previous_period, as_of)
    run = RunContext(config, catalogue, extracted.units, calendar)
    measure_at = config.measurement.measure_at
    with stage(f"Beregner frister og overholdelse {period.label} og {previous_period.label}"):
        current = measure_decisions(validated.current, catalogue, calendar, measure_at=measure_at)
        previous = measure_decisions(validated.previous, catalogue, calendar, measure_at=measure_at)
    with stage(f"Måler klager, resultatkontrakt og tilsyn {period.label}"):
        follow_up = measure_follow_up(extracted, validated, run, period, current)
    with stage(f"Måler åbne sager og tilbageholdte afgørelser {period.label}"):
        snapshot = measure_snapshot(
            validated.open_decisions, validated.open_complaints, config, catalogue, calendar, as_of
        )
        held = measure_held(current.cases, calendar, period, config.measurement)
    with stage(f"Måler sagsflow, forsinkelse og forventet ventetid {period.label}"):
        flow_figures = measure_flow(
            extracted, validated, run, period, current, snapshot.open_decisions, follow_up.complaints.rows
        )
    return RunMeasurement(
        period=period,
        previous_period=previous_period,
        targets=config.targets,
        catalogue_version=config.catalogue_version,
        source=redact(db_url),
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
    )


@dataclass(frozen=True)
class RunSummary:
    period: Period
    out_dir: Path
    files: list[Path]
    status_counts: dict[str, int]
    general_compliance: float | None
    general_target: float
    worker_peak_mb: float | None = None  # largest workbook process (Linux), for the benchmark
    unit_names: dict[str, str] = field(default_factory=dict)  # unit_code -> unit_name, for alerts


def run_period(
    db_url: str,
    config_dir: Path,
    period: Period,
    out_dir: Path,
    workers: int = 1,
    stage: Stage = _silent,
    worklist_first: bool = False,
) -> RunSummary:
    """Measure ``period`` and write every report into ``out_dir``."""
    from sagstid.report.publish import report_units, write_reports
    from sagstid.report.results_json import build_results, follow_up_sections

    ctx = build_context(db_url, config_dir, period, stage, worklist_first=worklist_first)
    peaks: list[float] = []
    progress: Callable[[int, int], None] = getattr(stage, "progress", lambda done, total: None)
    total = len(report_units(ctx)) + 1  # the unit workbooks and the committee's

    def unit_done(_: str, peak: float | None) -> None:
        peaks.append(peak or 0.0)
        progress(len(peaks), total)

    with stage(f"Skriver rapporter til {out_dir}"):
        results = build_results(period, ctx.current, **follow_up_sections(ctx))
        files = write_reports(ctx, results, out_dir, workers=workers, on_unit_done=unit_done)
        progress(total, total)
    general = ctx.current.total.get("compliance_pct")
    return RunSummary(
        period=period,
        out_dir=out_dir,
        files=files,
        status_counts=ctx.current.status_counts(),
        general_compliance=None if pd.isna(general) else float(general),
        general_target=ctx.targets.general,
        worker_peak_mb=max(peaks) if workers > 1 and peaks else None,
        unit_names=dict(
            zip(ctx.units["unit_code"].astype(str), ctx.units["unit_name"].astype(str), strict=True)
        ),
    )
