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
    assert text[4][:4] == ["01-07-2024 til 30-09-2024 (denne periode)", "Afgørelser, i alt: antal", "2", "3"]
    assert any(
        row[:4]
        == ["01-04-2024 til 30-06-2024 (forrige periode)", "Afgørelser, i alt: overholdelse %"]
        + ["100,00", "50,00"]
        for row in text
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


# Last year's period: a quarterly run shows the same quarter last year beside its own (the
# committee workbook's "samme periode sidste år"); when this year's run measures it again and
# it differs from what the run of that quarter published, that is a revision too.
#
# KH-ANS, received before 2024-07-01: 4 weeks = 28 days; from 2024-07-01: 3 weeks.
#
#  id  unit     received    decided     deadline (by hand)      days  verdict   quarter
#  10  JC-NORD  2023-08-01  2023-08-15  08-01 + 28 = 08-29 (Tue)  14    within    2023Q3
#  11  JC-SYD   2023-08-01  2023-09-05  08-29                     35    exceeded  2023Q3
#  20  JC-NORD  2024-08-01  2024-08-20  08-01 + 21 = 08-22 (Thu)  19    within    2024Q3
# registered late (after the 2023Q3 run):
#  12  JC-NORD  2023-07-03  2023-08-14  07-03 + 28 = 07-31 (Mon)  42    exceeded  2023Q3
LAST_YEAR_ROWS = [
    (10, "S-10", "JC-NORD", "KH-ANS", "2023-08-01", "2023-08-15"),
    (11, "S-11", "JC-SYD", "KH-ANS", "2023-08-01", "2023-09-05"),
    (20, "S-20", "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20"),
]
LAST_YEAR_LATE = (12, "S-12", "JC-NORD", "KH-ANS", "2023-07-03", "2023-08-14")


def test_a_late_decision_in_last_years_quarter_is_a_revision(make_db, config_dir: Path, root: Path) -> None:
    db = make_db(decisions=[dict(zip(COLUMNS, r, strict=True)) for r in LAST_YEAR_ROWS])
    job = root / "quarterly"
    assert quarterly(db, config_dir, "2023Q3").exit_code == 0  # publishes 2023Q3: rows 10, 11
    published = results(job / "2023Q3")["decisions"]["total"]
    assert (published["decisions"], published["compliance_pct"]) == (2, 50.0)
    run_2023q3 = run_id(job / "2023Q3")
    with sqlite3.connect(db.removeprefix("sqlite:///")) as con:
        con.execute(f"INSERT INTO decisions ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", LAST_YEAR_LATE)

    # 2024Q3: its own quarter and its comparison period (2024Q2) were never published; the
    # same quarter last year (2023Q3) was, and now has row 12 as well.
    assert quarterly(db, config_dir, "2024Q3").exit_code == 0
    revisions = results(job / "2024Q3")["revisions"]
    assert {(r["period"]["from"], r["period"]["to"]) for r in revisions} == {("2023-07-01", "2023-09-30")}
    assert {r["published_by"]["run_id"] for r in revisions} == {run_2023q3}
    assert {r["section"] for r in revisions} == {"decisions"}  # comparison periods: decisions only
    changes = {(r["group"], r["code"], r["figure"]): (r["before"], r["after"]) for r in revisions}
    # In total and for KH-ANS (the only area): rows 10, 11 -> 10, 11, 12.
    # decisions 2 -> 3; within 1 -> 1 (unchanged); 50 % -> 1/3 = 33.33 %; exceeded 1 -> 2;
    # notified 0 -> 0, notice share 0/1 = 0 % -> 0/2 = 0 % (unchanged);
    # days 14, 35 -> 14, 35, 42: mean 24.5 -> 91/3 = 30.33, median 24.5 -> 35.
    whole = {
        "decisions": (2, 3),
        "compliance_pct": (50.0, pytest.approx(100 / 3)),
        "exceeded": (1, 2),
        "mean_days": (24.5, pytest.approx(91 / 3)),
        "median_days": (24.5, 35.0),
    }
    # JC-NORD: row 10 -> rows 10, 12: decisions 1 -> 2; within 1 -> 1; 100 % -> 50 %;
    # exceeded 0 -> 1; notice share none (nothing exceeded) -> 0/1 = 0 %; days 14 -> 14, 42:
    # mean and median 14 -> 28. JC-SYD (row 11) is unchanged.
    nord = {
        "decisions": (1, 2),
        "compliance_pct": (100.0, 50.0),
        "exceeded": (0, 1),
        "notice_pct": (None, 0.0),
        "mean_days": (14.0, 28.0),
        "median_days": (14.0, 28.0),
    }
    expected = {("total", None, f): c for f, c in whole.items()}
    expected |= {("area", "KH-ANS", f): c for f, c in whole.items()}
    expected |= {("unit", "JC-NORD", f): c for f, c in nord.items()}
    assert changes == expected

    sheet = openpyxl.load_workbook(job / "2024Q3" / "udvalg.xlsx")["Revisioner"]
    text = [[c.value for c in row] for row in sheet.iter_rows()]
    assert text[4][:4] == [
        "01-07-2023 til 30-09-2023 (samme periode sidste år)",
        "Afgørelser, i alt: antal",
        "2",
        "3",
    ]
    assert text[3][4] == "Først offentliggjort af"
    assert text[4][4] == f"kvartalskørsel 2023Q3 ({run_2023q3})"
    assert any(
        row[1] == "Afgørelser, i alt: overholdelse %" and row[2:4] == ["50,00", "33,33"] for row in text
    )
    # JC-NORD had 1 and 2 decisions, fewer than suppress_below (5): its values are hidden
    assert any(
        row[1] == "Afgørelser, enhed JC-NORD: antal" and row[2:4] == ["under 5 sager"] * 2 for row in text
    )


def test_an_annual_run_compares_last_year_once(make_db, config_dir: Path, root: Path) -> None:
    """An annual run's comparison period is last year: one record per changed figure."""
    db = make_db(decisions=[dict(zip(COLUMNS, r, strict=True)) for r in LAST_YEAR_ROWS])
    args = ("--db", db, "--config", str(config_dir), "--workers", "1")
    assert invoke("annual", "--year", "2023", *args).exit_code == 0
    with sqlite3.connect(db.removeprefix("sqlite:///")) as con:
        con.execute(f"INSERT INTO decisions ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", LAST_YEAR_LATE)
    assert invoke("annual", "--year", "2024", *args).exit_code == 0
    revisions = results(root / "annual" / "2024")["revisions"]
    keys = [(r["period"]["from"], r["group"], r["code"], r["figure"]) for r in revisions]
    assert len(keys) == len(set(keys)) == 16  # the 5 + 5 + 6 changes of the quarterly test
    assert {k[0] for k in keys} == {"2023-01-01"}


def test_last_years_quarter_measured_as_its_own_run_did(
    make_db, tmp_path: Path, config_dir: Path, root: Path
) -> None:
    """Last year's quarter is validated with measurement.yaml's plausible dates, as the run of
    that quarter did: with ``earliest`` 2023-01-01 a decision received 2022-12-20 is an
    unreadable date (excluded) in both runs, so unchanged data is no revision. (With the
    default window, from 1990-01-01, it would be measured: 4 weeks, decided 2023-08-10, late.)"""
    config = shutil.copytree(config_dir, tmp_path / "config")
    measurement = config / "measurement.yaml"
    text = measurement.read_text(encoding="utf-8")
    assert "  earliest: 1990-01-01\n" in text
    measurement.write_text(
        text.replace("  earliest: 1990-01-01\n", "  earliest: 2023-01-01\n"), encoding="utf-8"
    )
    old = (13, "S-13", "JC-SYD", "KH-ANS", "2022-12-20", "2023-08-10")
    db = make_db(decisions=[dict(zip(COLUMNS, r, strict=True)) for r in [*LAST_YEAR_ROWS, old]])
    job = root / "quarterly"
    assert quarterly(db, config, "2023Q3").exit_code == 0
    published = results(job / "2023Q3")["decisions"]
    assert published["total"]["decisions"] == 2  # rows 10, 11
    assert published["excluded"]["invalid_date"] == 1  # row 13
    assert quarterly(db, config, "2024Q3").exit_code == 0
    assert results(job / "2024Q3")["revisions"] == []
