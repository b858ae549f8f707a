"""Revisions between runs, ``sagstid diff`` and ``--unit`` (docs/operations.md), driven through
the command line against a real SQLite file and the shipped catalogue.

KH-ANS is 4 weeks for receipts up to 2024-06-30 and 3 weeks from 2024-07-01.

 id unit    received    decided     D (by hand)                      days  verdict   quarter
  1 JC-NORD 2024-08-01  2024-08-20  08-01 + 21 = 08-22               19    within    2024Q3
  2 JC-NORD 2024-08-01  2024-08-23  08-22                            22    exceeded  2024Q3
  3 JC-SYD  2024-04-02  2024-04-20  04-02 + 28 = 04-30               18    within    2024Q2
 registered late (after the first runs):
  4 JC-SYD  2024-04-02  2024-05-15  04-30                            43    exceeded  2024Q2
  5 JC-NORD 2024-08-05  2024-09-10  08-05 + 21 = 08-26               36    exceeded  2024Q3
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from sagstid.cli import cli

COLUMNS = ("decision_id", "case_id", "unit_code", "case_area_code", "received_date", "decided_date")
FIRST = [
    (1, "S-1", "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20"),
    (2, "S-2", "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-23"),
    (3, "S-3", "JC-SYD", "KH-ANS", "2024-04-02", "2024-04-20"),
]
LATE = [
    (4, "S-4", "JC-SYD", "KH-ANS", "2024-04-02", "2024-05-15"),
    (5, "S-5", "JC-NORD", "KH-ANS", "2024-08-05", "2024-09-10"),
]


@pytest.fixture
def db(make_db) -> str:
    return make_db(decisions=[dict(zip(COLUMNS, r, strict=True)) for r in FIRST])


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "root"
    monkeypatch.setenv("SAGSTID_OUT", str(path))
    return path


def register_late(db: str) -> None:
    with sqlite3.connect(db.removeprefix("sqlite:///")) as con:
        con.executemany(f"INSERT INTO decisions ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", LATE)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def quarterly(db: str, config_dir: Path, quarter: str, *extra: str) -> Any:
    return invoke(
        "quarterly", "--db", db, "--config", str(config_dir), "--quarter", quarter, "--workers", "1", *extra
    )


def results(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def run_id(folder: Path) -> str:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["run_id"]


def test_a_late_registered_decision_is_a_revision(db: str, config_dir: Path, root: Path) -> None:
    job = root / "quarterly"
    assert quarterly(db, config_dir, "2024Q2").exit_code == 0  # publishes Q2: decision 3
    assert quarterly(db, config_dir, "2024Q3").exit_code == 0  # publishes Q3: 1, 2
    run_q2, first_q3 = run_id(job / "2024Q2"), run_id(job / "2024Q3")
    assert results(job / "2024Q3")["revisions"] == []
    assert "Revisioner" not in openpyxl.load_workbook(job / "2024Q3" / "udvalg.xlsx").sheetnames
    # a re-run replaces the stamp's folder; keep a copy of the first Q3 run for sagstid diff
    kept = shutil.copytree(job / "2024Q3", root.parent / "first-q3")

    register_late(db)
    assert quarterly(db, config_dir, "2024Q3").exit_code == 0
    revisions = results(job / "2024Q3")["revisions"]
    changes = {
        (r["period"]["from"], r["group"], r["code"], r["figure"]): (r["before"], r["after"])
        for r in revisions
    }
    # Q3 against the first Q3 run: decisions 2 -> 3 (row 5), within 1 -> 1 (unchanged),
    # 50 % -> 33.3 %, exceeded 1 -> 2, no notices (notice_pct 0 % -> 0 %: unchanged),
    # days 19, 22 -> 19, 22, 36: mean 20.5 -> 25.67, median 20.5 -> 22.
    q3 = {
        "decisions": (2, 3),
        "compliance_pct": (50.0, pytest.approx(100 / 3)),
        "exceeded": (1, 2),
        "mean_days": (20.5, pytest.approx(77 / 3)),
        "median_days": (20.5, 22.0),
    }
    # Q2, this run's comparison period, against the Q2 run: row 4 adds a late decision:
    # 1 -> 2 decisions, 100 % -> 50 %, exceeded 0 -> 1, notice share none -> 0 %,
    # days 18 -> 18, 43: mean and median 18 -> 30.5.
    q2 = {
        "decisions": (1, 2),
        "compliance_pct": (100.0, 50.0),
        "exceeded": (0, 1),
        "notice_pct": (None, 0.0),
        "mean_days": (18.0, 30.5),
        "median_days": (18.0, 30.5),
    }
    expected = {}
    for start, figures, unit in (("2024-07-01", q3, "JC-NORD"), ("2024-04-01", q2, "JC-SYD")):
        for group, code in (("total", None), ("unit", unit), ("area", "KH-ANS")):
            for figure, change in figures.items():
                expected[start, group, code, figure] = change
    assert changes == expected
    by = {r["period"]["from"]: r["published_by"]["run_id"] for r in revisions}
    assert by == {"2024-07-01": first_q3, "2024-04-01": run_q2}
    sheet = openpyxl.load_workbook(job / "2024Q3" / "udvalg.xlsx")["Revisioner"]
    text = [[c.value for c in row] for row in sheet.iter_rows()]
    assert text[4][:4] == ["2024-07-01 - 2024-09-30", "Afgørelser, i alt: antal", "2", "3"]
    assert any(
        row[1] == "Afgørelser, i alt: overholdelse %" and row[2:4] == ["100,00", "50,00"] for row in text
    )

    # A re-run on unchanged data finds the same revisions and writes the same bytes.
    before = {name: (job / "2024Q3" / name).read_bytes() for name in ("results.json", "udvalg.xlsx")}
    second_q3 = run_id(job / "2024Q3")
    assert quarterly(db, config_dir, "2024Q3").exit_code == 0
    after = {name: (job / "2024Q3" / name).read_bytes() for name in ("results.json", "udvalg.xlsx")}
    assert after == before

    # sagstid diff between the first Q3 run (a folder) and the latest (by run id): a table.
    third_q3 = run_id(job / "2024Q3")
    assert second_q3 != third_q3
    result = invoke("diff", str(kept), third_q3)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[2].split() == ["Tal", "A", "B"]
    assert any(line.split() == ["Afgørelser,", "i", "alt:", "antal", "2", "3"] for line in lines)
    assert lines[-1] == "15 tal er forskellige."  # 5 figures x (total, JC-NORD, KH-ANS)
    # the same run against itself, by folder: no difference, still exit 0
    same = invoke("diff", str(job / "2024Q3"), third_q3)
    assert same.exit_code == 0 and same.output.splitlines()[-1] == "Ingen forskelle i de sammenlignede tal."
    missing = invoke("diff", "no-such-run", third_q3)
    assert missing.exit_code == 2


def test_unit_run(db: str, config_dir: Path, root: Path) -> None:
    job = root / "quarterly"
    result = quarterly(db, config_dir, "2024Q3", "--unit", "JC-NORD")
    assert result.exit_code == 0, result.output
    folder = job / "2024Q3-enheder-JC-NORD"
    assert sorted(p.name for p in folder.iterdir()) == ["enhed-JC-NORD.xlsx", "manifest.json", "results.json"]
    assert not (job / "latest").exists()  # never moves latest
    # results.json covers the whole administration: Q3 rows 1 and 2 (both JC-NORD)
    assert results(folder)["decisions"]["total"]["decisions"] == 2

    # never a revision baseline: a full run after a late registration finds nothing to revise
    register_late(db)
    assert quarterly(db, config_dir, "2024Q3").exit_code == 0
    assert results(job / "2024Q3")["revisions"] == []
    assa = (job / "latest").resolve().name
    assert assa.startswith("2024Q3.")

    # a second unit run leaves latest where the full run put it
    assert quarterly(db, config_dir, "2024Q3", "--unit", "JC-SYD", "--unit", "JC-NORD").exit_code == 0
    assert (job / "latest").resolve().name == assa
    both = job / "2024Q3-enheder-JC-NORD-JC-SYD"
    assert {p.name for p in both.glob("*.xlsx")} == {"enhed-JC-NORD.xlsx", "enhed-JC-SYD.xlsx"}


def test_unknown_unit_code(db: str, config_dir: Path, root: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--db",
            db,
            "--config",
            str(config_dir),
            "--from",
            "2024-07-01",
            "--to",
            "2024-09-30",
            "--unit",
            "NOPE",
        ],
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "sagstid: error: --unit: unknown unit code NOPE (not in the units table)"
    )
