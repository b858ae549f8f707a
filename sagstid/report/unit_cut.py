"""What one unit's workbook may hold: the one place that cuts a run's measurements to a unit.

A unit workbook shows its own case rows (exceeded decisions, late complaints, open and held
cases) and its own aggregates, plus the whole administration's totals for comparison; never
another unit's cases (docs/privacy.md).

The cut is also what a workbook process is sent (pickled, report/publish.py), so it drops what
no unit sheet reads: the committee's whole-administration comparisons (``compare``, every
unit's case rows, a third of a gigabyte at a million decisions).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sagstid.measure.audit import AuditMeasurement
from sagstid.measure.complaints import ComplaintMeasurement
from sagstid.measure.decisions import DecisionMeasurement
from sagstid.measure.flow_figures import FlowFigures
from sagstid.measure.held import HeldDecisions
from sagstid.measure.open_cases import OpenSnapshot
from sagstid.measure.performance import ContractFigures
from sagstid.measure.run import RunMeasurement
from sagstid.measure.surge import SurgeCheck
from sagstid.values import equals


def _own(frame: pd.DataFrame, unit_code: str) -> pd.DataFrame:
    return frame[equals(frame["unit_code"], unit_code)]


def _decisions(m: DecisionMeasurement, unit_code: str, rows: bool = True) -> DecisionMeasurement:
    """The unit's aggregates and its exceeded decisions (``rows=False``: none; the comparison
    period's are listed nowhere)."""
    exceeded = m.cases[m.cases["exceeded"].to_numpy(dtype=bool)] if rows else m.cases.iloc[0:0]
    return replace(
        m,
        cases=_own(exceeded, unit_code),
        accounting=_own(m.accounting, unit_code),
        by_unit=_own(m.by_unit, unit_code),
        by_unit_area=_own(m.by_unit_area, unit_code),
        by_unit_month=_own(m.by_unit_month, unit_code),
        by_unit_area_month=_own(m.by_unit_area_month, unit_code),
    )


def _complaints(m: ComplaintMeasurement, unit_code: str) -> ComplaintMeasurement:
    return replace(
        m,
        rows=_own(m.late, unit_code),
        by_unit=_own(m.by_unit, unit_code),
        by_unit_kind=_own(m.by_unit_kind, unit_code),
        appeals_by_unit=_own(m.appeals_by_unit, unit_code),
    )


def _contract(m: ContractFigures, unit_code: str) -> ContractFigures:
    return replace(
        m,
        handling=_own(m.handling, unit_code),
        per_1000_by_unit=_own(m.per_1000_by_unit, unit_code),
        per_1000_by_unit_area=_own(m.per_1000_by_unit_area, unit_code),
    )


def _surge(m: SurgeCheck, unit_code: str) -> SurgeCheck:
    return replace(m, months=_own(m.months, unit_code))


def _audit(m: AuditMeasurement, unit_code: str) -> AuditMeasurement:
    return replace(
        m,
        accounting=_own(m.accounting, unit_code),
        by_unit=_own(m.by_unit, unit_code),
        by_unit_area=_own(m.by_unit_area, unit_code),
    )


def _open(m: OpenSnapshot, unit_code: str) -> OpenSnapshot:
    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return _own(frame[equals(frame["row_status"], "open")], unit_code)

    return replace(m, decisions=own(m.decisions), complaints=own(m.complaints), whole=m.whole_metrics())


def _held(m: HeldDecisions, unit_code: str) -> HeldDecisions:
    return replace(
        m,
        cases=_own(m.cases[m.cases["held"].to_numpy(dtype=bool)], unit_code),
        by_unit=_own(m.by_unit, unit_code),
        weeks=m.unit_weeks(unit_code),
    )


def _flow(m: FlowFigures, unit_code: str) -> FlowFigures:
    """The unit's own rows of the per-unit groupings; the whole administration's and the
    per-area rows emptied (the unit's sheet shows its own figures only)."""

    def cut(groups: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        return {
            name: _own(frame, unit_code) if name in ("by_unit", "by_unit_area") else frame.iloc[0:0]
            for name, frame in groups.items()
        }

    return replace(m, flow=cut(m.flow), lateness=cut(m.lateness), promised=cut(m.promised))


def narrowed(run: RunMeasurement) -> RunMeasurement:
    """``run`` holding only the rows some unit's cut takes, for cutting every unit from it:
    the exceeded and the held decisions out of all measured ones, the whole administration's
    open-case figures worked out once, no comparisons. ``cut_to_unit(narrowed(run), code)``
    is ``cut_to_unit(run, code)`` for every unit, without going through a million rows each time."""

    def exceeded(m: DecisionMeasurement) -> DecisionMeasurement:
        return replace(m, cases=m.cases[m.cases["exceeded"].to_numpy(dtype=bool)])

    def held(m: HeldDecisions | None) -> HeldDecisions | None:
        return None if m is None else replace(m, cases=m.cases[m.cases["held"].to_numpy(dtype=bool)])

    def whole(m: OpenSnapshot | None) -> OpenSnapshot | None:
        return None if m is None else replace(m, whole=m.whole_metrics())

    return replace(
        run,
        current=exceeded(run.current),
        previous=replace(run.previous, cases=run.previous.cases.iloc[0:0]),  # listed nowhere
        held=held(run.held),
        previous_held=held(run.previous_held),
        snapshot=whole(run.snapshot),
        previous_snapshot=whole(run.previous_snapshot),
        compare={},
    )


def cut_to_unit(run: RunMeasurement, unit_code: str) -> RunMeasurement:
    """``run`` cut down to what ``unit_code``'s workbook may hold."""
    return replace(
        run,
        complaints=None if run.complaints is None else _complaints(run.complaints, unit_code),
        contract=None if run.contract is None else _contract(run.contract, unit_code),
        surge=None if run.surge is None else _surge(run.surge, unit_code),
        audit=None if run.audit is None else _audit(run.audit, unit_code),
        snapshot=None if run.snapshot is None else _open(run.snapshot, unit_code),
        held=None if run.held is None else _held(run.held, unit_code),
        previous_complaints=None
        if run.previous_complaints is None
        else _complaints(run.previous_complaints, unit_code),
        previous_contract=None
        if run.previous_contract is None
        else _contract(run.previous_contract, unit_code),
        previous_audit=None if run.previous_audit is None else _audit(run.previous_audit, unit_code),
        previous_snapshot=None if run.previous_snapshot is None else _open(run.previous_snapshot, unit_code),
        previous_held=None if run.previous_held is None else _held(run.previous_held, unit_code),
        flow=None if run.flow is None else _flow(run.flow, unit_code),
        current=_decisions(run.current, unit_code),
        previous=_decisions(run.previous, unit_code, rows=False),
        compare={},  # the committee workbook's comparisons: every unit's cases, no unit sheet reads them
    )
