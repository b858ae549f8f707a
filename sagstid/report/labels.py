"""Danish display text built from measurements (the words themselves are in reports/layout.yaml)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from sagstid.measure.decisions import DecisionMeasurement
from sagstid.measure.run import RunMeasurement
from sagstid.report.xlsx import Layout, load_layout


def deadline_text(rules: Iterable[tuple[int, str]], layout: Layout | None = None) -> str:
    """The deadline(s) of an area as a reader writes them, e.g. "4 uger / 3 uger"."""
    words = (layout or load_layout()).get("deadline_units")
    return " / ".join(f"{value} {words[unit]}" for value, unit in rules)


def _with_text(frame: pd.DataFrame) -> pd.DataFrame:
    if "deadline_rules" not in frame:
        return frame
    return frame.assign(deadline_text=[deadline_text(r) for r in frame["deadline_rules"]])


def _labelled(m: DecisionMeasurement) -> DecisionMeasurement:
    return replace(m, by_area=_with_text(m.by_area), by_unit_area=_with_text(m.by_unit_area))


def with_deadline_text(run: RunMeasurement) -> RunMeasurement:
    """``run`` with a ``deadline_text`` column beside each per-area frame's ``deadline_rules``
    (one row per case area, so a handful of strings)."""
    return replace(run, current=_labelled(run.current), previous=_labelled(run.previous))
