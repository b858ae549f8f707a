"""Day-one robustness of running and publishing (docs/operations.md, "Faults and bad input"):
secrets in every form kept out of every output, --out replaced all or nothing and owned by
sagstid, unit codes as safe file names, locks beside the output, periods in the future and
partial periods, `latest` by measurement date, and the small bad inputs that must give one
line and exit 2 while leaving the previous reports byte for byte as they were.

Every case is provoked for real: real SQLite files (and the PostgreSQL server of
tests/servers.py), the real command line, real child processes where cwd or a held lock
matters. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from sagstid.cli import cli
from sagstid.ops import manifest
from sagstid.report.filenames import unit_files
from sagstid.source import urls

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "config"
TODAY = "2026-11-29"  # SAGSTID_TODAY in every run here: a Sunday in November 2026

DECISIONS = [
    # KH-ANS from 2024-07-01 is 3 weeks: received Thu 2024-08-01 -> D = 2024-08-22.
    (1, "S-1", "x", "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None),  # within
    (2, "S-2", "x", "JC-SYD", "KH-ANS", "2024-08-01", "2024-08-23", "2024-08-23", None),  # 1 day over
    # 2026: received Mon 2026-03-02 -> D = 2026-03-23; decided 2026-03-10: within.
    (3, "S-3", "x", "JC-NORD", "KH-ANS", "2026-03-02", "2026-03-10", "2026-03-10", None),
    # decided 2026-12-10, after "today" 2026-11-29: outside a 2026 measured up to today.
    (4, "S-4", "x", "JC-SYD", "KH-ANS", "2026-11-02", "2026-12-10", "2026-12-10", None),
]


def _run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(
        cli, [*args, "--config", str(CONFIG), "--workers", "1"], env={"SAGSTID_TODAY": TODAY, **(env or {})}
    )


def _error_line(result: Any) -> str:
    """The run's one error line; asserts it is the only sagstid: line and no traceback."""
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("sagstid:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def db(make_db: Callable[..., str]) -> str:
    return make_db(decisions=DECISIONS)


@pytest.fixture
def previous(db: str, tmp_path: Path) -> Path:
    """An --out folder holding a complete earlier run of 2024."""
    out = tmp_path / "work" / "reports"
    result = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


# --- secrets ------------------------------------------------------------------------------------

PWD = "Hemmelig-Kode-7781"


@pytest.mark.parametrize(
    "url, hidden",
    [
        (f"postgresql+psycopg://bruger:{PWD}@db.example:5432/sagstid", [PWD]),
        ("postgresql+psycopg://bruger:p%40ss%2Fw0rd@db.example/sagstid", ["p@ss/w0rd", "p%40ss%2Fw0rd"]),
        (f"postgresql+psycopg://bruger@db.example/sagstid?password={PWD}&sslmode=require", [PWD]),
        (f"postgresql+psycopg://db.example/sagstid?Password={PWD}", [PWD]),
        (f"mssql+pyodbc://h/db?driver=ODBC+Driver+18&pwd={PWD}", [PWD]),
        (
            "mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC+Driver+18+for+SQL+Server%7D%3BSERVER%3Ddb.example"
            f"%3BDATABASE%3Dsagstid%3BUID%3Dbruger%3BPWD%3D{PWD}%3B",
            [PWD],
        ),
        (f"mssql+pyodbc:///?odbc_connect=SERVER=h;UID=u;Password={{{PWD};x}};", [PWD]),
        (f"sqlite:///file:/tmp/x.db?uri=true&password={PWD}", [PWD]),
        (f"not a url, but user:{PWD}@db.example and PWD%3D{PWD}%3B", [PWD]),
    ],
)
def test_redact_masks_every_credential_form(url: str, hidden: list[str]) -> None:
    text = urls.redact(url)
    for secret in hidden:
        assert secret not in text
    urls.remember_secrets(url)
    message = f"driver said: could not log in with {hidden[0]}"
    assert hidden[0] not in urls.scrub(message)


@pytest.mark.parametrize(
    "url, shown",
    [
        (f"postgresql+psycopg://bruger:{PWD}@db.example:5432/sagstid", "PostgreSQL, database sagstid"),
        ("mssql+pyodbc://@SAGSTID_DSN", "SQL Server, datakilde SAGSTID_DSN"),
        (
            "mssql+pyodbc:///?odbc_connect=SERVER%3Ddb.example%3BDATABASE%3Dsager%3BUID%3Du%3BPWD%3Dx%3B",
            "SQL Server, database sager",
        ),
        ("sqlite:////home/bruger/data/sager.sqlite", "SQLite, database sager.sqlite"),
        (f"sqlite:///file:/srv/sager.db?uri=true&pwd={PWD}", "SQLite, database sager.db"),
    ],
)
def test_describe_names_kind_and_database_only(url: str, shown: str) -> None:
    assert urls.describe(url) == shown


def _every_output(folders: list[Path], extra: list[str]) -> bytes:
    """Every byte a run left: the files in ``folders`` (workbooks unzipped) and ``extra``."""
    blob = b"\n".join(text.encode() for text in extra)
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            blob += path.read_bytes()
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as archive:
                    blob += b"".join(archive.read(name) for name in archive.namelist())
    return blob


def _method_source(workbook: Path) -> str:
    sheet = openpyxl.load_workbook(workbook, read_only=True)["Metode"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    return str(rows["Datakilde"])


def test_sqlite_run_with_secrets_in_the_query_string_shows_none(db: str, tmp_path: Path) -> None:
    path = db.removeprefix("sqlite:///")
    odbc = f"DRIVER%3D%7BX%7D%3BPWD%3D{PWD}%3B"
    url = f"sqlite:///file:{path}?uri=true&password={PWD}&odbc_connect={odbc}"
    work = tmp_path / "w"
    result = _run("run", "--db", url, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(work / "r"))
    assert result.exit_code == 0, result.output
    assert _method_source(work / "r" / "enhed-JC-NORD.xlsx") == f"SQLite, database {Path(path).name}"
    assert _method_source(work / "r" / "udvalg.xlsx") == f"SQLite, database {Path(path).name}"
    # A failing run with the same secrets: a query string naming a file that does not exist.
    missing = f"sqlite:///file:{tmp_path}/ingen.db?uri=true&password={PWD}"
    failed = _run(
        "run", "--db", missing, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(work / "r")
    )
    assert failed.exit_code == 2
    blob = _every_output([work], [result.output, failed.output])
    for form in (PWD, PWD.replace("-", "%2D")):
        assert form.encode() not in blob
    assert b"Hemmelig" not in blob


def test_postgresql_run_shows_no_host_login_or_password(
    postgres_server: Any, postgres_db: str, db: str, tmp_path: Path
) -> None:
    from servers import copy_database

    copy_database(db, postgres_db)
    name = postgres_db.rsplit("/", 1)[1]
    login, host = postgres_server.superuser, "127.0.0.1"
    # trust authentication: the server ignores the password, which only has to stay hidden
    url = postgres_db.replace(f"{login}@", f"{login}:{PWD}@") + f"?password={PWD}&application_name=sagstid"
    work = tmp_path / "pg"
    result = _run("run", "--db", url, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(work / "r"))
    assert result.exit_code == 0, result.output
    assert _method_source(work / "r" / "enhed-JC-SYD.xlsx") == f"PostgreSQL, database {name}"
    record = json.loads((work / "r" / "manifest.json").read_text())
    assert record["parameters"]["db"] == f"PostgreSQL, database {name}"
    # A failing connection (a port nothing listens on) with the same secrets, retried and given up.
    dead = url.replace(f":{postgres_server.port}/", ":1/")
    failed = _run("run", "--db", dead, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(work / "r"))
    assert failed.exit_code == 2
    assert _error_line(failed).startswith(
        f"sagstid: error: database PostgreSQL, database {name}: cannot connect to the database (5 attempts): "
    )
    blob = _every_output([work], [result.output, failed.output])
    for form in (PWD, f"//{login}", f"{login}@", host, f":{postgres_server.port}"):
        assert form.encode() not in blob, form


# --- --out: owned by sagstid, replaced whole ----------------------------------------------------


def test_out_refuses_a_folder_with_files_sagstid_did_not_write(db: str, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "noter.txt").write_text("mine noter")
    before = _tree(tmp_path)
    result = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out))
    assert result.exit_code == 2
    assert _error_line(result) == (
        f"sagstid: error: --out {out}: the folder holds files sagstid did not write (noter.txt); sagstid "
        "replaces its --out folder whole on every run, so give it a new or empty folder"
    )
    after = _tree(tmp_path)
    journal = after.pop(".mine.runs.jsonl")  # the refused run is recorded beside the folder
    after.pop(".mine.sagstid.lock")
    assert after == before
    assert json.loads(journal)["outcome"] == "failed"


def test_out_refuses_a_file_added_to_its_folder(db: str, previous: Path) -> None:
    (previous / "kopi.xlsx").write_bytes(b"a reader's copy")
    before = _tree(previous)
    result = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(previous))
    assert result.exit_code == 2
    assert "the folder holds files sagstid did not write (kopi.xlsx)" in _error_line(result)
    assert _tree(previous) == before


def test_out_takes_an_empty_folder_and_keeps_its_mode(db: str, tmp_path: Path) -> None:
    out = tmp_path / "tom"
    out.mkdir(mode=0o700)
    os.chmod(out, 0o700)
    result = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").is_file() and (out / ".sagstid-out").is_file()
    assert os.stat(out).st_mode & 0o7777 == 0o700


def test_out_rerun_replaces_the_folder_whole(db: str, make_db: Callable[..., str], previous: Path) -> None:
    # A second run where JC-SYD has no decision any more: its workbook must not linger.
    smaller = make_db(decisions=DECISIONS[:1])
    result = _run(
        "run", "--db", smaller, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(previous)
    )
    assert result.exit_code == 0, result.output
    record = json.loads((previous / "manifest.json").read_text())
    assert sorted(p.name for p in previous.iterdir()) == sorted(
        [*record["outputs"], "manifest.json", ".sagstid-out"]
    )
    assert "enhed-JC-SYD.xlsx" not in record["outputs"]
    assert sorted(p.name for p in previous.parent.iterdir()) == [
        ".reports.runs.jsonl",
        ".reports.sagstid.lock",
        "reports",
    ]


# --- unit codes as file names -------------------------------------------------------------------

ODD_CODES = ["a/b", "a_b", "CON", "nul", "æøå", "K" * 300, "JC NORD", "JC-A", "jc-a", "..", "a\\b"]


def test_unit_file_names_are_safe_distinct_and_stable() -> None:
    names = unit_files(ODD_CODES)
    assert len({n.casefold() for n in names.values()}) == len(ODD_CODES)  # distinct, even on Windows
    for code, name in names.items():
        assert re.fullmatch(r"enhed-[\wæøå\-]+\.xlsx", name), (code, name)
        assert len(name) <= len("enhed-") + 60 + 9 + len(".xlsx")
    assert names["æøå"].startswith("enhed-æøå") and names["æøå"] == "enhed-æøå.xlsx"  # kept as is
    # The hash depends on the code alone: the same name whatever else is in the list.
    assert unit_files(["a/b"])["a/b"] == names["a/b"]
    assert names["a/b"] != names["a_b"]
    # sha256("a/b") starts 6b8a... -> worked out with `printf 'a/b' | sha256sum`
    assert names["a/b"] == "enhed-a_b-" + __import__("hashlib").sha256(b"a/b").hexdigest()[:8] + ".xlsx"
    assert unit_files(["JC-NORD"]) == {"JC-NORD": "enhed-JC-NORD.xlsx"}  # a safe code unchanged


def test_odd_unit_codes_each_get_their_own_workbook(make_db: Callable[..., str], tmp_path: Path) -> None:
    codes = ["a/b", "a_b", "CON", "æøå", "K" * 300]
    units = [(code, f"Enhed {i}", "jobcenter") for i, code in enumerate(codes)]
    rows = [
        (i + 1, f"S-{i}", "x", code, "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None)
        for i, code in enumerate(codes)
    ]
    db = make_db(units=units, decisions=rows)
    out = tmp_path / "r"
    result = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = unit_files(codes)
    workbooks = sorted(p.name for p in out.glob("enhed-*.xlsx"))
    assert workbooks == sorted(names.values())  # five workbooks, one per code
    for code, name in names.items():
        sheet = openpyxl.load_workbook(out / name, read_only=True)["Metode"]
        rows_ = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
        assert rows_["Enhed"] == f"{code} Enhed {codes.index(code)}"  # the real code and name


# --- locks beside the output --------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGSTID_")}
    return {**env, "PYTHONPATH": str(REPO), "SAGSTID_TODAY": TODAY, **extra}


def _child(args: list[str], cwd: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sagstid", *args, "--config", str(CONFIG), "--workers", "1"],
        cwd=cwd,
        env=_env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _paused_child(args: list[str], cwd: Path, marker: Path) -> subprocess.Popen:
    child = _child(args, cwd, SAGSTID_TEST_PAUSE_AT="locked", SAGSTID_TEST_PAUSE_FILE=str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return child


def test_out_runs_lock_beside_their_folder(db: str, tmp_path: Path) -> None:
    period = ["--from", "2024-01-01", "--to", "2024-12-31"]
    here, there = tmp_path / "a", tmp_path / "b"
    here.mkdir(), there.mkdir()
    first = _paused_child(["run", "--db", db, *period, "--out", "../shared"], here, tmp_path / "paused")
    try:
        # Another folder: not blocked, and no ./rapporter appears in either working folder.
        other = _child(["run", "--db", db, *period, "--out", "own"], there)
        assert other.communicate(timeout=180)[1].count("sagstid:") == 0
        assert other.returncode == 0
        # The same folder by another relative path from another working folder: refused.
        same = _child(["run", "--db", db, *period, "--out", "../shared"], there)
        err = same.communicate(timeout=180)[1]
        assert same.returncode == 1
        lock = tmp_path / ".shared.sagstid.lock"
        assert re.fullmatch(
            rf"sagstid: error: another run holds the lock {re.escape(str(lock))} \(pid {first.pid}, "
            r"sagstid run, started \S+\); this run was not started\n",
            err,
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=60)
    assert not (here / "rapporter").exists() and not (there / "rapporter").exists()
    assert sorted(p.name for p in there.iterdir()) == [".own.runs.jsonl", ".own.sagstid.lock", "own"]
    assert not (tmp_path / "shared").exists()  # the killed run published nothing


def test_runs_lists_the_journal_beside_an_out_folder(previous: Path) -> None:
    result = CliRunner().invoke(cli, ["runs", "--out", str(previous)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[1].split()[2:5] == ["run", "2024", "gennemført"]


# --- the future, partial periods and latest -----------------------------------------------------


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ["nightly", "--as-of", "2026-11-30"],
            "sagstid: error: --as-of 2026-11-30 is after today (2026-11-29); give --allow-future to measure it anyway",
        ),
        (
            ["quarterly", "--quarter", "2027Q1"],
            "sagstid: error: the period 1. kvartal 2027 has not begun (today is 2026-11-29); "
            "give --allow-future to measure it anyway",
        ),
        (
            ["annual", "--year", "2027"],
            "sagstid: error: the period 2027 has not begun (today is 2026-11-29); give --allow-future to "
            "measure it anyway",
        ),
        (
            ["run", "--from", "2026-11-30", "--to", "2026-12-31"],
            "sagstid: error: the period 30.11.2026-31.12.2026 has not begun (today is 2026-11-29); "
            "give --allow-future to measure it anyway",
        ),
    ],
)
def test_a_period_after_today_is_refused(db: str, previous: Path, args: list[str], line: str) -> None:
    before = _tree(previous)
    result = _run(*args, "--db", db, "--out", str(previous))
    assert result.exit_code == 2
    assert _error_line(result) == line
    assert _tree(previous) == before


def test_allow_future_measures_it_but_never_makes_it_latest(db: str, tmp_path: Path) -> None:
    root = tmp_path / "root"
    env = {"SAGSTID_OUT": str(root)}
    assert _run("nightly", "--db", db, "--as-of", "2026-11-29", env=env).exit_code == 0
    result = _run("nightly", "--db", db, "--as-of", "2030-01-01", "--allow-future", env=env)
    assert result.exit_code == 0, result.output
    assert os.readlink(root / "nightly" / "latest") == "2026-11-29"
    assert (root / "nightly" / "2030-01-01" / "results.json").is_file()


def test_latest_left_on_a_future_run_is_replaced_by_the_next_real_one(db: str, tmp_path: Path) -> None:
    root = tmp_path / "root"
    # As an earlier version allowed: a night "measured" in 2030 became latest.
    future = {"SAGSTID_OUT": str(root), "SAGSTID_TODAY": "2030-01-02"}
    assert _run("nightly", "--db", db, "--as-of", "2030-01-01", env=future).exit_code == 0
    assert os.readlink(root / "nightly" / "latest") == "2030-01-01"
    assert _run("nightly", "--db", db, "--as-of", "2026-11-28", env={"SAGSTID_OUT": str(root)}).exit_code == 0
    assert os.readlink(root / "nightly" / "latest") == "2026-11-28"


def test_partial_year_is_measured_to_today_and_marked_everywhere(db: str, tmp_path: Path) -> None:
    root = tmp_path / "root"
    env = {"SAGSTID_OUT": str(root)}
    assert _run("annual", "--db", db, "--year", "2024", env=env).exit_code == 0
    result = _run("annual", "--db", db, "--year", "2026", env=env)
    assert result.exit_code == 0, result.output
    # Measured 1 January to 29 November 2026: decision 3 (within); decision 4, decided
    # 2026-12-10, lies after the measured days. So 1 measured, 100 %.
    assert result.stdout == (
        "2026 (foreløbig, til og med 29-11-2026): 1 afgørelser målt (udeladt 0, åbne 0), "
        f"generel overholdelse 100,0 % (mål 90 %); rapporter i {root / 'annual' / '2026'}\n"
    )
    folder = root / "annual" / "2026"
    results = json.loads((folder / "results.json").read_text())
    assert results["period"] == {
        "from": "2026-01-01",
        "to": "2026-12-31",
        "partial": True,
        "measured_to": TODAY,
    }
    record = json.loads((folder / "manifest.json").read_text())
    assert record["parameters"]["period"] == results["period"]
    for name in ("udvalg.xlsx", "enhed-JC-NORD.xlsx"):
        book = openpyxl.load_workbook(folder / name, read_only=True)
        first = book.worksheets[0]
        title = next(row[0] for row in first.iter_rows(values_only=True) if row and row[0])
        assert "2026 (foreløbig, til og med 29-11-2026)" in title, title
    # The period before for comparison: the same stretch of 2025, 1 January to 29 November.
    method = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(folder / "udvalg.xlsx", read_only=True)["Metode"].iter_rows(
            values_only=True
        )
        if row and row[0]
    }
    assert "01.01.2025-29.11.2025" in str(method["Sammenligningsperiode"])
    # latest: the partial 2026 measured to 2026-11-29 is newer than 2024; re-running 2024 keeps it.
    assert os.readlink(root / "annual" / "latest") == "2026"
    assert _run("annual", "--db", db, "--year", "2024", env=env).exit_code == 0
    assert os.readlink(root / "annual" / "latest") == "2026"
    runs = CliRunner().invoke(cli, ["runs"], env=env).stdout
    assert "2026 (foreløbig, til og med 29-11-2026)" in runs


# --- small bad inputs: one line, exit 2, previous reports untouched -----------------------------


def test_sqlite_file_that_does_not_exist_is_not_created(previous: Path, tmp_path: Path) -> None:
    missing = tmp_path / "skrivefejl.sqlite"
    before = _tree(previous)
    result = _run(
        "run",
        "--db",
        f"sqlite:///{missing}",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(previous),
    )
    assert result.exit_code == 2
    assert _error_line(result) == f"sagstid: error: the SQLite database file {missing} does not exist"
    assert not missing.exists()
    assert _tree(previous) == before


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ["annual", "--year", "1"],
            "the period 0001-01-01 to 0001-12-31 lies outside the days sagstid measures (1900-01-01 to "
            "2199-12-31, the comparison period included)",
        ),
        (
            ["annual", "--year", "9999", "--allow-future"],
            "the period 9999-01-01 to 9999-12-31 lies outside the days sagstid measures (1900-01-01 to "
            "2199-12-31, the comparison period included)",
        ),
        (
            ["quarterly", "--quarter", "9999Q4", "--allow-future"],
            "the period 9999-10-01 to 9999-12-31 lies outside the days sagstid measures (1900-01-01 to "
            "2199-12-31, the comparison period included)",
        ),
        (
            ["run", "--from", "0001-01-01", "--to", "0001-01-31"],
            "the period 0001-01-01 to 0001-01-31 lies outside the days sagstid measures (1900-01-01 to "
            "2199-12-31, the comparison period included)",
        ),
        (
            # The year itself is inside, the year before it (for comparison) is not.
            ["annual", "--year", "1900"],
            "the period 1899-01-01 to 1899-12-31 lies outside the days sagstid measures (1900-01-01 to "
            "2199-12-31, the comparison period included)",
        ),
        (
            ["run", "--from", "9999-12-01", "--to", "9999-12-31", "--allow-future"],
            "the period 9999-12-01 to 9999-12-31 lies outside the days sagstid measures (1900-01-01 to "
            "2199-12-31, the comparison period included)",
        ),
    ],
)
def test_periods_at_the_calendars_limits(db: str, previous: Path, args: list[str], line: str) -> None:
    before = _tree(previous)
    result = _run(*args, "--db", db, "--out", str(previous))
    assert result.exit_code == 2
    assert _error_line(result) == f"sagstid: error: {line}"
    assert _tree(previous) == before


def test_sagstid_out_pointing_at_a_file(db: str, tmp_path: Path) -> None:
    target = tmp_path / "rapporter.txt"
    target.write_text("ikke en mappe")
    result = _run("nightly", "--db", db, "--as-of", "2024-08-25", env={"SAGSTID_OUT": str(target)})
    assert result.exit_code == 2
    assert _error_line(result) == f"sagstid: error: SAGSTID_OUT '{target}' is a file, not a folder"
    assert target.read_text() == "ikke en mappe"
    listing = CliRunner().invoke(cli, ["runs"], env={"SAGSTID_OUT": str(target)})
    assert listing.exit_code == 2


def test_out_pointing_at_a_file(db: str, tmp_path: Path) -> None:
    target = tmp_path / "fil"
    target.write_text("x")
    result = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(target))
    assert result.exit_code == 2
    assert _error_line(result) == f"sagstid: error: --out {target}: is a file, not a folder"
    assert target.read_text() == "x"
    inside = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(target / "r"))
    assert inside.exit_code == 2
    assert _error_line(inside) == f"sagstid: error: --out {target / 'r'}: {target} is a file, not a folder"
    assert target.read_text() == "x"


@pytest.mark.parametrize(
    "units, line",
    [
        (
            [("JC-NORD", "Jobcenter Nord", "jobcenter"), ("JC-NORD", "Jobcenter Nord 2", "jobcenter")]
            + [("JC-SYD", "Jobcenter Syd", "jobcenter")],
            "the source table units lists the unit_code JC-NORD more than once",
        ),
        (
            [("JC-NORD", "Jobcenter Nord", "jobcenter"), ("JC-SYD", None, "jobcenter")],
            "the source table units has no unit_name for the unit_code JC-SYD",
        ),
        (
            [("JC-NORD", "Jobcenter Nord", "jobcenter"), ("JC-SYD", "  ", "jobcenter")],
            "the source table units has no unit_name for the unit_code JC-SYD",
        ),
        (
            [
                ("JC-NORD", "Jobcenter Nord", "jobcenter"),
                ("JC-SYD", "Jobcenter Syd", "jobcenter"),
                (None, "X", "y"),
            ],
            "the source table units has 1 row(s) without a unit_code",
        ),
    ],
)
def test_units_listed_twice_or_without_a_name(
    make_db: Callable[..., str], previous: Path, units: list[tuple], line: str
) -> None:
    db = make_db(units=units, decisions=DECISIONS, ddl=_ddl_without_unit_key())
    before = _tree(previous)
    result = _run("run", "--db", db, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(previous))
    assert result.exit_code == 2
    assert _error_line(result) == f"sagstid: error: {line}"
    assert _tree(previous) == before


def _ddl_without_unit_key() -> str:
    """The test schema with units.unit_code as a plain column: a view over a case system has no
    key to stop a code appearing twice or not at all."""
    from sagstid.schema import SQLITE_DDL

    ddl = re.sub(r"unit_code\s+TEXT\s+PRIMARY KEY", "unit_code TEXT", SQLITE_DDL, count=1)
    return re.sub(r"unit_name\s+TEXT\s+NOT NULL", "unit_name TEXT", ddl, count=1)


def test_stopped_run_outcome_is_listed_in_danish(tmp_path: Path) -> None:
    root = tmp_path / "root"
    manifest.append_journal(
        root / "runs.jsonl",
        {
            "started": "2026-11-29T01:30:00+01:00",
            "job": "nightly",
            "parameters": {"period": {"from": "2026-01-01", "to": "2026-11-29"}},
            "outcome": "interrupted",
            "error": "Interrupted: stopped by SIGTERM",
        },
    )
    lines = CliRunner().invoke(cli, ["runs"], env={"SAGSTID_OUT": str(root)}).stdout.splitlines()
    assert "afbrudt" in lines[1] and "Interrupted: stopped by SIGTERM" in lines[1]


# --- the swap where the file system cannot exchange two folders in one step --------------------


def _complete(folder: Path, text: str) -> None:
    """A folder as a run leaves it: the marker, one report and a manifest listing it."""
    folder.mkdir()
    (folder / ".sagstid-out").write_text("x")
    (folder / "results.json").write_text(text)
    (folder / "manifest.json").write_text(
        json.dumps({"manifest_version": 1, "outputs": {"results.json": {}}})
    )


def test_swap_without_exchange_and_a_kill_between_its_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sagstid.ops import outdir

    monkeypatch.setattr(outdir, "_exchange", lambda first, second: False)
    target = outdir.OutFolder(tmp_path / "r")
    _complete(target.path, "old")
    new = target.new_dir("run-2")
    (new / "results.json").write_text("new")
    target.publish(new, "run-2")
    assert (target.path / "results.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # the old folder removed
    # Killed after the first rename (DIR moved aside) and before the second: the next run's
    # clean-up puts the previous folder back before anything else.
    aside = tmp_path / ".r.sagstid-old-run-3"
    os.rename(target.path, aside)
    leftover = target.new_dir("run-3")
    target.clean_leftovers()
    assert (target.path / "results.json").read_text() == "new"
    assert not aside.exists() and not leftover.exists()


def test_a_folder_written_before_the_marker_is_taken_as_sagstids(tmp_path: Path) -> None:
    from sagstid.ops.outdir import OutFolder

    old = tmp_path / "r"
    _complete(old, "old")
    (old / ".sagstid-out").unlink()  # an --out folder of an earlier version: no marker
    assert OutFolder(old).foreign_files() == []
    (old / "noter.txt").write_text("mine")
    assert OutFolder(old).foreign_files() == ["noter.txt"]


def test_a_signal_while_a_complete_run_is_made_visible_does_not_stop_it() -> None:
    from sagstid.ops.signals import Interrupted, stop_on_signals, uninterruptible

    with stop_on_signals():
        with uninterruptible():
            os.kill(os.getpid(), signal.SIGTERM)  # delivered here: ignored, the run completes
            time.sleep(0.1)
        with pytest.raises(Interrupted) as stopped:  # the handler runs as os.kill returns
            os.kill(os.getpid(), signal.SIGINT)
    assert (stopped.value.name, stopped.value.exit_status) == ("SIGINT", 130)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers given back
