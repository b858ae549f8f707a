"""The command line, driven with click's CliRunner: exit codes, exact messages, files written.

The database is a real SQLite file with hand-chosen rows; the expected figures are worked out
by hand in the comments.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sagstid.cli import cli

REF = "010190-1234"  # a CPR-like citizen reference: must never reach an output
DECISIONS = [
    # KH-ANS from 2024-07-01 is 3 weeks: received Thu 2024-08-01 -> D = 2024-08-22.
    (1, "S-1", REF, "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None),  # within, 19 days
    (
        2,
        "S-2",
        REF,
        "JC-NORD",
        "KH-ANS",
        "2024-08-01",
        "2024-08-23",
        "2024-08-23",
        None,
    ),  # 1 day over, 22 days
    # AKTINDSIGT 7 working days from Fri 2024-03-22: 25, 26, 27 Mar, (28 Skærtorsdag, 29 Langfredag,
    # 1 Apr 2. påskedag), 2, 3, 4, 5 Apr -> D = 2024-04-05.
    (
        3,
        "S-3",
        REF,
        "JC-SYD",
        "AKTINDSIGT",
        "2024-03-22",
        "2024-04-02",
        "2024-04-02",
        None,
    ),  # within, 11 days
    (
        4,
        "S-4",
        REF,
        "JC-SYD",
        "AKTINDSIGT",
        "2024-03-22",
        "2024-04-08",
        "2024-04-08",
        "2024-04-03",
    ),  # over, notified, 17 days
    (5, "S-5", REF, "JC-NORD", "KH-ANS", "2024-12-01", None, None, None),  # open
    (
        6,
        "S-6",
        REF,
        "JC-NORD",
        "KH-ANS",
        "2023-05-01",
        "2023-05-10",
        "2023-05-10",
        None,
    ),  # 2023: out of period
    (7, "S-7", REF, "YS", "KH-ANS", "2024-02-01", "2024-02-05", "2024-02-05", None),  # duplicate id
    (7, "S-7b", REF, "YS", "KH-ANS", "2024-02-01", "2024-02-06", "2024-02-06", None),  # duplicate id
]


@pytest.fixture
def db(make_db: Callable[..., str]) -> str:
    return make_db(decisions=DECISIONS)


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_run_writes_reports_and_summary(db: str, config_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "run",
        "--db",
        db,
        "--config",
        str(config_dir),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(out),
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    # 4 measured, 2 of them within -> 50.0 %; the duplicate pair is excluded, one open.
    assert result.stdout == (
        f"2024: 4 afgørelser målt (udeladt 2, åbne 1), generel overholdelse 50,0 % (mål 90 %); "
        f"rapporter i {out}\n"
    )
    assert sorted(p.name for p in out.iterdir()) == [
        ".sagstid-out",  # the marker: sagstid owns --out and replaces it whole
        "enhed-JC-NORD.xlsx",
        "enhed-JC-SYD.xlsx",
        "enhed-YS.xlsx",
        "forventet-sagsbehandlingstid.csv",
        "forventet-sagsbehandlingstid.html",
        "manifest.json",
        "results.json",
        "udvalg.xlsx",
    ]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    total = results["decisions"]["total"]
    assert (total["decisions"], total["within_deadline"], total["exceeded"], total["exceeded_notified"]) == (
        4,
        2,
        2,
        1,
    )
    assert total["compliance_pct"] == 50.0 and total["notice_pct"] == 50.0
    assert total["mean_days"] == (19 + 22 + 11 + 17) / 4  # 17.25
    assert total["median_days"] == (17 + 19) / 2
    assert results["decisions"]["excluded"]["duplicate_id"] == 2
    assert results["decisions"]["rows"] == {"measured": 4, "excluded": 2, "open": 1, "out_of_period": 1}
    assert [a["case_area_code"] for a in results["decisions"]["by_area"]] == ["AKTINDSIGT", "KH-ANS"]
    # YS had only excluded rows: no measured group, so it is left out of by_unit.
    assert [u["unit_code"] for u in results["decisions"]["by_unit"]] == ["JC-NORD", "JC-SYD"]
    for path in out.iterdir():
        assert REF.encode() not in path.read_bytes(), path


def test_annual_and_quarterly_pick_their_periods(db: str, config_dir: Path, tmp_path: Path) -> None:
    result = invoke(
        "quarterly",
        "--quarter",
        "2024Q1",
        "--db",
        db,
        "--config",
        str(config_dir),
        "--out",
        str(tmp_path / "q"),
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    # Q1 2024: S-3 (decided 2 Apr) and S-4 are in Q2; only the duplicate pair falls in Q1.
    assert result.stdout.startswith("1. kvartal 2024: 0 afgørelser målt (udeladt 2, åbne 1)")
    data = json.loads((tmp_path / "q" / "results.json").read_text())
    assert data["period"] == {"from": "2024-01-01", "to": "2024-03-31"}
    assert data["decisions"]["total"]["compliance_pct"] is None
    result = invoke(
        "annual",
        "--year",
        "2023",
        "--db",
        db,
        "--config",
        str(config_dir),
        "--out",
        str(tmp_path / "a"),
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2023: 1 afgørelser målt")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2024-13-01", "--to", "2024-12-31"],
            "sagstid: error: --from '2024-13-01': expected a date as YYYY-MM-DD\n",
        ),
        (
            ["--from", "2024-12-31", "--to", "2024-01-01"],
            "sagstid: error: the period ends (2024-01-01) before it starts (2024-12-31)\n",
        ),
    ],
    ids=["bad-date", "reversed-period"],
)
def test_bad_options_exit_2(db: str, config_dir: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke("run", "--db", db, "--config", str(config_dir), "--out", str(tmp_path), *args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_bad_quarter_exit_2(db: str) -> None:
    result = invoke("quarterly", "--quarter", "2024Q5", "--db", db)
    assert result.exit_code == 2
    assert result.stderr == "sagstid: error: --quarter '2024Q5': expected YYYYQn, e.g. 2025Q3\n"


def test_bad_config_exit_2_before_reading_data(make_config: Callable[..., Path], tmp_path: Path) -> None:
    config = make_config(
        deadlines={
            "deadlines": [
                {
                    "area": "KH-ANS",
                    "name": "Kontanthjælp",
                    "value": 3,
                    "unit": "days",
                    "valid_from": "2020-01-01",
                },
            ]
        }
    )
    # The database does not even exist: the configuration is refused first.
    result = invoke(
        "run",
        "--db",
        f"sqlite:///{tmp_path / 'none.sqlite'}",
        "--config",
        str(config),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"sagstid: error: {config / 'deadlines.yaml'}: deadlines[0] (area KH-ANS): unit: must be one "
        "of calendar_days, working_days, weeks, months, hours (got 'days')"
    )


def test_missing_table_and_column_exit_2(
    make_db: Callable[..., str], config_dir: Path, tmp_path: Path
) -> None:
    no_decisions = make_db(ddl="CREATE TABLE units (unit_code TEXT, unit_name TEXT, unit_type TEXT);")
    result = invoke(
        "run",
        "--db",
        no_decisions,
        "--config",
        str(config_dir),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "sagstid: error: the source database lacks required table decisions, table complaints, "
        "table audit_samples"
    )
    no_received = make_db(
        ddl=(
            "CREATE TABLE units (unit_code TEXT, unit_name TEXT, unit_type TEXT);"
            "CREATE TABLE decisions (decision_id INT, case_id TEXT, citizen_ref TEXT, unit_code TEXT,"
            " case_area_code TEXT, decided_date DATE, sent_date DATE, delay_notice_date DATE);"
        )
    )
    result = invoke(
        "run",
        "--db",
        no_received,
        "--config",
        str(config_dir),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "sagstid: error: the source database lacks required decisions.received_date, "
        "table complaints, table audit_samples"
    )


def test_unusable_database_url_exit_2(config_dir: Path, tmp_path: Path) -> None:
    result = invoke(
        "run",
        "--db",
        "nosuchdialect://user:secret@host/db",
        "--config",
        str(config_dir),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2
    line = result.stderr.splitlines()[-1]
    # The database by its kind and name only: no password, login or host in any message.
    assert line.startswith("sagstid: error: database URL cannot be used: nosuchdialect, database db (")
    assert "secret" not in result.output
    assert "host" not in result.output and "user" not in result.output


def test_failed_run_leaves_previous_reports(
    db: str, config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    args = [
        "run",
        "--db",
        db,
        "--config",
        str(config_dir),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(out),
        "--workers",
        "1",
    ]
    assert invoke(*args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import sagstid.report.committee_workbook as committee

    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(committee, "write_committee_workbook", broken)
    result = invoke(*args)
    assert result.exit_code == 2  # no room on the disk: the operator's to fix (docs/operations.md)
    assert result.stderr.splitlines()[-1] == (
        "sagstid: error: no room to write the reports ([Errno 28] No space left on device); "
        "the previous reports are unchanged"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no staging folder left either
