"""What every report is written from: one period's measurement and the period before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from sagstid.config import Targets
from sagstid.measure.audit import AuditMeasurement
from sagstid.measure.complaints import ComplaintMeasurement
from sagstid.measure.decisions import DecisionMeasurement
from sagstid.measure.flow_figures import FlowFigures
from sagstid.measure.held import HeldDecisions
from sagstid.measure.open_cases import OpenSnapshot
from sagstid.measure.performance import ContractFigures
from sagstid.measure.surge import SurgeCheck
from sagstid.periods import Period


@dataclass(frozen=True)
class Comparison:
    """The figures of a period the run is compared with (the period before, the same period
    last year, the year to date): decisions, and when measured complaints, the contract, the
    audit and the open-case snapshot at that period's last day."""

    period: Period
    decisions: DecisionMeasurement
    complaints: ComplaintMeasurement | None = None
    contract: ContractFigures | None = None
    audit: AuditMeasurement | None = None
    snapshot: OpenSnapshot | None = None


PREVIOUS, LAST_YEAR, YEAR_TO_DATE = "previous", "last_year", "year_to_date"
LAST_YEAR_TO_DATE = "last_year_to_date"  # decisions only


@dataclass(frozen=True)
class RunMeasurement:
    """One run's measurements, the bundle every report is written from."""

    period: Period
    previous_period: Period
    targets: Targets
    catalogue_version: str
    source: str  # the database by kind and name only (source/urls.describe): no host, login, path
    units: pd.DataFrame  # unit_code, unit_name, unit_type
    current: DecisionMeasurement
    previous: DecisionMeasurement
    complaints: ComplaintMeasurement | None = None
    contract: ContractFigures | None = None
    surge: SurgeCheck | None = None
    audit: AuditMeasurement | None = None
    as_of: dt.date | None = None  # the open-case snapshot's date (the period's last day)
    snapshot: OpenSnapshot | None = None
    held: HeldDecisions | None = None
    worklist_first: bool = False  # nightly: unit workbooks open on their action list
    suppress_below: int = 0  # committee workbook: groups with 1..n-1 cases hidden (suppress.py)
    # the comparison period's follow-up figures (None where not measured)
    previous_complaints: ComplaintMeasurement | None = None
    previous_contract: ContractFigures | None = None
    previous_audit: AuditMeasurement | None = None
    previous_snapshot: OpenSnapshot | None = None  # open cases at the comparison period's end
    previous_held: HeldDecisions | None = None
    previous_working_day: dt.date | None = None  # the working day before as_of (action list: "new")
    registration_check_days: int = 90  # overdue longer than this: "tjek registreringen"
    # figures changed since earlier runs published them (report/revisions.py), for the committee
    revisions: tuple[dict[str, Any], ...] = ()
    flow: FlowFigures | None = None  # backlog trend, lateness, promised date, expected wait, goals
    # PREVIOUS / LAST_YEAR / YEAR_TO_DATE -> Comparison (pipeline.measure_comparisons); a
    # comparison that is the run's own period (the year to date of an annual run) is left out
    compare: dict[str, Comparison] = field(default_factory=dict)

    @cached_property
    def _unit_names(self) -> dict[str, str]:
        return dict(
            zip(self.units["unit_code"].astype(str), self.units["unit_name"].astype(str), strict=True)
        )

    def unit_name(self, unit_code: str) -> str:
        """The unit's name from the units table (its code where it has none)."""
        return self._unit_names.get(unit_code, unit_code)
