"""Work-capacity audit shares, their exclusions, and the all-decisions deadline figure beside
them. Every expected figure is worked out by hand in the comments.

The shipped config is used: REVA and FLEKS have 3 months, FOEP 6 months.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sagstid.periods import Period
from sagstid.pipeline import build_context
from sagstid.report.results_json import audit_section


def sample(
    sid: int, unit: str, area: str, day: str | None, rp: Any = 1, ci: Any = 1, dm: Any = 1
) -> tuple[Any, ...]:
    return (sid, f"A-{sid}", unit, area, day, rp, ci, dm)


SAMPLES = [
    sample(1, "JC-NORD", "REVA", "2025-02-01", 1, 1, 1),
    sample(2, "JC-NORD", "REVA", "2025-03-01", 1, 0, 1),
    sample(3, "JC-NORD", "FLEKS", "2025-04-01", 0, 1, 1),
    sample(4, "JC-NORD", "FLEKS", "2025-05-01", 1, 1, 0),
    sample(5, "JC-SYD", "FOEP", "2025-06-01", 1, 1, 1),
    sample(6, "JC-NORD", "REVA", "2025-06-02"),  # duplicate_id
    sample(6, "JC-SYD", "REVA", "2025-06-03"),  # duplicate_id
    sample(7, "JC-NORD", "REVA", "2025-02-30"),  # invalid_date (in every period)
    sample(8, "JC-NORD", "REVA", None),  # missing_date (in every period)
    sample(9, "JC-XX", "REVA", "2025-01-10"),  # unknown_unit
    sample(10, "JC-NORD", "KH-ANS", "2025-01-10"),  # other_area
    sample(11, "JC-NORD", "REVA", "2025-01-10", rp=2),  # invalid_value
    sample(12, "JC-NORD", "REVA", "2025-01-10", ci=None),  # invalid_value
    sample(13, "JC-NORD", "REVA", "2024-12-31", 1, 1, 1),  # measured in 2024 only
]


def decision(
    i: int, unit: str, area: str, received: str, decided: str, notice: str | None = None
) -> dict[str, Any]:
    return {
        "decision_id": i,
        "case_id": f"D-{i}",
        "citizen_ref": "010190-1234",
        "unit_code": unit,
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
        "delay_notice_date": notice,
    }


DECISIONS = [
    # REVA from 2025-01-15: D = 2025-04-15. Decided 03-01: within -> kept.
    decision(1, "JC-NORD", "REVA", "2025-01-15", "2025-03-01"),
    # Decided 05-01: exceeded; notice 04-10 <= D: exceeded and notified -> kept.
    decision(2, "JC-NORD", "REVA", "2025-01-15", "2025-05-01", "2025-04-10"),
    # FLEKS from 2025-01-31: D = 2025-04-30 (no 31 April). Decided 05-15, notice 05-01 > D -> not kept.
    decision(3, "JC-NORD", "FLEKS", "2025-01-31", "2025-05-15", "2025-05-01"),
    # Not an audited area: not in the comparison.
    decision(4, "JC-NORD", "KH-ANS", "2025-03-01", "2025-03-05"),
    # FOEP from 2025-01-01: D = 2025-07-01; decided 02-01 -> kept. YS has no samples.
    decision(5, "YS", "FOEP", "2025-01-01", "2025-02-01"),
]


@pytest.fixture
def db(make_db: Callable[..., str]) -> str:
    return make_db(decisions=DECISIONS, audit_samples=SAMPLES)


def section(db: str, config_dir: Path, year: int) -> dict[str, Any]:
    result = audit_section(build_context(db, config_dir, Period.year(year)).audit)
    assert result is not None
    return result


def test_audit_shares_2025(db: str, config_dir: Path) -> None:
    s = section(db, config_dir, 2025)
    assert s["rows"] == {"measured": 5, "excluded": 8, "out_of_period": 1}
    assert s["excluded"] == {
        "duplicate_id": 2,
        "invalid_date": 1,
        "missing_date": 1,
        "unknown_unit": 1,
        "other_area": 1,
        "invalid_value": 2,
    }
    total = s["total"]
    # Samples 1-5: resource profile 4 of 5 (3 lacks it), citizen 4 of 5 (2), deadline 4 of 5 (4).
    assert (
        total["samples"],
        total["resource_profile"],
        total["citizen_involved"],
        total["deadline_met_or_notified"],
    ) == (5, 4, 4, 4)
    assert total["resource_profile_pct"] == pytest.approx(80.0)
    # All decisions in REVA/FLEKS/FOEP: 1, 2, 3, 5; kept 1 (within), 2 (notified), 5 -> 3 of 4.
    assert (total["decisions"], total["decisions_kept"]) == (4, 3)
    assert total["decisions_kept_pct"] == pytest.approx(75.0)

    units = {u["unit_code"]: u for u in s["by_unit"]}
    assert set(units) == {"JC-NORD", "JC-SYD", "YS"}
    nord = units["JC-NORD"]
    # JC-NORD samples 1-4: 3/4 on each measure; decisions 1, 2, 3: kept 2 of 3.
    assert [
        nord[f"{m}_pct"] for m in ("resource_profile", "citizen_involved", "deadline_met_or_notified")
    ] == [75.0, 75.0, 75.0]
    assert nord["decisions_kept_pct"] == pytest.approx(200 / 3)
    assert (
        units["JC-SYD"]["samples"],
        units["JC-SYD"]["decisions"],
        units["JC-SYD"]["decisions_kept_pct"],
    ) == (1, 0, None)
    # YS: no samples (shares null) but one FOEP decision, kept.
    assert (
        units["YS"]["samples"],
        units["YS"]["resource_profile_pct"],
        units["YS"]["decisions_kept_pct"],
    ) == (0, None, 100.0)

    areas = {a["case_area_code"]: a for a in s["by_area"]}
    # REVA samples 1, 2: profile 2/2, citizen 1/2, deadline 2/2; decisions 1, 2: 2/2.
    assert (
        areas["REVA"]["resource_profile_pct"],
        areas["REVA"]["citizen_involved_pct"],
        areas["REVA"]["deadline_met_or_notified_pct"],
        areas["REVA"]["decisions_kept_pct"],
    ) == (100.0, 50.0, 100.0, 100.0)
    # FLEKS samples 3, 4: 1/2, 2/2, 1/2; decision 3 not kept: 0/1.
    assert (
        areas["FLEKS"]["resource_profile_pct"],
        areas["FLEKS"]["citizen_involved_pct"],
        areas["FLEKS"]["deadline_met_or_notified_pct"],
        areas["FLEKS"]["decisions_kept_pct"],
    ) == (50.0, 100.0, 50.0, 0.0)
    assert (areas["FOEP"]["samples"], areas["FOEP"]["decisions_kept_pct"]) == (1, 100.0)


def test_audit_2024_counts_unplaceable_dates_again(db: str, config_dir: Path) -> None:
    s = section(db, config_dir, 2024)
    # Only sample 13 is audited in 2024; 7 (unreadable date) and 8 (no date) are excluded in
    # every period; the duplicated 6s are dated 2025: out of period here.
    assert s["rows"] == {"measured": 1, "excluded": 2, "out_of_period": 11}
    assert s["excluded"]["invalid_date"] == 1 and s["excluded"]["missing_date"] == 1
    assert s["excluded"]["duplicate_id"] == 0
    assert s["total"]["samples"] == 1 and s["total"]["resource_profile_pct"] == 100.0
    # No audited-area decision in 2024.
    assert (s["total"]["decisions"], s["total"]["decisions_kept_pct"]) == (0, None)
