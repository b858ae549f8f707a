"""Types from real schemas (docs/contract.md §1.1), each through a real run on SQLite:

* integer unit codes, case area codes and case ids (SQL Server ``int`` columns) are read as
  text: unit 101 is '101' everywhere, area 17 matches ``area: 17`` in deadlines.yaml;
* codes padded with spaces (``CHAR`` columns: 'JC-NORD  ', 'A     ') match their unit and
  catalogue entry, and the padding is counted per column in results.json and on Datakvalitet;
* one rule for every 0/1 column: 1/0, true/false, ja/nej, j/n, yes/no, y/n (any case, spaces
  around allowed) are read; anything else is excluded by name (complaints ``invalid_flag``,
  audit ``invalid_value``), never read as 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from robust_run import Outcome, assert_no_traceback, run_cli

from sagstid.schema import SQLITE_DDL

DEADLINES = (
    "deadlines:\n"
    "  - {area: 17, name: Område 17, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
    "  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
)
# SQL Server style: codes and case ids are integer columns.
INTEGER_DDL = re.sub(r"\b(unit_code|case_area_code|case_id) TEXT", r"\1 INTEGER", SQLITE_DDL).replace(
    "unit_code INTEGER PRIMARY KEY", "unit_code INTEGER"
)


def _run(url: str, config: Path, tmp_path: Path) -> Outcome:
    outcome = run_cli(url, tmp_path / "out", "2024-01-01", "2024-12-31", config)
    assert outcome.exit_code == 0, outcome.stderr
    assert_no_traceback(outcome)
    return outcome


def _quality_rows(path: Path) -> list[tuple[Any, ...]]:
    """The data-notes table of a workbook's Datakvalitet sheet (Kildetabel, Kolonne, Note, Rækker)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)["Datakvalitet"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Kildetabel")
    return [tuple(r[:4]) for r in rows[start + 1 :] if r[0]]


def test_integer_codes_and_ids(
    make_db: Callable[..., str], make_config: Callable[..., Path], tmp_path: Path
) -> None:
    # D = received + 10 days: received 2024-03-01 -> D 2024-03-11.
    url = make_db(
        units=[(101, "Jobcenter Nord", "jobcenter"), (102, "Jobcenter Syd", "jobcenter")],
        decisions=[
            (1, 5001, "x", 101, 17, "2024-03-01", "2024-03-05", "2024-03-05", None),  # within
            (2, 5002, "x", 102, 17, "2024-03-01", "2024-03-20", "2024-03-20", None),  # exceeded
            (3, 5003, "x", 999, 17, "2024-03-01", "2024-03-05", None, None),  # unknown_unit
            (4, 5004, "x", 101, 18, "2024-03-01", "2024-03-05", None, None),  # no_deadline
        ],
        complaints=[
            {
                "complaint_id": 1,
                "case_id": 5002,
                "unit_code": 102,
                "complaint_kind": "decision",
                "received_date": "2024-04-01",
                "answered_date": "2024-04-10",
                "outcome": "upheld",
            }
        ],
        audit_samples=[(1, 5001, 101, "REVA", "2024-05-01", 1, 1, 1)],
        ddl=INTEGER_DDL,
    )
    outcome = _run(url, make_config(DEADLINES), tmp_path)
    results = outcome.results
    section = results["decisions"]
    assert section["rows"] == {"measured": 2, "excluded": 2, "open": 0, "out_of_period": 0}
    assert (section["excluded"]["unknown_unit"], section["excluded"]["no_deadline"]) == (1, 1)
    assert {u["unit_code"]: u["within_deadline"] for u in section["by_unit"]} == {"101": 1, "102": 0}
    assert [a["case_area_code"] for a in section["by_area"]] == ["17"]
    assert results["complaints"]["rows"]["measured"] == 1
    assert results["audit"]["rows"]["measured"] == 1
    # complaint 1's case 5002 is a decision of area 17: per 1,000 decisions by area finds it
    per_area = {a["case_area_code"]: a for a in results["complaints_per_1000"]["by_area"]}
    assert per_area["17"]["complaints"] == 1
    assert sorted(p.name for p in outcome.out.glob("enhed-*.xlsx")) == ["enhed-101.xlsx", "enhed-102.xlsx"]


def test_padded_codes_match_and_are_counted(
    make_db: Callable[..., str], make_config: Callable[..., Path], tmp_path: Path
) -> None:
    url = make_db(
        units=[("JC-NORD  ", "Jobcenter Nord", "jobcenter"), ("JC-SYD", "Jobcenter Syd", "jobcenter")],
        decisions=[
            (1, "S-1", "x", "JC-NORD  ", "A     ", "2024-03-01", "2024-03-05", None, None),  # both padded
            (2, "S-2", "x", "JC-NORD", "A     ", "2024-03-01", "2024-03-05", None, None),  # area padded
            (3, "S-3", "x", " JC-SYD", "A", "2024-03-01", "2024-03-20", None, None),  # unit padded
            (4, "S-4", "x", "JC-SYD", "A", "2024-03-01", "2024-03-05", None, None),  # none
            (5, "S-5", "x", "JC-SYD", "A", "2024-03-01", None, None, None),  # open, none
        ],
        complaints=[
            {
                "complaint_id": 1,
                "case_id": "S-3",
                "unit_code": "JC-SYD   ",
                "complaint_kind": "decision  ",  # CHAR(10)
                "received_date": "2024-04-01",
                "answered_date": "2024-04-10",
                "outcome": "full  ",  # CHAR(6): counts as medhold
            }
        ],
        audit_samples=[(1, "S-1", "JC-NORD ", "REVA  ", "2024-05-01", 1, 1, 1)],
    )
    outcome = _run(url, make_config(DEADLINES), tmp_path)
    results = outcome.results
    section = results["decisions"]
    # every decided row matches its unit and catalogue entry: 4 measured, 1 open, nothing excluded
    assert section["rows"] == {"measured": 4, "excluded": 0, "open": 1, "out_of_period": 0}
    assert {u["unit_code"]: u["decisions"] for u in section["by_unit"]} == {"JC-NORD": 2, "JC-SYD": 2}
    assert section["padded_codes"] == {"unit_code": 2, "case_area_code": 2}
    assert results["complaints"]["rows"]["measured"] == 1
    assert results["complaints"]["padded_codes"] == {
        "unit_code": 1,
        "complaint_kind": 1,
        "outcome": 1,
        "appeal_outcome": 0,
    }
    assert results["complaints"]["total"]["medhold_pct"] == 100.0
    assert results["audit"]["rows"]["measured"] == 1
    assert results["audit"]["padded_codes"] == {"unit_code": 1, "case_area_code": 1}
    # the open decision 5 is read again by the snapshot: not padded
    assert results["open_cases"]["decisions"]["padded_codes"] == {"unit_code": 0, "case_area_code": 0}

    # the committee is told the counts per unit; the notes naming source tables and columns
    # are for the units' workbooks (docs/design-workbooks.md), and results.json has them all
    committee = openpyxl.load_workbook(outcome.out / "udvalg.xlsx", read_only=True)["Datakvalitet"]
    texts = [str(v) for r in committee.iter_rows(values_only=True) for v in r if v is not None]
    assert not any(t == "Kildetabel" or "(decisions)" in t for t in texts)
    # the unit's own decisions: JC-NORD has rows 1 (both padded) and 2 (area padded)
    nord = _quality_rows(outcome.out / "enhed-JC-NORD.xlsx")
    assert ("Afgørelser (decisions)", "unit_code", "Kode med mellemrum", 1) in nord
    assert ("Afgørelser (decisions)", "case_area_code", "Kode med mellemrum", 2) in nord


YES = ["ja", "JA", " j ", "true", "Yes", "y", 1]
NO = ["nej", "N", "False", "no", "0", 0, None]  # NULL is no in complaints (docs/contract.md §1.1)
NEITHER = ["maybe", 2, "", "1.5"]


def test_one_rule_for_every_yes_no_column(
    make_db: Callable[..., str], make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """Handling complaints received Fri 2024-03-01, answered Tue 2024-03-26 (25 days later):
    through Borgerrådgiveren (3 weeks, D 03-22) late, otherwise (4 weeks, D 03-29) on time."""

    def complaint(i: int, via: Any, answered: str | None = "2024-03-26") -> dict[str, Any]:
        return {
            "complaint_id": i,
            "case_id": f"K-{i}",
            "unit_code": "JC-NORD",
            "complaint_kind": "handling",
            "via_ombudsman": via,
            "received_date": "2024-03-01",
            "answered_date": answered,
            "outcome": "upheld" if answered else None,
        }

    values = YES + NO + NEITHER
    complaints = [complaint(i, v) for i, v in enumerate(values, start=1)]
    complaints.append(complaint(100, "måske", answered=None))  # open, with a flag that is neither
    complaints.append(complaint(101, "ja", answered=None))  # open, through Borgerrådgiveren
    samples = [
        (1, "A-1", "JC-NORD", "REVA", "2024-05-01", "ja", "Nej", " y "),  # 1, 0, 1
        (2, "A-2", "JC-NORD", "REVA", "2024-05-01", "x", 1, 1),  # invalid_value
        (3, "A-3", "JC-NORD", "REVA", "2024-05-01", 1, None, 1),  # invalid_value: NULL is no answer
    ]
    outcome = _run(make_db(complaints=complaints, audit_samples=samples), make_config(DEADLINES), tmp_path)
    results = outcome.results
    section = results["complaints"]
    # measured: the 7 yes (late) and 7 no (on time); excluded: the 4 that are neither; open 2
    assert section["rows"] == {"measured": 14, "excluded": 4, "open": 2, "out_of_period": 0}
    assert sum(section["rows"].values()) == len(complaints)
    assert section["excluded"]["invalid_flag"] == 4
    assert (section["total"]["complaints"], section["total"]["on_time"]) == (14, 7)
    open_complaints = results["open_cases"]["complaints"]
    assert open_complaints["rows"] == {"open": 1, "excluded": 1, "not_received": 0, "closed": 0}
    assert open_complaints["excluded"]["invalid_flag"] == 1

    audit = results["audit"]
    assert audit["rows"] == {"measured": 1, "excluded": 2, "out_of_period": 0}
    assert audit["excluded"]["invalid_value"] == 2
    total = audit["total"]
    assert (total["resource_profile"], total["citizen_involved"], total["deadline_met_or_notified"]) == (
        1,
        0,
        1,
    )
