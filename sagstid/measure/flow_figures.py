"""The figures of docs/flow.md for one run, assembled from the pure functions of flow.py,
lateness.py, promised.py, expected_wait.py and goals.py (no I/O, no Danish text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.config import DeadlineCatalogue, ExpectedWaitSettings, GoalEntry, MeasurementSettings
from sagstid.measure.expected_wait import expected_wait, window_start
from sagstid.measure.flow import flow
from sagstid.measure.goals import Goal, evaluate_goals, yearly_complaint_figures
from sagstid.measure.lateness import lateness_groupings
from sagstid.measure.promised import promised_groupings


@dataclass(frozen=True)
class FlowFigures:
    """Flow and backlog per month, how late, the promised date, the expected wait and the
    goals against a baseline (docs/flow.md)."""

    flow_from: dt.date  # the trend's first day (the 1st of its first month)
    flow_to: dt.date  # the period's last day
    flow: dict[str, pd.DataFrame]  # total, by_unit, by_area, by_unit_area: one row per month
    flow_left_out: int  # rows that could not be placed in time (validate/flow.py)
    bands: list[int]
    very_late_after: int
    lateness: dict[str, pd.DataFrame]
    promised_column: bool  # the database has decisions.promised_date
    promised: dict[str, pd.DataFrame]
    wait_settings: ExpectedWaitSettings
    wait_from: dt.date  # the window: the days after wait_from up to and including as_of
    as_of: dt.date
    expected_wait: pd.DataFrame  # WAIT_COLUMNS + area_name, deadline_value, deadline_unit
    goals: pd.DataFrame  # GOAL_COLUMNS
    goal_figures: pd.DataFrame  # FIGURE_COLUMNS


@dataclass(frozen=True)
class FlowTables:
    """The part of the figures that needs only the flow rows and the measured decisions, and
    most of the work: the monthly flow and backlog, how late, the promised date. A run works
    them out beside the other measurements (pipeline.py)."""

    flow: dict[str, pd.DataFrame]
    lateness: dict[str, pd.DataFrame]
    promised: dict[str, pd.DataFrame]


def flow_tables(
    flow_cases: pd.DataFrame,
    measured: pd.DataFrame,
    settings: MeasurementSettings,
    end: dt.date,
    trend: dict[str, pd.DataFrame] | None = None,
) -> FlowTables:
    """The :class:`FlowTables` of ``flow_cases`` and ``measured`` as :func:`measure_flow_figures`
    takes them; ``trend``: :func:`flow_trend` of ``flow_cases``, if worked out already."""
    return FlowTables(
        flow=flow_trend(flow_cases, settings, end) if trend is None else trend,
        lateness=lateness_groupings(measured, settings.lateness_bands, settings.very_late_after_days),
        promised=promised_groupings(measured),
    )


def flow_trend(
    flow_cases: pd.DataFrame, settings: MeasurementSettings, end: dt.date
) -> dict[str, pd.DataFrame]:
    """The monthly flow and backlog of ``flow_cases`` (with ``deadline_date``) up to ``end``."""
    return flow(flow_cases, trend_start(end, settings.flow_months), end)


def trend_start(end: dt.date, months: int) -> dt.date:
    """The first day of the month ``months - 1`` months before ``end``'s month."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def extract_start(end: dt.date, settings: MeasurementSettings) -> dt.date:
    """The first decided date the flow extract needs: the trend's first day or the day after
    the expected-wait window's start, whichever is earlier."""
    wait = window_start(end, settings.expected_wait.months) + dt.timedelta(days=1)
    return min(trend_start(end, settings.flow_months), wait)


def published_areas(catalogue: DeadlineCatalogue, as_of: dt.date) -> pd.DataFrame:
    """The catalogue entries valid on ``as_of``: case_area_code, area_name, deadline_value,
    deadline_unit (the deadlines published that day), sorted by area."""
    rows = [
        (e.area, e.name, e.value, e.unit)
        for e in catalogue.deadlines
        if e.valid_from <= as_of and (e.valid_to is None or as_of <= e.valid_to)
    ]
    frame = pd.DataFrame(rows, columns=["case_area_code", "area_name", "deadline_value", "deadline_unit"])
    return frame.sort_values("case_area_code", kind="stable").reset_index(drop=True)


def measure_flow_figures(
    *,
    flow_cases: pd.DataFrame,
    flow_left_out: int,
    measured: pd.DataFrame,
    promised_column: bool,
    open_decisions: pd.DataFrame,
    complaint_rows: pd.DataFrame,
    unit_codes: list[str],
    catalogue: DeadlineCatalogue,
    goals: list[GoalEntry],
    settings: MeasurementSettings,
    end: dt.date,
    tables: FlowTables | None = None,
) -> FlowFigures:
    """``flow_cases``: validate_flow's rows with ``deadline_date`` (flow.with_deadlines);
    ``measured``: the period's evaluated decisions (DecisionMeasurement.cases);
    ``open_decisions``: the open-case snapshot's open decisions as of ``end``;
    ``complaint_rows``: ComplaintMeasurement.rows (every complaint row); ``tables``: the
    :func:`flow_tables` of ``flow_cases`` and ``measured`` if already worked out."""
    start = trend_start(end, settings.flow_months)
    wait = settings.expected_wait
    # the expected wait counts decisions measured by docs/contract.md §3.3: decided, with a
    # catalogue entry (a deadline) valid on the received date
    # the columns expected_wait reads, a row without a deadline as if not decided (no rows taken:
    # a million rows of text would be copied)
    decided = flow_cases[["case_area_code", "received_date", "decided_date"]].assign(
        decided_date=flow_cases["decided_date"].where(flow_cases["deadline_date"].notna())
    )
    published = published_areas(catalogue, end)
    waits = expected_wait(
        decided,
        open_decisions,
        end,
        months=wait.months,
        share=wait.share,
        min_count=wait.min_count,
        areas=published["case_area_code"].tolist(),
    )
    waits = waits.merge(published, on="case_area_code", how="left")
    waits["published"] = waits["area_name"].notna().to_numpy()
    figures = yearly_complaint_figures(complaint_rows, unit_codes, end)
    tables = tables or flow_tables(flow_cases, measured, settings, end)
    return FlowFigures(
        flow_from=start,
        flow_to=end,
        flow=tables.flow,
        flow_left_out=flow_left_out,
        bands=list(settings.lateness_bands),
        very_late_after=settings.very_late_after_days,
        lateness=tables.lateness,
        promised_column=promised_column,
        promised=tables.promised,
        wait_settings=wait,
        wait_from=window_start(end, wait.months),
        as_of=end,
        expected_wait=waits,
        goals=evaluate_goals([Goal(**g.model_dump()) for g in goals], figures, end),
        goal_figures=figures,
    )


def days_in_window(figures: FlowFigures) -> int:
    return int((np.datetime64(figures.as_of, "D") - np.datetime64(figures.wait_from, "D")).astype(np.int64))
