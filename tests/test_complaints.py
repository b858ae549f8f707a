"""Complaint deadlines, on-time, exclusions, medhold and appeal rates (docs/contract.md §3.4).

Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sagstid.periods import Period
from sagstid.pipeline import build_context
from sagstid.report.results_json import complaints_section


def complaint(
    cid: int, unit: str, kind: str, received: str | None, answered: str | None, **extra: Any
) -> dict[str, Any]:
    row = {
        "complaint_id": cid,
        "case_id": f"K-{cid}",
        "citizen_ref": "010190-1234",
        "unit_code": unit,
        "complaint_kind": kind,
        "via_ombudsman": 0,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": received,
        "answered_date": answered,
    }
    row.update(extra)
    return row


FIVE_DAY = {"insured_unemployed": 1, "five_day_rule": 1}
COMPLAINTS = [
    # 5 working days from Fri 2025-04-11: 14, 15, 16 Apr, (17 Skærtorsdag, 18 Langfredag,
    # 21 2. påskedag), 22, 23 -> D = 2025-04-23.
    complaint(
        1, "JC-NORD", "decision", "2025-04-11", "2025-04-23", outcome="upheld", **FIVE_DAY
    ),  # on time, 12 d
    complaint(
        2, "JC-NORD", "decision", "2025-04-11", "2025-04-24", outcome="upheld", **FIVE_DAY
    ),  # late, 13 d
    # Not upheld, so the 5-day rule does not apply: 4 weeks -> D = 2025-05-09.
    complaint(
        3, "JC-NORD", "decision", "2025-04-11", "2025-05-09", outcome="partial", **FIVE_DAY
    ),  # on time, 28 d
    # Borgerrådgiveren: 3 weeks from 2025-03-03 -> D = 2025-03-24; answered a day late but
    # notified on D -> on time by notice.
    complaint(
        4,
        "YS",
        "handling",
        "2025-03-03",
        "2025-03-25",
        via_ombudsman=1,
        outcome="full",
        delay_notice_date="2025-03-24",
    ),  # on time, 22 d
    # Borgerrådgiveren set its own deadline 2025-03-10: it overrides the 3 weeks.
    complaint(
        5,
        "YS",
        "handling",
        "2025-03-03",
        "2025-03-12",
        via_ombudsman=1,
        outcome="upheld",
        deadline_date="2025-03-10",
    ),  # late, 9 d
    # Handling complaint, internal 4 weeks: 2025-06-02 -> D = 2025-06-30.
    complaint(6, "YS", "handling", "2025-06-02", "2025-06-30", outcome="rejected"),  # on time, 28 d
    # Decision complaint, 4 weeks: D = 2025-06-30; the notice came after D: not on time.
    complaint(
        7,
        "YS",
        "decision",
        "2025-06-02",
        "2025-07-01",
        outcome="upheld",
        delay_notice_date="2025-07-01",
        forwarded_date="2025-07-03",
        appeal_outcome="confirmed",
        appeal_decided_date="2025-10-01",
    ),  # late, 29 d
    complaint(
        8,
        "YS",
        "decision",
        "2025-01-06",
        "2025-01-20",
        outcome="upheld",
        appeal_outcome="changed",
        appeal_decided_date="2025-09-01",
    ),  # duplicate id
    complaint(8, "YS", "decision", "2025-01-06", "2025-01-21", outcome="upheld"),  # duplicate id
    complaint(9, "YS", "decision", "2025-01-06", "2025-02-30"),  # unreadable answered_date
    complaint(10, "YS", "decision", None, "2025-05-01"),  # missing received
    complaint(11, "YS", "decision", "2025-05-10", "2025-05-01"),  # answered before received
    complaint(12, "JC-GAMMEL", "decision", "2025-05-01", "2025-05-10"),  # unknown unit
    complaint(13, "YS", "andet", "2025-05-01", "2025-05-10"),  # invalid kind
    complaint(14, "YS", "handling", "2025-11-01", None),  # open
    # Answered in 2024 (out of period for 2025) but its appeal was decided in 2025.
    complaint(
        15,
        "YS",
        "handling",
        "2024-11-10",
        "2024-12-01",
        outcome="full",
        appeal_outcome="remitted",
        appeal_decided_date="2025-02-01",
    ),
    complaint(
        16,
        "YS",
        "decision",
        "2024-10-01",
        "2024-11-01",
        outcome="upheld",
        appeal_outcome="annulled",
        appeal_decided_date="2024-12-15",
    ),
]


@pytest.fixture
def db(make_db: Callable[..., str]) -> str:
    return make_db(complaints=COMPLAINTS)


def test_complaints_2025(db: str, config_dir: Path) -> None:
    section = complaints_section(build_context(db, config_dir, Period.year(2025)).complaints)
    assert section is not None
    total = section["total"]
    # Measured: complaints 1-7; on time: 1, 3, 4 (by notice), 6 -> 4 of 7.
    assert (total["complaints"], total["on_time"]) == (7, 4)
    assert total["compliance_pct"] == pytest.approx(100 * 4 / 7)
    # Days 12, 13, 28, 22, 9, 28, 29: mean 141/7, median 22.
    assert total["mean_days"] == pytest.approx(141 / 7)
    assert total["median_days"] == 22
    by_unit = {u["unit_code"]: (u["complaints"], u["on_time"]) for u in section["by_unit"]}
    assert by_unit == {"JC-NORD": (3, 2), "YS": (4, 2)}
    assert section["excluded"] == {
        "duplicate_id": 2,
        "invalid_date": 1,
        "missing_received": 1,
        "answered_before_received": 1,
        "unknown_unit": 1,
        "invalid_kind": 1,
        "invalid_flag": 0,  # every flag here is 0, 1 or NULL
    }
    assert section["rows"] == {"measured": 7, "excluded": 7, "open": 1, "out_of_period": 2}
    # Outcomes of the measured: full 1 (4), partial 1 (3), upheld 4 (1, 2, 5, 7), rejected 1
    # (6, not in the denominator) -> 2 / 6.
    assert section["medhold_pct"] == pytest.approx(100 * 2 / 6)
    # Appeals decided in 2025: 7 confirmed, 15 remitted (answered in 2024, counted by its appeal
    # date); 8's 'changed' is left out as a duplicate id -> 1 / 2.
    assert section["appeals"] == {"confirmed": 1, "changed": 0, "remitted": 1, "annulled": 0, "rejected": 0}
    assert section["appeal_confirmed_pct"] == 50.0


def test_complaints_2024_and_unreadable_date_in_every_period(db: str, config_dir: Path) -> None:
    section = complaints_section(build_context(db, config_dir, Period.year(2024)).complaints)
    assert section is not None
    # 15: handling, 4 weeks from 2024-11-10 -> D 2024-12-08, answered 12-01: on time.
    # 16: decision, 4 weeks from 2024-10-01 -> D 2024-10-29, answered 11-01: late.
    assert (section["total"]["complaints"], section["total"]["on_time"]) == (2, 1)
    # Complaint 9's answered date cannot be read: it is excluded in 2024 as in 2025.
    assert section["excluded"]["invalid_date"] == 1
    assert section["excluded"]["duplicate_id"] == 0  # 8's copies were answered in 2025
    # Only 16's appeal (annulled) was decided in 2024 -> 0 of 1 confirmed.
    assert section["appeal_confirmed_pct"] == 0.0


def test_complaint_deadline_lengths_come_from_configuration(
    db: str, make_config: Callable[..., Path]
) -> None:
    config = make_config(copy_repo=True, name="longer")
    (config / "complaints.yaml").write_text("ombudsman_weeks: 4\nfive_day_working_days: 6\n")
    section = complaints_section(build_context(db, config, Period.year(2025)).complaints)
    assert section is not None
    # Complaint 2 now has 6 working days: D = 2025-04-24 -> on time. Complaint 4 (4 weeks, D
    # 2025-03-31) is on time by answer. Complaint 5 keeps its own deadline -> still late.
    assert section["total"]["on_time"] == 5
