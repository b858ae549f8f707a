"""Danish display text built from measurements (the words themselves are in reports/layout.yaml)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from sagstid.measure.decisions import DecisionMeasurement
from sagstid.measure.run import RunMeasurement
from sagstid.report.xlsx import Layout, load_layout


def rule_text(value: int, unit: str, layout: Layout | None = None) -> str:
    """One deadline as a reader writes it: "10 arbejdsdage", "24 timer"; 0 is "samme dag"."""
    layout = layout or load_layout()
    if value == 0:
        return str(layout.text("deadline_same_day"))
    words = layout.get("deadline_units_one" if value == 1 else "deadline_units")
    return f"{value} {words[unit]}"


def deadline_text(rules: Iterable[tuple[int, str]], layout: Layout | None = None) -> str:
    """The deadline(s) of an area as a reader writes them, e.g. "4 uger / 3 uger"."""
    layout = layout or load_layout()
    return " / ".join(rule_text(value, unit, layout) for value, unit in rules)


def case_rule_texts(cases: pd.DataFrame, layout: Layout | None = None) -> list[str]:
    """The rule behind each case's deadline, e.g. "10 arbejdsdage", with the wording as
    published beside it when the catalogue gives one: "12 uger (offentliggjort: 8-12 uger)".
    Worded once per distinct rule, not per row."""
    if "deadline_value" not in cases or cases.empty:
        return [""] * len(cases)
    layout = layout or load_layout()
    published = cases["published_text"].astype(object) if "published_text" in cases else None
    value = pd.to_numeric(cases["deadline_value"], errors="coerce")
    keys = pd.DataFrame(
        {
            "value": value.fillna(-1).astype("int64").to_numpy(),  # -1: no rule (a complaint)
            "unit": cases["deadline_unit"].astype(str).to_numpy(),
            "published": published.where(published.notna(), "").to_numpy() if published is not None else "",
        }
    )
    codes, uniques = pd.MultiIndex.from_frame(keys).factorize()
    texts = []
    for value, unit, shown in uniques:
        if value < 0:
            texts.append("")
            continue
        text = rule_text(int(value), str(unit), layout)
        if shown:
            text += " " + layout.text("published_rule", text=shown)
        texts.append(text)
    return [texts[c] for c in codes.tolist()]


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
