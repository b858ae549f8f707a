"""Revisions (docs/results.md): the figures a run publishes compared with what earlier complete
runs published for the same periods, so that a restated figure is shown, never silently
replaced.

Compared: the decision figures of docs/contract.md §3.3 (in total, per unit, per case area)
and the complaint figures (in total, per unit). A run's own period is compared with the
first earlier run that published the same period (a re-run), and the periods the workbooks
show beside it (the comparison period and the same period last year; decisions only) each
with the first run that published that period as its own: "before" is what readers were
first given, and a re-run on unchanged data finds the same revisions, so it writes the same
files. Pure: results.json dictionaries in,
revision records out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sagstid.measure.decisions import CONTRACT_METRICS, DecisionMeasurement
from sagstid.periods import Period

DECISION_FIGURES: tuple[str, ...] = CONTRACT_METRICS  # the figures a revision compares
COMPLAINT_FIGURES: tuple[str, ...] = ("complaints", "on_time", "compliance_pct")


@dataclass(frozen=True)
class Publication:
    """One earlier complete run and what it published (its results.json)."""

    run_id: str
    job: str
    stamp: str
    finished: str  # ISO timestamp, orders publications in time
    results: dict[str, Any]

    @property
    def period(self) -> tuple[str, str]:
        p = self.results.get("period", {})
        return (str(p.get("from")), str(p.get("to")))


Key = tuple[str, str, str, str]  # (section, group kind, group code, figure)


def _rows(section: dict[str, Any], name: str, key: str) -> Iterable[dict[str, Any]]:
    rows = section.get(name) or []
    return sorted(rows, key=lambda r: str(r.get(key)))


def figures(decisions: dict[str, Any] | None, complaints: dict[str, Any] | None = None) -> dict[Key, Any]:
    """The compared figures of a results.json ``decisions`` (and ``complaints``) section."""
    out: dict[Key, Any] = {}
    if decisions:
        for figure in DECISION_FIGURES:
            out["decisions", "total", "", figure] = decisions.get("total", {}).get(figure)
        for group, key in (("unit", "unit_code"), ("area", "case_area_code")):
            for row in _rows(decisions, f"by_{group}", key):
                for figure in DECISION_FIGURES:
                    out["decisions", group, str(row[key]), figure] = row.get(figure)
    if complaints:
        for figure in COMPLAINT_FIGURES:
            out["complaints", "total", "", figure] = complaints.get("total", {}).get(figure)
        for row in _rows(complaints, "by_unit", "unit_code"):
            for figure in COMPLAINT_FIGURES:
                out["complaints", "unit", str(row["unit_code"]), figure] = row.get(figure)
    return out


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return bool(a == b)


_GROUP_ORDER = {"total": 0, "unit": 1, "area": 2}
_FIGURE_ORDER = {name: i for i, name in enumerate(dict.fromkeys(DECISION_FIGURES + COMPLAINT_FIGURES))}


def _order(key: Key) -> tuple[int, int, str, int]:
    section, kind, code, figure = key
    return (section != "decisions", _GROUP_ORDER[kind], code, _FIGURE_ORDER.get(figure, 99))


def compare(before: dict[Key, Any], after: dict[Key, Any]) -> list[tuple[Key, Any, Any]]:
    """(key, before, after) for every figure that differs, a group that appeared or vanished
    included: decisions before complaints, the total before units before areas, each group's
    figures in the order of DECISION_FIGURES."""
    out = []
    for key in sorted(before.keys() | after.keys(), key=_order):
        old, new = before.get(key), after.get(key)
        if not _same(old, new):
            out.append((key, old, new))
    return out


def _ref(base: Publication) -> dict[str, str]:
    return {"run_id": base.run_id, "job": base.job, "stamp": base.stamp}


def _key(record: dict[str, Any]) -> Key:
    return (record["section"], record["group"], record["code"] or "", record["figure"])


def _original(base: Publication, period: tuple[str, str]) -> tuple[dict[Key, Any], dict[Key, dict[str, str]]]:
    """What was first published for ``period`` (``base``'s own), as far as the run store still
    knows: ``base``'s figures, with the "before" of each revision ``base`` itself recorded for
    the period put back, and who published each."""
    before = figures(base.results.get("decisions"), base.results.get("complaints"))
    origin = {key: _ref(base) for key in before}
    for record in base.results.get("revisions") or []:
        if (record["period"]["from"], record["period"]["to"]) == period:
            before[_key(record)] = record["before"]
            origin[_key(record)] = record["published_by"]
    return before, origin


def _records(
    period: tuple[str, str],
    changes: list[tuple[Key, Any, Any]],
    origin: dict[Key, dict[str, str]],
    base: Publication,
) -> list[dict[str, Any]]:
    return [
        {
            "period": {"from": period[0], "to": period[1]},
            "section": section,
            "group": kind,
            "code": code or None,
            "figure": figure,
            "before": old,
            "after": new,
            "published_by": origin.get((section, kind, code, figure), _ref(base)),
        }
        for (section, kind, code, figure), old, new in changes
    ]


def find_revisions(
    results: dict[str, Any],
    shown: Sequence[tuple[Period, DecisionMeasurement]],
    earlier: Sequence[Publication],
) -> list[dict[str, Any]]:
    """The revisions of this run's figures against ``earlier`` publications (none: []).

    Compared: the run's own period (decisions and complaints, from ``results``) and each
    period in ``shown`` (decisions only): the periods the workbooks show beside it, the
    comparison period and the same period last year. A period shown twice (an annual run's
    year before is both) is compared once.

    A re-run replaces the stamp's folder, so the first publication of a period may be gone;
    the run that replaced it carries its "before" values in its own revisions, and those are
    put back (``_original``), so "before" stays what was first published."""
    from sagstid.report.results_json import decisions_section

    own = (results["period"]["from"], results["period"]["to"])
    periods: dict[tuple[str, str], tuple[dict[Key, Any], bool]] = {
        own: (figures(results.get("decisions"), results.get("complaints")), True)
    }
    for other, measurement in shown:
        span = (other.start.isoformat(), other.end.isoformat())
        if span not in periods:
            periods[span] = (figures(decisions_section(measurement)), False)
    out: list[dict[str, Any]] = []
    for span, (now, with_complaints) in periods.items():
        same = [p for p in earlier if p.period == span]
        if not same:
            continue
        base = min(same, key=lambda p: (p.finished, p.run_id))
        before, origin = _original(base, span)
        if not with_complaints:
            before = {k: v for k, v in before.items() if k[0] == "decisions"}
        out += _records(span, compare(before, now), origin, base)
    return out


def diff_rows(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(figure label, value in A, value in B) for every compared figure that differs between two
    results.json files (whatever their periods)."""
    before = figures(a.get("decisions"), a.get("complaints"))
    after = figures(b.get("decisions"), b.get("complaints"))
    return [(label(key), old, new) for key, old, new in compare(before, after)]


SECTIONS = {"decisions": "Afgørelser", "complaints": "Klager"}
GROUPS = {"total": "i alt", "unit": "enhed", "area": "sagsområde"}
FIGURES = {
    "decisions": "antal",
    "within_deadline": "inden for fristen",
    "compliance_pct": "overholdelse %",
    "exceeded": "overskredet",
    "exceeded_notified": "overskredet med underretning",
    "notice_pct": "underretning %",
    "mean_days": "gennemsnit dage",
    "median_days": "median dage",
    "complaints": "antal",
    "on_time": "rettidige",
}


def label(key: Key) -> str:
    """A figure's name as a reader writes it, e.g. "Afgørelser, enhed JC-NORD: overholdelse %"."""
    section, kind, code, figure = key
    group = GROUPS[kind] + (f" {code}" if code else "")
    return f"{SECTIONS[section]}, {group}: {FIGURES.get(figure, figure)}"


def record_label(record: dict[str, Any]) -> str:
    return label((record["section"], record["group"], record["code"] or "", record["figure"]))


def da_value(value: Any) -> str:
    """A figure in Danish notation: 87,53 (two decimals), - for none."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)
