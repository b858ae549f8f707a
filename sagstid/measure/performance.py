"""Performance-contract figures (resultatkontrakt): handling complaints against each unit's
maximum with the year-to-date pace, and complaints per 1,000 decisions. Pure; no I/O.

Which complaints are counted: rows that can be counted by their receipt (a readable
``received_date``, a unique ``complaint_id``, a known unit and kind; see
``sagstid.measure.complaints.RECEIPT_REASONS``), by ``received_date``, whatever their answer.

**Pace.** Year Y is the year of the period's last day E. The year to date runs from 1 January Y
to E: ``elapsed`` days of the ``days_in_year`` (365 or 366); ``fraction = elapsed / days_in_year``.
For a unit with a maximum M for Y (``targets.handling_complaints_max``) and C handling
complaints received in the year to date: ``expected_so_far = M x fraction`` (where an even pace
to the maximum would be by now), ``projected = C / fraction`` (the year's count if the pace so
far goes on). Status: ``over_max`` once C > M; else ``on_course`` if projected <= M; else
``off_course``. A unit without a maximum for Y is ``no_max`` (shown, never dropped).

**Per 1,000 decisions.** Complaints received in the period (all kinds) per 1,000 decisions
measured in the period (decided in the period and not excluded), per unit (the unit complained
about against the unit's decisions) and per case area. A complaint has no case area of its own:
it gets the area of a decision with the same ``case_id``: the case's latest decision decided on
or before the complaint was received (the decision complained about); if there is none, the
case's first decision after it (a handling complaint about a case still being processed, open
decisions last). A complaint whose case has no decision at all is counted under "Ukendt
sagsområde" (``case_area_code`` null), never dropped.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.periods import Period
from sagstid.values import text_array

PACE_STATUSES: tuple[str, ...] = ("no_max", "on_course", "off_course", "over_max")
PACE_COLUMNS: tuple[str, ...] = ("unit_code", "received", "max", "expected_so_far", "projected", "status")
PER_1000_COLUMNS: tuple[str, ...] = ("complaints", "decisions", "per_1000")
_UNKNOWN = "\x00unknown"  # the missing case area inside this module (None outside)
_LATEST = np.datetime64("9999-12-31", "s")  # an open decision sorts after every decided one


@dataclass(frozen=True)
class YearToDate:
    year: int
    as_of: dt.date
    elapsed_days: int
    days_in_year: int

    @classmethod
    def ending(cls, as_of: dt.date) -> YearToDate:
        days = 366 if calendar.isleap(as_of.year) else 365
        return cls(as_of.year, as_of, as_of.timetuple().tm_yday, days)

    @property
    def fraction(self) -> float:
        return self.elapsed_days / self.days_in_year

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)


@dataclass(frozen=True)
class ContractFigures:
    ytd: YearToDate
    handling: pd.DataFrame  # PACE_COLUMNS, one row per unit
    per_1000_total: pd.Series  # PER_1000_COLUMNS
    per_1000_by_unit: pd.DataFrame  # unit_code + PER_1000_COLUMNS
    per_1000_by_area: pd.DataFrame  # case_area_code (None: unknown) + PER_1000_COLUMNS
    per_1000_by_unit_area: pd.DataFrame  # unit_code, case_area_code + PER_1000_COLUMNS


def countable(rows: pd.DataFrame) -> np.ndarray:
    """Complaint rows that can be counted by receipt (no receipt reason)."""
    return rows["receipt_reason"].isna().to_numpy() & rows["received_date"].notna().to_numpy()


def received_between(rows: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The countable complaints received from ``start`` to ``end`` (both included)."""
    day = rows["received_date"].to_numpy()
    inside = (day >= np.datetime64(start, "s")) & (day <= np.datetime64(end, "s"))
    return rows[countable(rows) & inside]


def pace_status(count: int, maximum: int | None, fraction: float) -> str:
    """The pace rule for one unit (see the module docstring)."""
    if maximum is None:
        return "no_max"
    if count > maximum:
        return "over_max"
    return "on_course" if count / fraction <= maximum + 1e-9 else "off_course"


def handling_pace(
    rows: pd.DataFrame, unit_codes: Iterable[str], maxima: Mapping[str, Mapping[int, int]], as_of: dt.date
) -> tuple[YearToDate, pd.DataFrame]:
    """Handling complaints received in the year to ``as_of`` per unit against its maximum."""
    ytd = YearToDate.ending(as_of)
    received = received_between(rows, ytd.start, as_of)
    handling = received[received["complaint_kind"].to_numpy() == "handling"]
    counts = handling["unit_code"].astype(str).value_counts()
    units = sorted(set(unit_codes) | set(maxima))
    out = []
    for code in units:  # one row per unit: a handful, not case data
        count = int(counts.get(code, 0))
        maximum = maxima.get(code, {}).get(ytd.year)
        out.append(
            {
                "unit_code": code,
                "received": count,
                "max": maximum,
                "expected_so_far": None if maximum is None else maximum * ytd.fraction,
                "projected": count / ytd.fraction,
                "status": pace_status(count, maximum, ytd.fraction),
            }
        )
    return ytd, pd.DataFrame(out, columns=list(PACE_COLUMNS))


def complaint_case_areas(complaints: pd.DataFrame, decisions: pd.DataFrame) -> pd.Series:
    """The case area of each complaint (index kept; None where its case has no decision).

    ``complaints``: case_id, received_date (datetime64); ``decisions``: case_id,
    case_area_code, decided_date (datetime64, NaT while open or unreadable)."""
    result = pd.Series(None, index=complaints.index, dtype=object)
    left = complaints.loc[
        complaints["case_id"].notna() & complaints["received_date"].notna(), ["case_id", "received_date"]
    ]
    right = decisions.loc[
        decisions["case_id"].notna() & decisions["case_area_code"].notna(),
        ["case_id", "case_area_code", "decided_date"],
    ]
    if left.empty or right.empty:
        return result
    left = pd.DataFrame(
        {
            "case_id": text_array(left["case_id"]),
            "day": left["received_date"].to_numpy().astype("datetime64[s]"),
            "row": left.index.to_numpy(),
        }
    ).sort_values("day", kind="stable")
    day = right["decided_date"].to_numpy().astype("datetime64[s]")
    right = pd.DataFrame(
        {
            "case_id": text_array(right["case_id"]),
            "day": np.where(np.isnat(day), _LATEST, day),
            "area": text_array(right["case_area_code"]),
        }
    )
    right = right.sort_values(["day", "area"], kind="stable")
    found = [pd.merge_asof(left, right, on="day", by="case_id", direction=d) for d in ("backward", "forward")]
    area = found[0]["area"].fillna(found[1]["area"])
    result.loc[found[0]["row"].to_numpy()] = area.to_numpy()
    return result.where(result.notna(), None)


def _per_1000(complaints: pd.DataFrame, decisions: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = complaints.groupby(keys, sort=True).size().rename("complaints")
    decided = decisions.astype(dict.fromkeys(keys, str)).set_index(keys)["decisions"]
    out = pd.concat([counts, decided], axis=1).fillna(0).astype(np.int64)
    out["per_1000"] = 1000.0 * out["complaints"] / out["decisions"].where(out["decisions"] > 0)
    out = out.reset_index()
    out.columns = [*keys, *PER_1000_COLUMNS]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def complaints_per_1000(
    received: pd.DataFrame, by_unit: pd.DataFrame, by_area: pd.DataFrame, by_unit_area: pd.DataFrame
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Total, per unit, per area and per unit x area: ``received`` complaints (unit_code,
    case_area_code with None for unknown) per 1,000 decisions (the ``decisions`` column of the
    decision measurement's groupings)."""
    frame = pd.DataFrame(
        {
            "unit_code": text_array(received["unit_code"]),
            "case_area_code": received["case_area_code"].fillna(_UNKNOWN).astype(str).to_numpy(),
        }
    )
    unit = _per_1000(frame, by_unit[["unit_code", "decisions"]], ["unit_code"])
    area = _per_1000(frame, by_area[["case_area_code", "decisions"]], ["case_area_code"])
    unit_area = _per_1000(
        frame, by_unit_area[["unit_code", "case_area_code", "decisions"]], ["unit_code", "case_area_code"]
    )
    for table in (area, unit_area):
        table["case_area_code"] = (
            table["case_area_code"].astype(object).where(table["case_area_code"] != _UNKNOWN, None)
        )
    complaints, decisions = len(frame), int(by_unit["decisions"].sum()) if len(by_unit) else 0
    total = pd.Series(
        {
            "complaints": complaints,
            "decisions": decisions,
            "per_1000": 1000.0 * complaints / decisions if decisions else None,
        }
    )
    return total, unit, area, unit_area


def contract_figures(
    rows: pd.DataFrame,
    case_decisions: pd.DataFrame,
    unit_codes: Iterable[str],
    maxima: Mapping[str, Mapping[int, int]],
    period: Period,
    by_unit: pd.DataFrame,
    by_area: pd.DataFrame,
    by_unit_area: pd.DataFrame,
) -> ContractFigures:
    """All contract figures: ``rows`` are the measured complaint rows (with receipt_reason),
    ``case_decisions`` the decisions sharing a case with a complaint (case_id, case_area_code,
    decided_date parsed), ``by_*`` the period's decision metrics."""
    ytd, handling = handling_pace(rows, unit_codes, maxima, period.end)
    received = received_between(rows, period.start, period.end)
    received = received.assign(case_area_code=complaint_case_areas(received, case_decisions))
    total, unit, area, unit_area = complaints_per_1000(received, by_unit, by_area, by_unit_area)
    return ContractFigures(ytd, handling, total, unit, area, unit_area)
