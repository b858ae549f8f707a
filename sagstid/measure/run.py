"""What every report is written from: one period's measurement and the period before it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from sagstid.measure.audit import AuditMeasurement
from sagstid.measure.complaints import ComplaintMeasurement
from sagstid.config import Targets
from sagstid.measure.performance import ContractFigures
from sagstid.measure.held import HeldDecisions
from sagstid.measure.decisions import DecisionMeasurement
from sagstid.periods import Period
from sagstid.measure.open_cases import OpenSnapshot
from sagstid.measure.surge import SurgeCheck


@dataclass(frozen=True)
class ReportContext:
    period: Period
    previous_period: Period
    targets: Targets
    catalogue_version: str
    run_started: dt.datetime
    source: str  # the database, without password
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

    def unit_name(self, unit_code: str) -> str:
        names = self.units.set_index("unit_code")["unit_name"]
        return str(names.get(unit_code, unit_code))

    def for_unit(self, unit_code: str) -> "ReportContext":
        """The same context cut down to what one unit's workbook may hold: its own exceeded
        decisions and late complaints (the only case rows a workbook shows) and its own
        aggregates (plus the whole administration's totals for comparison)."""
        return replace(
            self,
            complaints=None if self.complaints is None else self.complaints.for_unit(unit_code),
            contract=None if self.contract is None else self.contract.for_unit(unit_code),
            surge=None if self.surge is None else self.surge.for_unit(unit_code),
            audit=None if self.audit is None else self.audit.for_unit(unit_code),
            snapshot=None if self.snapshot is None else self.snapshot.for_unit(unit_code),
            held=None if self.held is None else self.held.for_unit(unit_code),
            current=_only_unit(self.current, unit_code),
            previous=_only_unit(self.previous, unit_code),
        )


def _only_unit(m: DecisionMeasurement, unit_code: str) -> DecisionMeasurement:
    def cut(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["unit_code"].to_numpy() == unit_code]

    own = m.cases["unit_code"].to_numpy() == unit_code
    return replace(
        m,
        cases=m.cases[own & m.cases["exceeded"].to_numpy()],
        accounting=cut(m.accounting),
        by_unit=cut(m.by_unit),
        by_unit_area=cut(m.by_unit_area),
        by_unit_month=cut(m.by_unit_month),
        by_unit_area_month=cut(m.by_unit_area_month),
    )
