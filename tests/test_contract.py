"""Performance-contract figures: handling complaints against the maximum with the year-to-date
pace, the case area of a complaint, and complaints per 1,000 decisions.

Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sagstid.measure.performance import complaint_case_areas, handling_pace, pace_status
from sagstid.periods import Period
from sagstid.pipeline import build_context
from sagstid.report.results_json import contract_section, per_1000_section

Q1 = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31))  # 31 + 28 + 31 = 90 of 365 days


def frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Complaint rows (unit, kind, received) that can all be counted by receipt."""
    return pd.DataFrame(
        {
            "unit_code": [r[0] for r in rows],
            "complaint_kind": [r[1] for r in rows],
            "received_date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[s]"),
            "receipt_reason": pd.Categorical([None] * len(rows), categories=["duplicate_id"]),
        }
    )


def test_pace_rule() -> None:
    # fraction 90/365: 9 received -> projected 36.5 <= 40: on course; 10 -> 40.6 > 40: off course.
    assert pace_status(9, 40, 90 / 365) == "on_course"
    assert pace_status(10, 40, 90 / 365) == "off_course"
    assert pace_status(41, 40, 90 / 365) == "over_max"  # more than the maximum already
    assert pace_status(40, 40, 1.0) == "on_course"  # at the year end, exactly the maximum
    assert pace_status(3, None, 0.5) == "no_max"


def test_handling_pace_year_to_date() -> None:
    rows = frame(
        [("A", "handling", f"2025-01-{d:02d}") for d in range(2, 11)]  # A: 9 in Q1
        + [
            ("A", "handling", "2024-12-30"),
            ("A", "handling", "2025-04-01"),  # outside the YTD
            ("A", "decision", "2025-02-01"),
        ]  # not a handling complaint
        + [("B", "handling", f"2025-02-{d:02d}") for d in range(1, 11)]  # B: 10
        + [("C", "handling", f"2025-03-{d:02d}") for d in range(1, 12)]  # C: 11
        + [("D", "handling", "2025-03-01")] * 2  # D: 2, no maximum
    )
    maxima = {"A": {2025: 40}, "B": {2025: 40}, "C": {2025: 10}, "E": {2024: 5}}
    ytd, out = handling_pace(rows, ["A", "B", "C", "D"], maxima, Q1.end)
    assert (ytd.year, ytd.elapsed_days, ytd.days_in_year) == (2025, 90, 365)
    got = out.set_index("unit_code")
    assert got["received"].to_dict() == {"A": 9, "B": 10, "C": 11, "D": 2, "E": 0}
    # A: expected 40 x 90/365 = 9.863; projected 9 x 365/90 = 36.5 -> on course.
    assert got.loc["A", "expected_so_far"] == pytest.approx(40 * 90 / 365)
    assert got.loc["A", "projected"] == pytest.approx(36.5)
    # B: projected 10 x 365/90 = 40.56 > 40 -> off course; C: 11 > 10 -> over the maximum.
    # D has no maximum; E has one only for 2024 (and is shown, though not in the units list).
    assert got["status"].to_dict() == {
        "A": "on_course",
        "B": "off_course",
        "C": "over_max",
        "D": "no_max",
        "E": "no_max",
    }
    assert pd.isna(got.loc["D", "max"]) and pd.isna(got.loc["E", "expected_so_far"])


def test_leap_year_elapsed_days() -> None:
    # 2024-03-01 is day 31 + 29 + 1 = 61 of 366.
    ytd, out = handling_pace(
        frame([("A", "handling", "2024-02-29")]), ["A"], {"A": {2024: 6}}, dt.date(2024, 3, 1)
    )
    assert (ytd.elapsed_days, ytd.days_in_year) == (61, 366)
    assert out["projected"].iloc[0] == pytest.approx(366 / 61)  # = 6.0 -> on course (<= 6)
    assert out["status"].iloc[0] == "on_course"


def test_case_area_of_a_complaint() -> None:
    day = lambda text: pd.Timestamp(text) if text else pd.NaT  # noqa: E731
    decisions = pd.DataFrame(
        {
            "case_id": ["K1", "K1", "K2", "K3"],
            "case_area_code": ["REVA", "FLEKS", "KH-ANS", "FOEP"],
            "decided_date": pd.Series(
                [day("2025-01-10"), day("2025-03-01"), day(None), day("2025-05-01")]
            ).astype("datetime64[s]"),
        }
    )
    complaints = pd.DataFrame(
        {
            "case_id": ["K1", "K1", "K1", "K2", "K4", "K3", None],
            "received_date": pd.Series(
                [
                    day("2025-02-01"),
                    day("2025-03-01"),
                    day("2025-01-05"),
                    day("2025-01-05"),
                    day("2025-01-05"),
                    day("2025-06-01"),
                    day("2025-01-05"),
                ]
            )
            .astype("datetime64[s]")
            .to_numpy(),
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    areas = complaint_case_areas(complaints, decisions)
    assert areas.to_dict() == {
        10: "REVA",  # latest decision on or before 02-01 is REVA (01-10)
        11: "FLEKS",  # decided the same day the complaint came: on or before
        12: "REVA",  # no decision before 01-05: the case's first later one
        13: "KH-ANS",  # the case's only decision is open: still its area
        14: None,  # no decision with this case number
        15: "FOEP",
        16: None,  # no case number
    }


# --- through the pipeline: which complaints and decisions are counted -----------------------


def decision(i: int, case: str, unit: str, area: str, received: str, decided: str | None) -> dict[str, Any]:
    return {
        "decision_id": i,
        "case_id": case,
        "citizen_ref": "010190-1234",
        "unit_code": unit,
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
    }


DECISIONS = [
    decision(1, "C1", "JC-NORD", "REVA", "2024-11-01", "2025-01-10"),
    decision(2, "C2", "JC-NORD", "FLEKS", "2024-12-01", "2025-02-01"),
    decision(3, "C3", "JC-NORD", "KH-ANS", "2025-01-02", "2025-01-10"),
    decision(4, "C4", "JC-NORD", "KH-ANS", "2025-01-02", "2025-01-10"),
    decision(5, "C5", "JC-SYD", "KH-ANS", "2025-01-02", "2025-01-10"),
    decision(6, "C6", "JC-SYD", "KH-ANS", "2025-01-02", "2025-01-10"),
    decision(7, "C7", "YS", "SHY-ANS", "2024-05-01", "2024-06-01"),  # decided before Q1
]

_ids = iter(range(1, 1000))


def complaint(unit: str, kind: str, received: str, case: str, cid: int | None = None) -> dict[str, Any]:
    return {
        "complaint_id": cid or 100 + next(_ids),
        "case_id": case,
        "citizen_ref": "010190-1234",
        "unit_code": unit,
        "complaint_kind": kind,
        "via_ombudsman": 0,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": received,
    }


COMPLAINTS = (
    # JC-NORD: 9 handling + 2 decision complaints received in Q1.
    [complaint("JC-NORD", "handling", f"2025-01-{d:02d}", "C1") for d in (13, 14, 15)]
    + [complaint("JC-NORD", "handling", f"2025-02-{d:02d}", "C2") for d in (3, 4)]
    + [complaint("JC-NORD", "handling", "2025-03-03", "C3")]
    + [complaint("JC-NORD", "handling", f"2025-03-{d:02d}", f"N-NONE-{d}") for d in (5, 6, 7)]
    + [complaint("JC-NORD", "decision", f"2025-03-{d:02d}", f"N-NONE-{d}") for d in (10, 11)]
    # Not counted: received before the year or after Q1, a duplicated id, an unknown unit.
    + [
        complaint("JC-NORD", "handling", "2024-12-30", "C1"),
        complaint("JC-NORD", "handling", "2025-04-01", "C1"),
        complaint("JC-NORD", "handling", "2025-02-10", "C1", cid=999),
        complaint("JC-NORD", "handling", "2025-02-11", "C1", cid=999),
        complaint("JC-VEST", "handling", "2025-02-11", "C1"),
    ]
    # JC-SYD: 11 handling complaints, all on case C5.
    + [complaint("JC-SYD", "handling", f"2025-02-{d:02d}", "C5") for d in range(1, 12)]
    # YS: 2 handling complaints on case C7 (decided in 2024, no decision in Q1).
    + [complaint("YS", "handling", "2025-03-20", "C7"), complaint("YS", "handling", "2025-03-21", "C7")]
)
MAXIMA = {"JC-NORD": {2025: 40}, "JC-SYD": {2025: 10}, "JC-VEST": {2025: 5}}


@pytest.fixture
def ctx_sections(
    make_db: Callable[..., str], make_config: Callable[..., Path]
) -> tuple[dict[str, Any], dict[str, Any]]:
    config = make_config(copy_repo=True, name="contract")
    (config / "targets.yaml").write_text(
        "handling_complaints_max:\n"
        + "".join(
            f"  {unit}: {{{year}: {value}}}\n"
            for unit, years in MAXIMA.items()
            for year, value in years.items()
        ),
        encoding="utf-8",
    )
    ctx = build_context(make_db(decisions=DECISIONS, complaints=COMPLAINTS), config, Q1)
    contract, per_1000 = contract_section(ctx.contract), per_1000_section(ctx.contract)
    assert contract is not None and per_1000 is not None
    return contract, per_1000


def test_contract_section(ctx_sections: tuple[dict[str, Any], dict[str, Any]]) -> None:
    contract, _ = ctx_sections
    assert {k: contract[k] for k in ("year", "from", "to", "elapsed_days", "days_in_year")} == {
        "year": 2025,
        "from": "2025-01-01",
        "to": "2025-03-31",
        "elapsed_days": 90,
        "days_in_year": 365,
    }
    rows = {r["unit_code"]: r for r in contract["handling_complaints"]}
    # JC-NORD: 9 handling complaints in Q1 (the decision complaints, the one from 2024, the
    # one from April, the duplicated pair and JC-VEST's row with an unknown unit do not count).
    # Projected 9 x 365/90 = 36.5 <= 40: on course.
    assert rows["JC-NORD"] == {
        "unit_code": "JC-NORD",
        "received": 9,
        "max": 40,
        "expected_so_far": pytest.approx(40 * 90 / 365),
        "projected": pytest.approx(36.5),
        "status": "on_course",
    }
    assert (rows["JC-SYD"]["received"], rows["JC-SYD"]["status"]) == (11, "over_max")
    assert (rows["YS"]["received"], rows["YS"]["max"], rows["YS"]["status"]) == (2, None, "no_max")
    # JC-VEST has a maximum but is not in units: shown with 0 received.
    assert (rows["JC-VEST"]["received"], rows["JC-VEST"]["status"]) == (0, "on_course")


def test_complaints_per_1000(ctx_sections: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, per_1000 = ctx_sections
    # Received in Q1 and countable: JC-NORD 11, JC-SYD 11, YS 2 = 24. Decisions measured in Q1:
    # JC-NORD 4, JC-SYD 2 (C7 was decided in 2024) = 6 -> 24 / 6 x 1000 = 4000.
    assert per_1000["total"] == {"complaints": 24, "decisions": 6, "per_1000": pytest.approx(4000)}
    units = {r["unit_code"]: (r["complaints"], r["decisions"], r["per_1000"]) for r in per_1000["by_unit"]}
    assert units == {
        "JC-NORD": (11, 4, pytest.approx(2750)),
        "JC-SYD": (11, 2, pytest.approx(5500)),
        "YS": (2, 0, None),
    }
    areas = {
        r["case_area_code"]: (r["complaints"], r["decisions"], r["per_1000"]) for r in per_1000["by_area"]
    }
    # C1 -> REVA (3), C2 -> FLEKS (2), C3 and C5 -> KH-ANS (1 + 11 = 12 of 4 decisions),
    # C7 -> SHY-ANS (decided in 2024, none in Q1), N-NONE-* -> unknown (5).
    assert areas == {
        "REVA": (3, 1, pytest.approx(3000)),
        "FLEKS": (2, 1, pytest.approx(2000)),
        "KH-ANS": (12, 4, pytest.approx(3000)),
        "SHY-ANS": (2, 0, None),
        None: (5, 0, None),
    }


def test_case_areas_read_only_for_complaints_received_in_the_periods_measured(
    make_db: Callable[..., str],
) -> None:
    # queries/complaint_case_areas.sql reads the decisions of the cases of the complaints
    # received in the periods a run measures, not of every complaint the table has kept
    from sagstid.source.db import connect
    from sagstid.source.extract import extract_complaint_case_areas

    def decision(i: int, case: str) -> dict[str, object]:
        return {
            "decision_id": i,
            "case_id": case,
            "citizen_ref": "x",
            "unit_code": "JC-NORD",
            "case_area_code": "KH-ANS",
            "received_date": "2015-01-01",
            "decided_date": "2015-02-01",  # long decided: what counts is the complaint's receipt
        }

    complaints = [
        complaint("JC-NORD", "handling", "2015-06-01", "OLD"),  # years before the periods
        complaint("JC-NORD", "handling", "2024-01-01", "FIRST"),  # the first day
        complaint("JC-NORD", "handling", "2025-12-31 10:15", "LAST"),  # the last day, a time after it
        complaint("JC-NORD", "handling", "2026-01-01", "AFTER"),  # the day after
        complaint("JC-NORD", "handling", None, "NONE"),  # no receipt: no case area wanted
    ]
    cases = ["OLD", "FIRST", "LAST", "AFTER", "NONE", "NO-COMPLAINT"]
    url = make_db(decisions=[decision(i, c) for i, c in enumerate(cases, 1)], complaints=complaints)
    engine = connect(url)
    try:
        read = extract_complaint_case_areas(engine, dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    finally:
        engine.dispose()
    assert sorted(read["case_id"]) == ["FIRST", "LAST"]
