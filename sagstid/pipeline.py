"""The whole run: config -> extract -> validate -> measure -> report, for one period.

Library code: raises InputError subclasses for bad input and never exits; the CLI decides
exit codes. Reports are written to a staging folder and only then moved into place, so a run
that fails leaves the previous reports intact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from sagstid.config import Config, load_config
from sagstid.deadlines import CatalogueArrays
from sagstid.extract import check_schema, connect, extract_decisions, extract_units, redact
from sagstid.measure import DecisionMeasurement, measure_decisions
from sagstid.periods import Period
from sagstid.report.context import ReportContext
from sagstid.validate import validate_decisions
from sagstid.workdays import WorkCalendar

StageHook = Callable[[str], "contextmanager[None]"]


@contextmanager
def _silent(_: str) -> Iterator[None]:
    yield


@dataclass
class Progress:
    """How a run reports its stages; the CLI passes one that prints, tests the silent one."""

    stage: Callable[[str], object] = _silent
    timings: dict[str, float] = field(default_factory=dict)


def measure_period(
    engine: Engine, config: Config, catalogue: CatalogueArrays, units: pd.DataFrame, period: Period
) -> DecisionMeasurement:
    """Extract, validate and measure the decisions of one period."""
    extract = extract_decisions(engine, period)
    validated = validate_decisions(extract, units, period, catalogue)
    measured = validated.measured
    first = period.start
    if len(measured):
        first = min(first, measured["received_date"].min().date())
    calendar = WorkCalendar.covering(config.calendar, first, period.end)
    return measure_decisions(validated, catalogue, calendar)


def build_context(db_url: str, config_dir: Path, period: Period, stage: Callable[[str], object] = _silent) -> ReportContext:
    """Measure ``period`` and the period before it from the database at ``db_url``."""
    started = dt.datetime.now().replace(microsecond=0)
    with stage("Læser konfiguration"):  # type: ignore[attr-defined]
        config = load_config(config_dir)
        catalogue = CatalogueArrays.from_catalogue(config.catalogue)
    engine = connect(db_url)
    try:
        with stage("Kontrollerer databasens tabeller"):  # type: ignore[attr-defined]
            check_schema(engine, ["units", "decisions"])
            units = extract_units(engine)
        with stage(f"Måler perioden {period.label}"):  # type: ignore[attr-defined]
            current = measure_period(engine, config, catalogue, units, period)
        previous_period = period.previous()
        with stage(f"Måler sammenligningsperioden {previous_period.label}"):  # type: ignore[attr-defined]
            previous = measure_period(engine, config, catalogue, units, previous_period)
    finally:
        engine.dispose()
    return ReportContext(
        period=period,
        previous_period=previous_period,
        targets=config.targets,
        catalogue_version=config.catalogue_version,
        run_started=started,
        source=redact(db_url),
        units=units,
        current=current,
        previous=previous,
    )
