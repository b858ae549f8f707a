"""The run store, retention, the lock, permissions, the manifest, runs.jsonl and `sagstid runs`.

Folder and pointer behaviour is checked on RunStore directly with small files; the commands are
driven with click's CliRunner against a real SQLite file. Checksums are recomputed here with
hashlib from the files on disk, config hashes from the config files' bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sagstid.cli import cli
from sagstid.ops import manifest
from sagstid.ops.runstore import LockHeld, RunStore, run_lock

REF = "010190-1234"
DECISIONS = [
    # The rows of test_cli.py. KH-ANS from 2024-07-01 is 3 weeks: received Thu 2024-08-01 ->
    # D = 2024-08-22; AKTINDSIGT 7 working days from Fri 2024-03-22 -> D = 2024-04-05 (Easter).
    (1, "S-1", REF, "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None),  # within
    (2, "S-2", REF, "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-23", "2024-08-23", None),  # over
    (3, "S-3", REF, "JC-SYD", "AKTINDSIGT", "2024-03-22", "2024-04-02", "2024-04-02", None),  # within
    (4, "S-4", REF, "JC-SYD", "AKTINDSIGT", "2024-03-22", "2024-04-08", "2024-04-08", "2024-04-03"),
    (5, "S-5", REF, "JC-NORD", "KH-ANS", "2024-12-01", None, None, None),  # open
    (6, "S-6", REF, "JC-NORD", "KH-ANS", "2023-05-01", "2023-05-10", "2023-05-10", None),  # 2023
    (7, "S-7", REF, "YS", "KH-ANS", "2024-02-01", "2024-02-05", "2024-02-05", None),  # duplicate
    (7, "S-7b", REF, "YS", "KH-ANS", "2024-02-01", "2024-02-06", "2024-02-06", None),  # duplicate
]


@pytest.fixture
def db(make_db: Callable[..., str]) -> str:
    return make_db(decisions=DECISIONS)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "root"
    monkeypatch.setenv("SAGSTID_OUT", str(path))
    return path


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def nightly(db: str, config_dir: Path, as_of: str) -> object:
    return invoke("nightly", "--db", db, "--config", str(config_dir), "--as-of", as_of, "--workers", "1")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    previous = os.umask(0o022)
    os.umask(previous)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(previous)


# --- RunStore on its own -------------------------------------------------------------------


def _run(store: RunStore, stamp: str, run_id: str, text: str) -> Path:
    folder = store.new_run_dir("nightly", stamp, run_id)
    (folder / "results.json").write_text(text)
    return folder


def test_publish_points_stamp_then_latest_and_replaces_a_rerun(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "root")
    job = tmp_path / "root" / "nightly"
    assert store.publish("nightly", "2025-03-14", _run(store, "2025-03-14", "r1", "one")) is True
    assert os.readlink(job / "latest") == "2025-03-14"
    assert (job / "latest" / "results.json").read_text() == "one"
    assert store.publish("nightly", "2025-03-15", _run(store, "2025-03-15", "r2", "two")) is True
    assert (job / "latest" / "results.json").read_text() == "two"
    # Re-running the older stamp replaces that stamp's folder but leaves latest on the newer one.
    assert store.publish("nightly", "2025-03-14", _run(store, "2025-03-14", "r3", "three")) is False
    assert os.readlink(job / "latest") == "2025-03-15"
    assert (job / "2025-03-14" / "results.json").read_text() == "three"
    assert sorted(p.name for p in (job / ".runs").iterdir()) == ["2025-03-14.r3", "2025-03-15.r2"]
    assert store.stamps("nightly") == ["2025-03-14", "2025-03-15"]
    assert sorted(p.name for p in job.iterdir()) == [".runs", "2025-03-14", "2025-03-15", "latest"]


def test_prune_keeps_the_newest_and_never_latest(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "root")
    job = tmp_path / "root" / "nightly"
    for day in range(11, 16):
        stamp = f"2025-03-{day}"
        store.publish("nightly", stamp, _run(store, stamp, f"r{day}", stamp))
    # latest left on an older stamp, as after a run killed between its two pointer moves.
    os.symlink("2025-03-12", job / "tmp-link")
    os.replace(job / "tmp-link", job / "latest")
    # keep=2: the newest two are 14 and 15; 11 and 13 go; 12 stays because latest points at it.
    assert store.prune("nightly", 2) == ["2025-03-11", "2025-03-13"]
    assert store.stamps("nightly") == ["2025-03-12", "2025-03-14", "2025-03-15"]
    assert sorted(p.name for p in (job / ".runs").iterdir()) == [
        "2025-03-12.r12",
        "2025-03-14.r14",
        "2025-03-15.r15",
    ]
    assert (job / "latest" / "results.json").read_text() == "2025-03-12"
    with pytest.raises(ValueError):
        store.prune("nightly", 0)


def test_leftovers_of_interrupted_runs_are_removed(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "root")
    job = tmp_path / "root" / "nightly"
    store.publish("nightly", "2025-03-14", _run(store, "2025-03-14", "r1", "one"))
    orphan = _run(store, "2025-03-15", "r2", "half")  # never published: a killed run
    os.symlink(".runs/2025-03-15.r2", job / ".tmp-latest-1234abcd")  # a link never renamed
    removed = store.clean_leftovers("nightly")
    assert sorted(p.name for p in removed) == [".tmp-latest-1234abcd", "2025-03-15.r2"]
    assert not orphan.exists()
    assert sorted(p.name for p in job.iterdir()) == [".runs", "2025-03-14", "latest"]
    assert (job / "latest" / "results.json").read_text() == "one"


def test_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path) -> None:
    path = tmp_path / "root" / ".sagstid.lock"
    with run_lock(path, "pid 42, sagstid nightly"):
        with pytest.raises(LockHeld) as refused, run_lock(path, "pid 43"):
            pass  # pragma: no cover - never reached
        assert str(refused.value) == (
            f"another run holds the lock {path} (pid 42, sagstid nightly); this run was not started"
        )
    with run_lock(path, "pid 44"):  # released: free again
        assert path.read_text() == "pid 44"
    assert path.read_text() == ""


def test_refused_run_exits_1_with_one_line_and_is_recorded(db: str, config_dir: Path, root: Path) -> None:
    with run_lock(root / ".sagstid.lock", "pid 42, sagstid quarterly"):
        result = nightly(db, config_dir, "2024-08-25")
    assert result.exit_code == 1
    assert result.stderr == (
        f"sagstid: error: another run holds the lock {root / '.sagstid.lock'} "
        "(pid 42, sagstid quarterly); this run was not started\n"
    )
    assert not (root / "nightly").exists()
    records, bad = manifest.read_journal(root / "runs.jsonl")
    assert bad == 0 and [r["outcome"] for r in records] == ["refused"]


# --- the commands through the run store ------------------------------------------------------


def test_nightly_writes_dated_folder_latest_and_manifest(db: str, config_dir: Path, root: Path) -> None:
    result = nightly(db, config_dir, "2024-08-25")
    assert result.exit_code == 0, result.output
    folder = root / "nightly" / "2024-08-25"
    # Year to date 2024-01-01..2024-08-25: the same 4 measured rows as the whole of 2024
    # (S-5 is open, S-6 in 2023, the duplicate pair excluded); 2 within -> 50.0 %.
    assert result.stdout == (
        "01.01.2024-25.08.2024: 4 afgørelser målt (udeladt 2, åbne 1), generel overholdelse "
        f"50,0 % (mål 90 %); rapporter i {folder}\n"
    )
    assert os.readlink(root / "nightly" / "latest") == "2024-08-25"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "enhed-JC-NORD.xlsx",
        "enhed-JC-SYD.xlsx",
        "enhed-YS.xlsx",
        "forventet-sagsbehandlingstid.csv",
        "forventet-sagsbehandlingstid.html",
        "manifest.json",
        "results.json",
        "udvalg.xlsx",
    ]
    results = json.loads((folder / "results.json").read_text())
    assert results["period"] == {"from": "2024-01-01", "to": "2024-08-25"}

    record = json.loads((folder / "manifest.json").read_text())
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", record["run_id"])
    assert record["job"] == "nightly" and record["outcome"] == "ok" and record["error"] is None
    assert record["parameters"]["period"] == {"from": "2024-01-01", "to": "2024-08-25"}
    assert record["parameters"]["as_of"] == "2024-08-25"
    # the kind of database and its name only, never its address (docs/operations.md, Secrets)
    assert record["parameters"]["db"] == f"SQLite, database {Path(db).name}"
    assert record["code_version"]["sagstid"] == "0.1.0"
    assert record["folder"] == str(folder)
    assert record["config"] == {
        "files": {p.name: sha256(p) for p in sorted(config_dir.glob("*.yaml"))},
        "catalogue_version": "BIF sagsbehandlingsfrister, revideret 1. juli 2024",
    }
    assert record["counts"]["decisions"]["rows"] == {
        "measured": 4,
        "excluded": 2,
        "open": 1,
        "out_of_period": 1,
    }
    assert record["counts"]["decisions"]["excluded"]["duplicate_id"] == 2
    assert sum(record["counts"]["decisions"]["excluded"].values()) == 2
    assert record["counts"]["complaints"]["rows"] == {
        "measured": 0,
        "excluded": 0,
        "open": 0,
        "out_of_period": 0,
    }
    assert record["general_compliance_pct"] == 50.0
    assert record["outputs"] == {
        name: {"sha256": sha256(folder / name), "bytes": (folder / name).stat().st_size}
        for name in names
        if name != "manifest.json"
    }
    started = dt.datetime.fromisoformat(record["started"])
    assert started <= dt.datetime.fromisoformat(record["finished"])
    journal, bad = manifest.read_journal(root / "runs.jsonl")
    assert bad == 0 and journal == [record]
    assert REF.encode() not in (root / "runs.jsonl").read_bytes()
    for path in folder.iterdir():
        assert REF.encode() not in path.read_bytes(), path


def test_rerun_of_the_same_night_is_identical_and_replaces_it(db: str, config_dir: Path, root: Path) -> None:
    job = root / "nightly"
    assert nightly(db, config_dir, "2024-08-25").exit_code == 0
    first_target = os.readlink(job / "2024-08-25")
    first = json.loads((job / "2024-08-25" / "manifest.json").read_text())
    first_results = (job / "2024-08-25" / "results.json").read_bytes()
    assert nightly(db, config_dir, "2024-08-25").exit_code == 0
    second = json.loads((job / "2024-08-25" / "manifest.json").read_text())
    assert (job / "2024-08-25" / "results.json").read_bytes() == first_results  # byte-identical
    assert second["outputs"]["results.json"] == first["outputs"]["results.json"]
    assert second["run_id"] != first["run_id"]
    assert os.readlink(job / "2024-08-25") != first_target
    assert [p.name for p in (job / ".runs").iterdir()] == [os.path.basename(os.readlink(job / "2024-08-25"))]


def test_retention_keeps_newest_runs_per_job(
    db: str, config_dir: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGSTID_KEEP_RUNS", "2")
    for day in ("2024-08-23", "2024-08-25", "2024-08-24"):
        assert nightly(db, config_dir, day).exit_code == 0
    # After the third run (24th, older than latest 25th) the newest two stamps remain.
    assert RunStore(root).stamps("nightly") == ["2024-08-24", "2024-08-25"]
    assert os.readlink(root / "nightly" / "latest") == "2024-08-25"
    assert len(list((root / "nightly" / ".runs").iterdir())) == 2
    monkeypatch.setenv("SAGSTID_KEEP_RUNS", "0")
    result = nightly(db, config_dir, "2024-08-26")
    assert result.exit_code == 2
    assert result.stderr == (
        "sagstid: error: SAGSTID_KEEP_RUNS '0': expected a whole number of runs, at least 1\n"
    )


def test_quarterly_and_annual_use_the_run_store_run_uses_root_period(
    db: str, config_dir: Path, root: Path
) -> None:
    common = ["--db", db, "--config", str(config_dir), "--workers", "1"]
    assert invoke("quarterly", "--quarter", "2024Q3", *common).exit_code == 0
    assert invoke("annual", "--year", "2024", *common).exit_code == 0
    assert invoke("run", "--from", "2024-08-01", "--to", "2024-08-31", *common).exit_code == 0
    assert os.readlink(root / "quarterly" / "latest") == "2024Q3"
    assert os.readlink(root / "annual" / "latest") == "2024"
    # Q3 2024 holds S-1 and S-2 (decided 20 and 23 August): 1 of 2 within.
    q3 = json.loads((root / "quarterly" / "latest" / "results.json").read_text())
    assert q3["decisions"]["total"]["decisions"] == 2 and q3["decisions"]["total"]["within_deadline"] == 1
    assert (root / "2024-08-01_2024-08-31" / "manifest.json").is_file()
    records, _ = manifest.read_journal(root / "runs.jsonl")
    assert [(r["job"], r["outcome"]) for r in records] == [
        ("quarterly", "ok"),
        ("annual", "ok"),
        ("run", "ok"),
    ]


def test_permissions_whatever_the_umask(
    db: str, config_dir: Path, root: Path, umask: Callable[[int], None]
) -> None:
    for mask in (0o000, 0o077):
        umask(mask)
        assert nightly(db, config_dir, f"2024-08-2{mask % 8}").exit_code == 0
        out = root / f"direct-{mask:o}"
        assert (
            invoke(
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
            ).exit_code
            == 0
        )
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                assert stat.S_IMODE(path.stat().st_mode) == 0o750, path
                seen += 1
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
                seen += 1
    assert stat.S_IMODE(root.stat().st_mode) == 0o750
    # Below root: nightly, .runs, 2 run folders, 2 direct folders = 6 folders. Files: 8 in each
    # of the 4 report folders (3 unit workbooks, udvalg, results, the citizens' csv and html,
    # manifest), the marker .sagstid-out in each of the 2 direct folders, the lock and
    # runs.jsonl of the run store and the lock and journal beside each direct folder
    # = 32 + 2 + 2 + 4 = 40.
    assert seen == 6 + 40


# --- the journal and `sagstid runs` ----------------------------------------------------------


def test_failed_runs_are_recorded_without_credentials(
    db: str, config_dir: Path, root: Path, make_config: Callable[..., Path]
) -> None:
    result = invoke(
        "nightly",
        "--db",
        "nosuchdialect://dbuser:secret@dbserver.example/db",
        "--config",
        str(config_dir),
        "--as-of",
        "2024-08-25",
    )
    assert result.exit_code == 2
    bad_config = make_config(deadlines="deadlines: [")
    assert invoke("nightly", "--db", db, "--config", str(bad_config), "--as-of", "2024-08-25").exit_code == 2
    records, bad = manifest.read_journal(root / "runs.jsonl")
    assert bad == 0
    assert [r["outcome"] for r in records] == ["failed", "failed"]
    # The journal names the kind of database and its name only: no host, login or password.
    assert records[0]["parameters"]["db"] == "nosuchdialect, database db"
    assert records[0]["error"].startswith("DatabaseError: database URL cannot be used")
    assert records[1]["error"].startswith(f"ConfigError: {bad_config / 'deadlines.yaml'}: line")
    assert all(r["bad_input"] for r in records)
    assert b"secret" not in (root / "runs.jsonl").read_bytes()
    assert b"dbserver" not in (root / "runs.jsonl").read_bytes()
    assert b"dbuser" not in (root / "runs.jsonl").read_bytes()
    assert not (root / "nightly").exists() or RunStore(root).stamps("nightly") == []


def _record(
    started: str,
    job: str,
    period: tuple[str, str],
    outcome: str,
    pct: float | None = None,
    folder: str | None = None,
    error: str | None = None,
) -> dict:
    return {
        "run_id": started,
        "job": job,
        "started": started,
        "outcome": outcome,
        "parameters": {"period": {"from": period[0], "to": period[1]}},
        "general_compliance_pct": pct,
        "folder": folder,
        "error": error,
    }


def test_runs_lists_newest_first(root: Path) -> None:
    root.mkdir()
    lines = [
        _record(
            "2025-03-14T02:15:03+01:00",
            "nightly",
            ("2025-01-01", "2025-03-14"),
            "ok",
            91.66,
            "/srv/r/nightly/2025-03-14",
        ),
        _record(
            "2025-04-02T03:30:00+02:00",
            "quarterly",
            ("2025-01-01", "2025-03-31"),
            "failed",
            error="OperationalError: connection refused",
        ),
        _record(
            "2025-04-02T02:15:00+02:00",
            "nightly",
            ("2025-01-01", "2025-04-02"),
            "refused",
            error="LockHeld: another run holds the lock",
        ),
    ]
    text = "".join(json.dumps(r) + "\n" for r in lines)
    (root / "runs.jsonl").write_text(text + '{"cut short\n')
    result = invoke("runs")
    assert result.exit_code == 0
    # Newest first by start time: 2 April 03:30, 2 April 02:15, 14 March. 91.66 shows as 91,7.
    assert result.stdout.splitlines() == [
        "tidspunkt            job        periode                udfald      generel overholdelse  mappe / fejl",
        "2025-04-02 03:30:00  quarterly  1. kvartal 2025        fejlet      –                     OperationalError: connection refused",
        "2025-04-02 02:15:00  nightly    01.01.2025-02.04.2025  afvist      –                     LockHeld: another run holds the lock",
        "2025-03-14 02:15:03  nightly    01.01.2025-14.03.2025  gennemført  91,7 %                /srv/r/nightly/2025-03-14",
    ]
    assert result.stderr == "sagstid: warning: 1 unreadable line(s) in runs.jsonl skipped\n"
    only = invoke("runs", "--job", "quarterly", "--limit", "1")
    assert [line.split()[2] for line in only.stdout.splitlines()[1:]] == ["quarterly"]


def test_runs_with_no_journal(root: Path) -> None:
    result = invoke("runs")
    assert result.exit_code == 0
    assert result.stdout == f"Ingen kørsler registreret i {root / 'runs.jsonl'}\n"


def test_journal_line_after_a_cut_short_write_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    path.write_text('{"run_id": "a"}\n{"run_id": "b", "outc')  # a write cut short by a full disk
    manifest.append_journal(path, {"run_id": "c"})
    records, bad = manifest.read_journal(path)
    assert [r["run_id"] for r in records] == ["a", "c"] and bad == 1
