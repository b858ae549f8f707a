"""The embedded demo database: a fixed-seed, realistic SQLite file (docs/contract.md §1).

It imitates a large municipality's Employment and Integration Administration (BIF): four job
centres, three employment centres, Ydelsesservice and the complaints unit, from 2023 to the
snapshot day ``DEMO_AS_OF``. The data carries the stories the measurement must reveal: areas
and units that keep their deadlines worse (FOEP, FLEKS, JC-NORD), an improving job centre
(JC-OEST), a unit holding finished decisions back (JC-SYD), a complaint surge (JC-VEST,
September 2025), an overdue backlog of open cases, and a few rows of each kind of bad data.

Generation is vectorised with numpy. The deadline catalogue and closed days below mirror
config/deadlines.yaml and config/calendar.yaml, so the demo does not change when a user edits
the configuration. Bump ``DEMO_VERSION`` whenever the generated data changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import holidays
import numpy as np
import sqlalchemy

from sagstid.schema import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, SQLITE_DDL

DEMO_VERSION: int = (
    5  # 2 was used by two branches (complaints; held decisions); 4: promised_date; 5: case_variant
)
DEMO_AS_OF: date = date(2026, 11, 20)
DEMO_YEARS: tuple[int, ...] = (2023, 2024, 2025, 2026)

UNITS: tuple[tuple[str, str, str], ...] = (
    ("JC-NORD", "Jobcenter Nord", "jobcenter"),
    ("JC-SYD", "Jobcenter Syd", "jobcenter"),
    ("JC-OEST", "Jobcenter Øst", "jobcenter"),
    ("JC-VEST", "Jobcenter Vest", "jobcenter"),
    ("BC-AFKL", "Beskæftigelsescenter Afklaring", "beskaeftigelsescenter"),
    ("BC-INTEG", "Beskæftigelsescenter Integration", "beskaeftigelsescenter"),
    ("BC-UNG", "Beskæftigelsescenter Ung", "beskaeftigelsescenter"),
    ("YS", "Ydelsesservice", "ydelsesservice"),
    ("CDU", "Center for Driftsunderstøttelse", "klageenhed"),
)
UNIT_CODES: tuple[str, ...] = tuple(code for code, _, _ in UNITS)
_U = {code: i for i, code in enumerate(UNIT_CODES)}

# area -> (share decided within the deadline, versions (valid_from, value, unit, roll)).
_F = "2015-01-01"
AREAS: dict[str, tuple[float, tuple[tuple[str, int, str, bool], ...]]] = {
    "KH-ANS": (0.93, ((_F, 4, "weeks", False), ("2024-07-01", 3, "weeks", False))),
    "UH-ANS": (0.94, ((_F, 3, "weeks", False),)),
    "SHY-ANS": (0.90, (("2019-07-01", 3, "weeks", False),)),
    "ENK-81": (0.92, ((_F, 4, "weeks", False),)),
    "ENK-85": (0.91, ((_F, 15, "working_days", False),)),
    "AKUT-HJ": (0.97, ((_F, 2, "working_days", False),)),
    "BEFORD": (0.95, ((_F, 10, "working_days", False),)),
    "BOLIGLAN": (0.93, ((_F, 30, "calendar_days", True),)),
    "SDP-RET": (0.93, ((_F, 5, "weeks", False),)),
    "SDP-FORL": (0.90, ((_F, 8, "weeks", False),)),
    "LEDYD": (0.90, ((_F, 4, "weeks", False),)),
    "REVA": (0.84, ((_F, 3, "months", False),)),
    "FLEKS": (0.76, ((_F, 3, "months", False),)),
    "FOEP": (0.74, ((_F, 6, "months", False),)),
    "RESS": (0.85, ((_F, 3, "months", False),)),
    "JAF": (0.87, ((_F, 2, "months", False),)),
    "HJ-MIDL": (0.88, ((_F, 6, "weeks", False),)),
    "PERS-ASS": (0.86, ((_F, 6, "weeks", False),)),
    "MENTOR": (0.93, ((_F, 4, "weeks", False),)),
    "SENIORJOB": (0.91, ((_F, 4, "weeks", False),)),
    "DANSK-UDD": (0.95, ((_F, 30, "calendar_days", False),)),
    "AKTINDSIGT": (0.89, ((_F, 7, "working_days", False),)),
    "TILBAGEMELD": (0.94, ((_F, 10, "calendar_days", True),)),
}
AREA_CODES: tuple[str, ...] = tuple(AREAS)
# area -> its case variants with their own entries (config/deadlines.yaml): (variant, share of
# the area's decisions, versions). AKUT-HJ's "samme dag" and "24 timer" and HJ-MIDL's repeat
# application; the rest of each area carries no variant, and a few rows carry a variant the
# catalogue does not list (they fall to the area's general entry).
VARIANTS: dict[str, tuple[tuple[str, float, tuple[tuple[str, int, str, bool], ...]], ...]] = {
    "AKUT-HJ": (
        ("NOED", 0.15, ((_F, 0, "calendar_days", False),)),
        ("HJEMLOES", 0.10, ((_F, 24, "hours", False),)),
    ),
    "HJ-MIDL": (("GENTAGEN", 0.30, ((_F, 4, "weeks", False),)), ("ANDET", 0.05, ())),
}
_A = {code: i for i, code in enumerate(AREA_CODES)}

# Relative yearly volumes of decisions per unit and case area.
_JC = {
    "SDP-RET": 4200,
    "SDP-FORL": 1400,
    "FLEKS": 350,
    "REVA": 180,
    "RESS": 280,
    "JAF": 450,
    "MENTOR": 500,
    "HJ-MIDL": 350,
    "PERS-ASS": 60,
    "SENIORJOB": 70,
    "DANSK-UDD": 600,
    "AKTINDSIGT": 40,
    "TILBAGEMELD": 2500,
}
_VOLUMES: dict[str, dict[str, float]] = {
    "JC-NORD": {a: v * 1.1 for a, v in _JC.items()},
    "JC-SYD": dict(_JC),
    "JC-OEST": {a: v * 0.9 for a, v in _JC.items()},
    "JC-VEST": {a: v * 0.8 for a, v in _JC.items()},
    "BC-AFKL": {
        "FOEP": 250,
        "RESS": 300,
        "JAF": 300,
        "REVA": 150,
        "FLEKS": 250,
        "MENTOR": 200,
        "DANSK-UDD": 50,
        "AKTINDSIGT": 20,
        "TILBAGEMELD": 900,
    },
    "BC-INTEG": {
        "FOEP": 30,
        "RESS": 100,
        "JAF": 100,
        "REVA": 30,
        "FLEKS": 30,
        "MENTOR": 500,
        "DANSK-UDD": 1500,
        "AKTINDSIGT": 20,
        "TILBAGEMELD": 1200,
    },
    "BC-UNG": {
        "FOEP": 10,
        "RESS": 80,
        "JAF": 60,
        "REVA": 60,
        "FLEKS": 40,
        "MENTOR": 600,
        "DANSK-UDD": 300,
        "AKTINDSIGT": 15,
        "TILBAGEMELD": 800,
    },
    "YS": {
        "KH-ANS": 24000,
        "UH-ANS": 6000,
        "SHY-ANS": 2500,
        "ENK-81": 4500,
        "ENK-85": 13000,
        "AKUT-HJ": 3500,
        "BEFORD": 11000,
        "BOLIGLAN": 700,
        "LEDYD": 3000,
        "AKTINDSIGT": 150,
        "TILBAGEMELD": 4000,
    },
    "CDU": {"AKTINDSIGT": 120, "TILBAGEMELD": 300},
}
_PAIRS = np.array([(_U[u], _A[a], v) for u, areas in _VOLUMES.items() for a, v in areas.items()])

# Unit complained about -> (share of all complaints, share of its complaints about handling).
# With 3,000 complaints a year the handling complaints land near the maxima of
# config/targets.yaml: most units within, JC-NORD over every year, JC-VEST over in 2025 (its
# September surge is mostly handling complaints, _SURGE_HANDLING).
_COMPLAINT_UNITS: dict[str, tuple[float, float]] = {
    "YS": (0.40, 0.095),
    "JC-NORD": (0.12, 0.22),
    "JC-SYD": (0.11, 0.11),
    "JC-OEST": (0.09, 0.11),
    "JC-VEST": (0.08, 0.11),
    "BC-AFKL": (0.08, 0.12),
    "BC-INTEG": (0.07, 0.12),
    "BC-UNG": (0.05, 0.12),
}
_SURGE_HANDLING = 0.6
OUTCOMES = ("full", "partial", "upheld", "rejected")
APPEAL_OUTCOMES = ("confirmed", "changed", "remitted", "annulled", "rejected")
AUDIT_AREAS = ("REVA", "FLEKS", "FOEP")
_MONTH_WEIGHT = np.array([1.1, 1.05, 1.05, 1.0, 1.0, 0.95, 0.7, 0.95, 1.05, 1.05, 1.05, 0.9])
_BAD_DATES = ("31/02/{y}", "{y}-02-30", "{y}-13-01", "{y}-04-31")
NaT = np.datetime64("NaT", "D")
Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class DemoSummary:
    """What build_demo_database wrote (row counts, bad rows included)."""

    path: Path
    units: int
    decisions: int
    complaints: int
    audit_samples: int


def _d(value: date | str) -> np.datetime64:
    return np.datetime64(value, "D")


def _as_of() -> np.datetime64:
    return _d(DEMO_AS_OF)


def _year(days: np.ndarray) -> np.ndarray:
    return days.astype("M8[Y]").astype(np.int64) + 1970


def _calendar(first: int, last: int) -> np.busdaycalendar:
    """Weekdays minus Danish public holidays and the administration's closed days."""
    years = range(first - 1, last + 3)
    closed = [date(y, m, d) for y in years for m, d in ((6, 5), (12, 24), (12, 31))]
    days = sorted([*holidays.country_holidays("DK", years=years), *closed, date(2025, 5, 30)])
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(days, dtype="M8[D]"))


def _workday(days: np.ndarray, cal: np.busdaycalendar, roll: str) -> np.ndarray:
    return np.busday_offset(days, 0, roll=roll, busdaycal=cal)  # type: ignore[call-overload]


def _shift(start: np.ndarray, value: int, unit: str, roll: bool, cal: np.busdaycalendar) -> np.ndarray:
    """The deadline date of docs/contract.md §3.2 for one catalogue entry."""
    if unit == "working_days":
        if value == 0:
            return _workday(start, cal, "forward")
        return np.busday_offset(start, value, roll="backward", busdaycal=cal)
    if unit == "hours":  # 24 * k hours: k calendar days
        return _workday(start + value // 24, cal, "forward") if roll else start + value // 24
    if unit == "months":
        month = start.astype("M8[M]")
        last = (month + value + 1).astype("M8[D]") - 1
        end = np.minimum((month + value).astype("M8[D]") + (start - month.astype("M8[D]")), last)
    else:
        end = start + value * (7 if unit == "weeks" else 1)
    return _workday(end, cal, "forward") if roll else end


def _versions_into(
    out: np.ndarray,
    rows: np.ndarray,
    received: np.ndarray,
    versions: tuple[tuple[str, int, str, bool], ...],
    cal: np.busdaycalendar,
) -> None:
    for k, (valid_from, value, unit, roll) in enumerate(versions):
        upto = _d(versions[k + 1][0]) if k + 1 < len(versions) else _d("9999-12-31")
        m = rows & (received >= _d(valid_from)) & (received < upto)
        out[m] = _shift(received[m], value, unit, roll, cal)


def _deadlines(
    area: np.ndarray, received: np.ndarray, cal: np.busdaycalendar, variant: np.ndarray | None = None
) -> np.ndarray:
    out = np.full(len(received), NaT)
    for code, (_, versions) in AREAS.items():
        _versions_into(out, area == _A[code], received, versions, cal)
    if variant is not None:
        for code, listed in VARIANTS.items():
            for name, _, versions in listed:
                _versions_into(out, (area == _A[code]) & (variant == name), received, versions, cal)
    return out


def _variants(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """Each decision's case_variant (None for most), drawn from its own generator so that
    every other draw of the demo stays as it was."""
    out = np.full(len(area), None, dtype=object)
    u = rng.random(len(area))
    for code, listed in VARIANTS.items():
        low = 0.0
        for name, share, _ in listed:
            out[(area == _A[code]) & (u >= low) & (u < low + share)] = name
            low += share
    return out


def _received(
    rng: np.random.Generator,
    start: np.datetime64,
    end: np.datetime64,
    n: int,
    cal: np.busdaycalendar,
    saturday: float,
) -> np.ndarray:
    """n receipt dates in [start, end] on working days (and a few Saturdays), seasonal."""
    days = np.arange(start, end + 1, dtype="M8[D]")
    month = days.astype("M8[M]").astype(np.int64) % 12
    weight = np.is_busday(days, busdaycal=cal) * _MONTH_WEIGHT[month]
    weight += saturday * ((days.astype(np.int64) - 4) % 7 == 5)
    return rng.choice(days, size=n, p=weight / weight.sum())


def _receipts(
    rng: np.random.Generator,
    years: tuple[int, ...],
    per_year: int,
    warmup: int,
    cal: np.busdaycalendar,
    saturday: float,
) -> np.ndarray:
    """Sorted receipt dates, per_year a year pro rata up to DEMO_AS_OF, plus a warm-up."""
    parts = []
    for i, y in enumerate(years):
        start = _d(f"{y}-01-01") - (warmup if i == 0 else 0)
        end = min(_d(f"{y}-12-31"), _as_of())
        n = round(per_year * ((end - start).astype(np.int64) + 1) / 365)
        parts.append(_received(rng, start, end, n, cal, saturday))
    return np.sort(np.concatenate(parts))


def _iso(days: np.ndarray) -> np.ndarray:
    out = days.astype("U10").astype(object)
    out[np.isnat(days)] = None
    return out


def _case_ids(years: np.ndarray) -> np.ndarray:
    """'S-2025-0012345': a running number per receipt year (years sorted)."""
    seq = np.arange(len(years)) - np.searchsorted(years, years) + 1
    head = np.strings.add("S-", years.astype(str))
    return np.strings.add(head, np.strings.add("-", np.strings.zfill(seq.astype(str), 7)))


def _citizens(rng: np.random.Generator, n: int) -> np.ndarray:
    """n fake CPR-like 'DDMMYY-NNNN' references from a pool, so citizens recur."""
    pool = max(1, n // 3)
    born = _d("1950-01-01") + rng.integers(0, 365 * 57, pool)
    month = born.astype("M8[M]")
    day = (born - month.astype("M8[D]")).astype(np.int64) + 1
    ddmmyy = day * 10000 + (month.astype(np.int64) % 12 + 1) * 100 + _year(born) % 100
    tail = np.strings.zfill(rng.integers(0, 10000, pool).astype(str), 4)
    refs = np.strings.add(np.strings.add(np.strings.zfill(ddmmyy.astype(str), 6), "-"), tail)
    return refs[(pool * rng.random(n) ** 1.6).astype(np.int64)]


def _late_share(unit: np.ndarray, area: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Probability of a late decision: by area, JC-NORD always worse, JC-OEST improving."""
    within = np.array([AREAS[a][0] for a in AREA_CODES])[area]
    nord = np.where(unit == _U["JC-NORD"], 0.07, 0.0)
    oest = np.where(unit == _U["JC-OEST"], np.clip(0.04 * (2025 - year), -0.02, 0.08), 0.0)
    return np.clip(1 - within + nord + oest, 0.005, 0.6)


def _decision_dates(
    rng: np.random.Generator,
    received: np.ndarray,
    deadline: np.ndarray,
    late: np.ndarray,
    cal: np.busdaycalendar,
) -> np.ndarray:
    """Decision dates on working days: on time or past the deadline as `late` says."""
    n, span = len(received), (deadline - received).astype(np.int64)
    on_time = _workday(received + np.floor(span * rng.beta(1.6, 2.4, n)).astype(int), cal, "backward")
    overrun = np.floor(rng.exponential(np.maximum(3, 0.3 * span))).astype(np.int64)
    drawn = np.where(late, _workday(deadline + 1 + overrun, cal, "forward"), on_time)
    return np.where(drawn < received, _workday(received, cal, "forward"), drawn)


def _decision_notices(
    rng: np.random.Generator, late: np.ndarray, received: np.ndarray, deadline: np.ndarray, drawn: np.ndarray
) -> np.ndarray:
    """Late: 65 % notified before the deadline, 15 % after, 20 % never; 2 % of the others."""
    n, u = len(late), rng.random(len(late))
    notice = np.full(n, NaT)
    before, after, early = late & (u < 0.65), late & (u >= 0.65) & (u < 0.80), ~late & (u < 0.02)
    notice[before] = np.maximum(received, deadline - rng.integers(1, 6, n))[before]
    gap = np.maximum((drawn - deadline).astype(np.int64), 1)
    notice[after] = (deadline + 1 + np.floor(rng.random(n) * gap).astype(np.int64))[after]
    length = (drawn - received).astype(np.int64) + 1
    notice[early] = (received + np.floor(rng.random(n) * length).astype(np.int64))[early]
    return notice


def _sent_dates(
    rng: np.random.Generator, unit: np.ndarray, late: np.ndarray, drawn: np.ndarray, cal: np.busdaycalendar
) -> np.ndarray:
    """Sent 0-2 days after the decision; 0.5 % never. JC-SYD games its weekly figure from 2025.

    JC-SYD does what the 2016 whistleblower case described: from 2025 it holds every late
    decision back for two to six weeks, then releases the oldest held ones on the Friday of a
    week only as far as the week's share of late decisions among those sent stays under 8 %
    (a margin under the 10 % the 90 % general target allows; its true late share is about
    8 %, so a queue builds). On-time decisions go out as usual. What is still held on
    DEMO_AS_OF is not sent yet.
    """
    n = len(drawn)
    sent = _workday(drawn + rng.choice(3, n, p=[0.78, 0.17, 0.05]), cal, "forward")
    # The random draws are those of DEMO_VERSION 1 (same sizes, same order), so every other
    # column of the demo is unchanged; u now spreads the hold over 14-42 days.
    u = rng.random(n)
    gamer = (unit == _U["JC-SYD"]) & late & (drawn >= _d("2025-01-01"))
    rng.integers(14, 43, (gamer & (u < 0.15)).sum())
    never = rng.random(n) < 0.005
    natural = np.where(never, NaT, sent)
    held = np.flatnonzero(gamer & ~never)
    if len(held):
        natural[held] = _release_weekly(
            held_from=drawn[held] + 14 + np.floor(u[held] * 29).astype(np.int64),
            decided=drawn[held],
            on_time=sent[(unit == _U["JC-SYD"]) & ~late & ~never & (drawn >= _d("2025-01-01"))],
            cal=cal,
            cap=0.08,
        )
    return natural


def _monday(days: np.ndarray) -> np.ndarray:
    """The Monday of each day's ISO week (1970-01-01 was a Thursday)."""
    return days - ((days.astype(np.int64) + 3) % 7)


def _release_weekly(
    held_from: np.ndarray, decided: np.ndarray, on_time: np.ndarray, cal: np.busdaycalendar, cap: float
) -> np.ndarray:
    """Sent dates of held late decisions: week by week (a loop over weeks, not cases), the
    oldest decisions whose hold is over go out on the week's last working day, as many as
    keep late / (on time + late) sent that week at most ``cap``; the rest wait."""
    out = np.full(len(decided), NaT)
    order = np.argsort(decided, kind="stable")
    weeks = np.arange(_monday(held_from.min()), _as_of() + 1, 7)  # type: ignore[call-overload]
    on_time_weeks = _monday(on_time)
    for week in weeks:
        friday = _workday(np.array([week + 4]), cal, "backward")[0]
        if friday < week or friday > _as_of():
            continue
        room = int(np.floor(cap * (on_time_weeks == week).sum() / (1 - cap)))
        ready = order[np.isnat(out[order]) & (held_from[order] <= friday)][:room]
        out[ready] = friday
    return out


def _open_cases(
    rng: np.random.Generator, received: np.ndarray, deadline: np.ndarray, late: np.ndarray, drawn: np.ndarray
) -> np.ndarray:
    """Open on DEMO_AS_OF: not yet decided, a third of the recent overdue backlog, a few old."""
    as_of, n = _as_of(), len(drawn)
    backlog = late & (received >= as_of - 120) & (deadline < as_of) & (rng.random(n) < 0.35)
    is_open = (drawn > as_of) | backlog
    old = np.flatnonzero((received >= as_of - 700) & (received <= as_of - 300))
    is_open[rng.choice(old, size=min(len(old), max(3, n // 20000)), replace=False)] = True
    return is_open


def _decisions(
    rng: np.random.Generator,
    years: tuple[int, ...],
    per_year: int,
    cal: np.busdaycalendar,
    late_share: float | None = None,
) -> Columns:
    """Clean decisions as numpy arrays: indices into UNIT_CODES/AREA_CODES, datetime64 dates.
    ``late_share``: scale the late probabilities so that about that share is late (the
    benchmark's harsher workloads); None keeps the demo's own shares."""
    received = _receipts(rng, years, per_year, 90, cal, saturday=0.06)
    n = len(received)
    pair = rng.choice(len(_PAIRS), size=n, p=_PAIRS[:, 2] / _PAIRS[:, 2].sum())
    unit, area = _PAIRS[pair, 0].astype(np.int64), _PAIRS[pair, 1].astype(np.int64)
    variant = _variants(rng.spawn(1)[0], area)  # spawning draws nothing from rng
    deadline = _deadlines(area, received, cal, variant)
    chance = _late_share(unit, area, _year(received))
    if late_share is not None:
        chance = np.clip(chance * (late_share / max(float(chance.mean()), 1e-9)), 0.0, 0.95)
    late = rng.random(n) < chance
    drawn = _decision_dates(rng, received, deadline, late, cal)
    notice = _decision_notices(rng, late, received, deadline, drawn)
    sent = _sent_dates(rng, unit, late, drawn, cal)
    is_open = _open_cases(rng, received, deadline, late, drawn)
    sent[is_open | (sent > _as_of())] = NaT
    notice[notice > _as_of()] = NaT
    return {
        "decision_id": np.arange(1_000_001, 1_000_001 + n),
        "case_id": _case_ids(_year(received)),
        "citizen_ref": _citizens(rng, n),
        "unit": unit,
        "area": area,
        "variant": variant,
        "received": received,
        "decided": np.where(is_open, NaT, drawn),
        "sent": sent,
        "notice": notice,
    }


def _promised_dates(seed: int, d: Columns, cal: np.busdaycalendar) -> np.ndarray:
    """The optional promised_date (docs/flow.md): for decided late decisions notified before the
    deadline, 85 % of the notices give a date; about three in four of those are kept (the
    decision comes 0-14 days before the promised date), the others missed by 1-21 days. Drawn
    from a generator of their own, so every other column is as before."""
    rng = np.random.default_rng(seed + 14)
    received, decided, notice = d["received"], d["decided"], d["notice"]
    deadline = _deadlines(d["area"], received, cal)
    n = len(received)
    notified = ~np.isnat(decided) & ~np.isnat(notice) & (notice <= deadline) & (decided > deadline)
    given = notified & (rng.random(n) < 0.85)
    kept = rng.random(n) < 0.75
    offset = np.where(kept, rng.integers(0, 15, n), -rng.integers(1, 22, n))
    promised = np.maximum(decided + offset, deadline + 1)
    return np.where(given, promised, NaT)


def _decision_columns(d: Columns) -> Columns:
    """The contract's decision columns; text and ISO dates as object arrays."""
    return {
        "decision_id": d["decision_id"],
        "case_id": d["case_id"].astype(object),
        "citizen_ref": d["citizen_ref"].astype(object),
        "unit_code": np.array(UNIT_CODES, dtype=object)[d["unit"]],
        "case_area_code": np.array(AREA_CODES, dtype=object)[d["area"]],
        "case_variant": d["variant"],
        "received_date": _iso(d["received"]),
        "decided_date": _iso(d["decided"]),
        "sent_date": _iso(d["sent"]),
        "delay_notice_date": _iso(d["notice"]),
        "promised_date": _iso(d["promised"]),
    }


def _bad_groups(
    rng: np.random.Generator, when: np.ndarray, kinds: int, low: int, high: int
) -> Iterator[tuple[int, list[np.ndarray]]]:
    """Per year of `when`: disjoint row groups, one per kind of bad data, the first of pairs.

    Rows within 45 days of DEMO_AS_OF are spared, so a moved date never lands after it."""
    ok = ~np.isnat(when) & (when <= _as_of() - 45)
    for y in np.unique(_year(when[ok])):
        pool = np.flatnonzero(ok & (_year(when) == y))
        counts = rng.integers(low, high + 1, kinds)
        counts[0] *= 2
        if len(pool) >= 4 * counts.sum():
            picked = rng.choice(pool, size=counts.sum(), replace=False)
            yield int(y), np.split(picked, np.cumsum(counts)[:-1])


def _bad_dates(y: int, rows: np.ndarray, columns: tuple[str, ...], cols: Columns) -> None:
    """Unreadable dates, cycling through the columns and the kinds of nonsense."""
    for i, row in enumerate(rows):
        cols[columns[i % len(columns)]][row] = _BAD_DATES[i % len(_BAD_DATES)].format(y=y)


def _corrupt_decisions(rng: np.random.Generator, cols: Columns, decided: np.ndarray) -> None:
    """A few rows per decided year of each kind of bad data docs/contract.md §3.3 excludes."""
    dates = ("decided_date", "received_date", "sent_date", "delay_notice_date")
    for y, (dup, bad, no_recv, before, unit, area, old) in _bad_groups(rng, decided, 7, 3, 8):
        cols["decision_id"][dup[len(dup) // 2 :]] = cols["decision_id"][dup[: len(dup) // 2]]
        _bad_dates(y, bad, dates, cols)
        cols["received_date"][no_recv] = None
        cols["received_date"][before] = _iso(decided[before] + rng.integers(3, 40, len(before)))
        cols["unit_code"][unit] = "JC-GAMMEL"
        cols["case_area_code"][area] = "XX-UKENDT"
        cols["unit_code"][old], cols["case_area_code"][old] = "YS", "SHY-ANS"
        cols["received_date"][old] = _iso(_d("2019-01-02") + rng.integers(0, 170, len(old)))
        cols["delay_notice_date"][old] = None


def _corrupt_complaints(rng: np.random.Generator, cols: Columns, answered: np.ndarray) -> None:
    """A few rows per answered year of each kind of bad data docs/contract.md §3.4 excludes."""
    dates = ("answered_date", "received_date", "delay_notice_date", "appeal_decided_date")
    for y, (dup, bad, no_recv, before, unit, kind) in _bad_groups(rng, answered, 6, 2, 5):
        cols["complaint_id"][dup[len(dup) // 2 :]] = cols["complaint_id"][dup[: len(dup) // 2]]
        _bad_dates(y, bad, dates, cols)
        cols["received_date"][no_recv] = None
        cols["received_date"][before] = _iso(answered[before] + rng.integers(2, 20, len(before)))
        cols["unit_code"][unit] = "JC-GAMMEL"
        cols["complaint_kind"][kind] = "andet"


def _complaint_receipts(
    rng: np.random.Generator, years: tuple[int, ...], per_year: int, cal: np.busdaycalendar
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Receipt dates, units (indices into _COMPLAINT_UNITS) and which rows are JC-VEST's
    September 2025 surge (three times its usual month)."""
    share = np.array([s for s, _ in _COMPLAINT_UNITS.values()])
    received = _receipts(rng, years, per_year, 0, cal, saturday=0.0)
    unit = rng.choice(len(share), size=len(received), p=share / share.sum())
    surge = np.zeros(len(received), dtype=bool)
    vest, sep = list(_COMPLAINT_UNITS).index("JC-VEST"), _d("2025-09-01")
    if 2025 in years and sep + 29 <= _as_of():
        extra = _received(rng, sep, sep + 29, round(2 * per_year * share[vest] / 12), cal, 0.0)
        received = np.concatenate([received, extra])
        unit = np.concatenate([unit, np.full(len(extra), vest)])
        surge = np.concatenate([surge, np.ones(len(extra), dtype=bool)])
    order = np.argsort(received, kind="stable")
    return received[order], unit[order], surge[order]


def _answers(
    rng: np.random.Generator, received: np.ndarray, deadline: np.ndarray, cal: np.busdaycalendar
) -> tuple[np.ndarray, np.ndarray]:
    """Answer dates (8 % late) and delay notices (half of the late ones, before the deadline)."""
    n, span = len(received), (deadline - received).astype(np.int64)
    quick = np.maximum(1, np.floor(span * rng.beta(2.5, 2.0, n))).astype(np.int64)
    on_time = np.maximum(_workday(received + quick, cal, "backward"), received)
    late = rng.random(n) < 0.08
    overrun = np.floor(rng.exponential(8, n)).astype(np.int64)
    answered = np.where(late, _workday(deadline + 1 + overrun, cal, "forward"), on_time)
    notified = late & (rng.random(n) < 0.5)
    notice = np.where(notified, np.maximum(received, deadline - rng.integers(1, 5, n)), NaT)
    answered[answered > _as_of()] = NaT
    notice[notice > _as_of()] = NaT
    return answered, notice


def _appeals(
    rng: np.random.Generator, upheld: np.ndarray, answered: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forwarding of upheld decision complaints to Ankestyrelsen and its rulings."""
    n = len(answered)
    forwarded = np.where(upheld & ~np.isnat(answered), answered + rng.integers(1, 6, n), NaT)
    forwarded[forwarded > _as_of()] = NaT
    outcome = rng.choice(len(APPEAL_OUTCOMES), n, p=[0.78, 0.10, 0.07, 0.03, 0.02])
    ruled = ~np.isnat(forwarded) & (rng.random(n) < 0.92)
    decided = np.where(ruled, forwarded + rng.integers(60, 183, n), NaT)
    decided[decided > _as_of()] = NaT
    labels = np.where(np.isnat(decided), None, np.array(APPEAL_OUTCOMES, dtype=object)[outcome])  # type: ignore[call-overload]
    return forwarded, labels, decided


def _complaints(
    rng: np.random.Generator, years: tuple[int, ...], per_year: int, cal: np.busdaycalendar, dec: Columns
) -> tuple[Columns, np.ndarray]:
    """Complaint columns per docs/contract.md §1, and the clean answer dates."""
    received, unit_idx, surge = _complaint_receipts(rng, years, per_year, cal)
    n = len(received)
    handling_share = np.array([h for _, h in _COMPLAINT_UNITS.values()])[unit_idx]
    handling = rng.random(n) < np.where(surge, _SURGE_HANDLING, handling_share)
    ombud = handling & (rng.random(n) < 0.20)
    own = ombud & (rng.random(n) < 0.5)
    insured = ~handling & (rng.random(n) < 0.30)
    five = insured & (rng.random(n) < 0.40)
    outcome = np.where(
        handling, rng.choice(4, n, p=[0.35, 0.25, 0.30, 0.10]), rng.choice(4, n, p=[0.20, 0.13, 0.61, 0.06])
    )
    upheld = outcome == OUTCOMES.index("upheld")
    deadline_date = np.where(own, received + rng.choice([14, 21], n), NaT)
    deadline = np.where(handling & ombud, received + 21, received + 28)
    five_days = np.busday_offset(received, 5, roll="backward", busdaycal=cal)
    deadline = np.where(five & upheld, five_days, np.where(own, deadline_date, deadline))
    answered, notice = _answers(rng, received, deadline, cal)
    forwarded, appeal, appeal_date = _appeals(rng, ~handling & upheld, answered)
    unit = np.array([_U[c] for c in _COMPLAINT_UNITS])[unit_idx]
    case_id, citizen = _borrow_cases(rng, dec, received, unit)
    return {
        "complaint_id": np.arange(500_001, 500_001 + n),
        "case_id": case_id,
        "citizen_ref": citizen,
        "unit_code": np.array(UNIT_CODES, dtype=object)[unit],
        "complaint_kind": np.where(handling, "handling", "decision").astype(object),
        "via_ombudsman": ombud.astype(np.int64),
        "insured_unemployed": insured.astype(np.int64),
        "five_day_rule": five.astype(np.int64),
        "received_date": _iso(received),
        "deadline_date": _iso(deadline_date),
        "answered_date": _iso(answered),
        "outcome": np.where(np.isnat(answered), None, np.array(OUTCOMES, dtype=object)[outcome]),  # type: ignore[call-overload]
        "delay_notice_date": _iso(notice),
        "forwarded_date": _iso(forwarded),
        "appeal_outcome": appeal,
        "appeal_decided_date": _iso(appeal_date),
    }, answered


def _borrow_cases(
    rng: np.random.Generator, dec: Columns, when: np.ndarray, unit: np.ndarray, area: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Case numbers and citizens of random decisions of the same unit (and area) received
    1-26 weeks before `when` (any of the group's decisions if none was)."""
    case_id, citizen = np.empty(len(unit), dtype=object), np.empty(len(unit), dtype=object)
    keys = unit if area is None else unit * 100 + area
    dec_keys = dec["unit"] if area is None else dec["unit"] * 100 + dec["area"]
    for key in np.unique(keys):
        rows, source = np.flatnonzero(keys == key), np.flatnonzero(dec_keys == key)
        source = source if len(source) else np.arange(len(dec_keys))
        lo, hi = (np.searchsorted(dec["received"][source], when[rows] - d) for d in (182, 7))
        lo, hi = np.where(hi > lo, lo, 0), np.where(hi > lo, hi, len(source))
        pick = source[lo + np.floor(rng.random(len(rows)) * (hi - lo)).astype(np.int64)]
        case_id[rows], citizen[rows] = dec["case_id"][pick], dec["citizen_ref"][pick]
    return case_id, citizen


def _audit_samples(rng: np.random.Generator, years: tuple[int, ...], dec: Columns) -> Columns:
    """10-20 samples a month per unit deciding work-capacity cases; JC-NORD FLEKS below 95 %."""
    months = np.concatenate([np.arange(f"{y}-01", f"{y + 1}-01", dtype="M8[M]") for y in years])
    months = months[months <= _as_of().astype("M8[M]")]
    units = [u for u in range(len(UNITS)) if set(_VOLUMES[UNIT_CODES[u]]) & set(AUDIT_AREAS)]
    counts = rng.integers(10, 21, (len(units), len(months))).ravel()
    unit = np.repeat(np.repeat(np.array(units), len(months)), counts)
    month = np.repeat(np.tile(months, len(units)), counts)
    n, area = len(unit), np.empty(len(unit), dtype=np.int64)
    for u in units:
        vols = {_A[a]: v for a, v in _VOLUMES[UNIT_CODES[u]].items() if a in AUDIT_AREAS}
        weights = np.array(list(vols.values())) / sum(vols.values())
        area[unit == u] = rng.choice(list(vols), (unit == u).sum(), p=weights)
    start = month.astype("M8[D]")
    length = (np.minimum((month + 1).astype("M8[D]") - 1, _as_of()) - start).astype(int) + 1
    audit_date = start + np.floor(rng.random(n) * length).astype(np.int64)
    weak = (unit == _U["JC-NORD"]) & (area == _A["FLEKS"])
    out = {
        "sample_id": np.arange(900_001, 900_001 + n),
        "case_id": _borrow_cases(rng, dec, audit_date, unit, area)[0],
        "unit_code": np.array(UNIT_CODES, dtype=object)[unit],
        "case_area_code": np.array(AREA_CODES, dtype=object)[area],
        "audit_date": _iso(audit_date),
    }
    shares = {"resource_profile": 0.975, "citizen_involved": 0.965, "deadline_met_or_notified": 0.96}
    for col, p in shares.items():
        out[col] = (rng.random(n) < np.where(weak, p - 0.06, p)).astype(np.int64)
    return out


def _write(path: Path, tables: dict[str, Columns], meta: dict[str, str]) -> None:
    """Write all tables in one transaction to path.tmp, then move it onto path."""
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp}")
    try:
        raw = engine.raw_connection()
        try:
            con: Any = raw.driver_connection
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
            con.executescript(
                SQLITE_DDL
                + "ALTER TABLE decisions ADD COLUMN promised_date DATE;"
                + "CREATE TABLE demo_meta (key TEXT, value TEXT);"
            )
            con.execute("BEGIN")
            for name, cols in tables.items():
                names = REQUIRED_COLUMNS[name] + tuple(c for c in OPTIONAL_COLUMNS.get(name, ()) if c in cols)
                marks = ", ".join("?" * len(names))
                sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({marks})"
                con.executemany(sql, zip(*(cols[c].tolist() for c in names), strict=False))
            con.executemany("INSERT INTO demo_meta (key, value) VALUES (?, ?)", meta.items())
            con.commit()
        finally:
            raw.close()
    finally:
        engine.dispose()
    os.replace(tmp, path)


def build_demo_database(
    path: Path,
    *,
    years: tuple[int, ...] = DEMO_YEARS,
    decisions_per_year: int = 120_000,
    complaints_per_year: int = 3_000,
    seed: int = 2009,
    bad_rows: bool = True,
    late_share: float | None = None,
) -> DemoSummary:
    """Write a new database at path (overwriting). Write to path.with_suffix('.tmp') first,
    then os.replace, so a crash never leaves a half database at path."""
    path = Path(path)
    years = tuple(sorted({int(y) for y in years if int(y) <= DEMO_AS_OF.year}))
    if not years:
        raise ValueError(f"no demo year on or before {DEMO_AS_OF.isoformat()}")
    rng = np.random.default_rng(seed)
    cal = _calendar(years[0], DEMO_AS_OF.year)
    dec = _decisions(rng, years, decisions_per_year, cal, late_share)
    dec["promised"] = _promised_dates(seed, dec, cal)
    decisions = _decision_columns(dec)
    complaints, answered = _complaints(rng, years, complaints_per_year, cal, dec)
    audit = _audit_samples(rng, years, dec)
    if bad_rows:
        _corrupt_decisions(rng, decisions, dec["decided"])
        _corrupt_complaints(rng, complaints, answered)
    units = dict(
        zip(
            REQUIRED_COLUMNS["units"],
            (np.array(c, dtype=object) for c in zip(*UNITS, strict=False)),
            strict=False,
        )
    )
    meta = {
        "demo_version": str(DEMO_VERSION),
        "seed": str(seed),
        "as_of": DEMO_AS_OF.isoformat(),
        "years": ",".join(map(str, years)),
        "decisions_per_year": str(decisions_per_year),
        "complaints_per_year": str(complaints_per_year),
        "bad_rows": str(int(bad_rows)),
    }
    tables = {"units": units, "decisions": decisions, "complaints": complaints, "audit_samples": audit}
    _write(path, tables, meta)
    return DemoSummary(
        path,
        len(UNITS),
        len(decisions["decision_id"]),
        len(complaints["complaint_id"]),
        len(audit["sample_id"]),
    )


def _stored_version(path: Path) -> int | None:
    """demo_meta's demo_version of the file at path; None if absent or unreadable."""
    if not path.is_file():
        return None
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            value = conn.execute(
                sqlalchemy.text("SELECT value FROM demo_meta WHERE key = 'demo_version'")
            ).scalar()
        return int(value) if value is not None else None
    except (sqlalchemy.exc.SQLAlchemyError, TypeError, ValueError):
        return None
    finally:
        engine.dispose()


def ensure_demo_database(path: Path) -> Path:
    """Build the demo database at path if absent (or if its stored DEMO_VERSION differs),
    return path. Create parent folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _stored_version(path) != DEMO_VERSION:
        build_demo_database(path)
    return path
