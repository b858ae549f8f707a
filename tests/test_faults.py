"""Faults caused for real in child processes: a second run while one holds the lock, a run
killed with SIGKILL at each stage of writing, and a full disk while writing.

A child is a real ``python -m sagstid`` process. To kill it at a known point it is started with
``SAGSTID_TEST_PAUSE_AT=<stage>`` (sagstid.faults.checkpoint): it writes its pid to a marker
file and waits there, and the test sends SIGKILL. The full disk is RLIMIT_FSIZE set low in the
child (SIGXFSZ ignored), so write() fails with EFBIG exactly as it would with ENOSPC.

After each fault every name a reader uses is checked: each file there is whole (its SHA-256 is
the one its manifest lists, results.json is byte for byte the old or the new run's, workbooks
open in openpyxl) and ``latest`` is on a complete run.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sagstid.cli import cli
from sagstid.ops import manifest
from sagstid.schema import SQLITE_DDL

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "config"
UNITS = [("JC-NORD", "Jobcenter Nord", "jobcenter"), ("JC-SYD", "Jobcenter Syd", "jobcenter")]
V1 = [
    # KH-ANS from 2024-07-01 is 3 weeks: received Thu 2024-08-01 -> D = 2024-08-22.
    (1, "S-1", "x", "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None),  # within
    (2, "S-2", "x", "JC-SYD", "KH-ANS", "2024-08-01", "2024-08-23", "2024-08-23", None),  # over
]
# A data fix: one more decision, so the re-run's figures differ (3 measured instead of 2).
V2 = V1 + [(3, "S-3", "x", "JC-NORD", "KH-ANS", "2024-08-05", "2024-08-24", "2024-08-24", None)]
STAMP = "2024-08-25"


def _db(path: Path, rows: list[tuple]) -> str:
    connection = sqlite3.connect(path)
    connection.executescript(SQLITE_DDL)
    connection.executemany("INSERT INTO units (unit_code, unit_name, unit_type) VALUES (?, ?, ?)", UNITS)
    connection.executemany(
        "INSERT INTO decisions (decision_id, case_id, citizen_ref, unit_code, case_area_code, "
        "received_date, decided_date, sent_date, delay_notice_date) VALUES (?,?,?,?,?,?,?,?,?)",
        rows,
    )
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


def _invoke(root: Path, *args: str) -> object:
    result = CliRunner().invoke(
        cli,
        [*args, "--config", str(CONFIG), "--workers", "1"],
        env={"SAGSTID_OUT": str(root)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two versions of the source database and, from version 1, a run store with the night of
    2024-08-25 and a plain report folder for 2024 (made once, copied into each test)."""
    base = tmp_path_factory.mktemp("faults")
    v1, v2 = _db(base / "v1.sqlite", V1), _db(base / "v2.sqlite", V2)
    _invoke(base / "store", "nightly", "--db", v1, "--as-of", STAMP)
    _invoke(
        base / "direct",
        "run",
        "--db",
        v1,
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(base / "direct" / "reports"),
    )
    # the reference re-runs the night with version 2 on the same history, so that it records
    # the same revisions of version 1's figures (results.json "revisions") as a re-run does
    shutil.copytree(base / "store", base / "reference", symlinks=True)
    _invoke(base / "reference", "nightly", "--db", v2, "--as-of", STAMP)
    old = (base / "store" / "nightly" / STAMP / "results.json").read_bytes()
    new = (base / "reference" / "nightly" / STAMP / "results.json").read_bytes()
    # Hand-worked: version 1 has 2 measured decisions (1 within), version 2 has 3 (2 within).
    assert json.loads(old)["decisions"]["total"]["decisions"] == 2
    assert json.loads(new)["decisions"]["total"]["decisions"] == 3
    return {"base": base, "v1": v1, "v2": v2, "old": old, "new": new}


@pytest.fixture
def store_root(world: dict, tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(world["base"] / "store", root, symlinks=True)
    return root


@pytest.fixture
def direct_root(world: dict, tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(world["base"] / "direct", root, symlinks=True)
    return root


def _env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGSTID_")}
    return {**env, "PYTHONPATH": str(REPO), "SAGSTID_OUT": str(root), **extra}


def _start(
    root: Path,
    args: list[str],
    pause_at: str | None = None,
    marker: Path | None = None,
    workers: int = 1,
    **popen: object,
) -> subprocess.Popen:
    extra = {}
    if pause_at:
        assert marker is not None
        extra = {"SAGSTID_TEST_PAUSE_AT": pause_at, "SAGSTID_TEST_PAUSE_FILE": str(marker)}
    return subprocess.Popen(
        [sys.executable, "-m", "sagstid", *args, "--config", str(CONFIG), "--workers", str(workers)],
        env=_env(root, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[arg-type]
    )


def _wait_paused(child: subprocess.Popen, marker: Path) -> None:
    """Wait until the child has reached its pause point (a safety limit, not a timing test)."""
    deadline = time.monotonic() + 180
    while not marker.exists():
        if child.poll() is not None:
            pytest.fail(
                f"the child ended (exit {child.returncode}) before its pause point: "
                f"{child.stderr.read() if child.stderr else ''}"
            )
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the child never reached its pause point")
        time.sleep(0.05)


def _kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL


def _assert_whole(folder: Path) -> bytes:
    """Every file in a published folder is the one its manifest lists; returns results.json."""
    record = json.loads((folder / "manifest.json").read_text())
    assert record["outcome"] == "ok"
    marker = [".sagstid-out"] if (folder / ".sagstid-out").exists() else []  # an --out folder
    assert sorted(p.name for p in folder.iterdir()) == sorted([*record["outputs"], "manifest.json", *marker])
    for name, info in record["outputs"].items():
        assert manifest.sha256_file(folder / name) == info["sha256"], name
        if name.endswith(".xlsx"):
            openpyxl.load_workbook(folder / name, read_only=True).close()
    return (folder / "results.json").read_bytes()


def _reader_names(root: Path) -> dict[str, bytes]:
    """Every file a reader can reach by a name without a leading dot, with its bytes."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                path = Path(dirpath) / name
                seen[str(path.relative_to(root))] = path.read_bytes()
    return seen


# --- (a) the lock -----------------------------------------------------------------------------


def test_a_second_run_is_refused_while_a_real_run_holds_the_lock(
    world: dict, store_root: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "paused"
    first = _start(store_root, ["nightly", "--db", world["v2"], "--as-of", STAMP], "locked", marker)
    try:
        _wait_paused(first, marker)
        second = _start(store_root, ["nightly", "--db", world["v2"], "--as-of", "2024-08-26"])
        out, err = second.communicate(timeout=180)
        assert second.returncode == 1
        assert out == ""
        lock = store_root / ".sagstid.lock"
        assert re.fullmatch(
            rf"sagstid: error: another run holds the lock {re.escape(str(lock))} "
            rf"\(pid {first.pid}, sagstid nightly, started \S+\); this run was not started\n",
            err,
        )
    finally:
        _kill(first)
    # The kernel released the killed holder's lock: the next run needs no clean-up by hand.
    _invoke(store_root, "nightly", "--db", world["v2"], "--as-of", "2024-08-26")
    records, _ = manifest.read_journal(store_root / "runs.jsonl")
    assert [r["outcome"] for r in records] == ["ok", "refused", "ok"]  # the killed run: no line


# --- (b) SIGKILL at each stage ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pause_at", "published"),
    [
        ("locked", False),  # lock taken, nothing written
        ("unit-staged", False),  # one unit workbook in the staging folder
        ("staged", False),  # every report staged, none moved
        ("written", False),  # reports in the run's hidden folder, no manifest
        ("manifest-written", False),  # run folder complete, no name points at it yet
        ("stamp-linked", True),  # the stamp points at the new run
        ("published", True),  # latest moved, not yet pruned or journalled
    ],
)
def test_rerun_killed_at_any_stage_leaves_a_whole_run_visible(
    world: dict, store_root: Path, tmp_path: Path, pause_at: str, published: bool
) -> None:
    marker = tmp_path / "paused"
    child = _start(store_root, ["nightly", "--db", world["v2"], "--as-of", STAMP], pause_at, marker)
    _wait_paused(child, marker)
    _kill(child)
    job = store_root / "nightly"
    assert os.readlink(job / "latest") == STAMP
    expected = world["new"] if published else world["old"]
    assert _assert_whole(job / "latest") == expected
    assert _assert_whole(job / STAMP) == expected
    assert sorted(p.name for p in job.iterdir() if not p.name.startswith(".")) == [STAMP, "latest"]
    # The next run clears what the killed one left (its hidden folders and links) and publishes.
    _invoke(store_root, "nightly", "--db", world["v2"], "--as-of", STAMP)
    assert _assert_whole(job / "latest") == world["new"]
    assert sorted(p.name for p in job.iterdir()) == [".runs", STAMP, "latest"]
    assert [p.name for p in (job / ".runs").iterdir()] == [os.readlink(job / STAMP)[len(".runs/") :]]


def test_new_night_killed_between_its_pointers_keeps_latest_on_the_previous_night(
    world: dict, store_root: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "paused"
    child = _start(
        store_root, ["nightly", "--db", world["v2"], "--as-of", "2024-08-26"], "stamp-linked", marker
    )
    _wait_paused(child, marker)
    _kill(child)
    job = store_root / "nightly"
    assert os.readlink(job / "latest") == STAMP
    assert _assert_whole(job / "latest") == world["old"]
    new_night = json.loads(_assert_whole(job / "2024-08-26"))  # complete, just not latest yet
    assert new_night["period"] == {"from": "2024-01-01", "to": "2024-08-26"}


@pytest.mark.parametrize(
    ("pause_at", "swapped"),
    [
        ("unit-staged", False),  # one workbook written, in the run's hidden sibling folder
        ("staged", False),  # every report staged
        ("replacing", False),  # moving files inside the hidden sibling
        ("manifest-written", False),  # the new folder complete, not yet swapped with --out
        ("swapping", False),  # flushed, the swap next
        ("swapped", True),  # --out is the new run's folder; the old one not yet removed
    ],
)
def test_run_into_a_folder_killed_while_publishing_is_all_or_nothing(
    world: dict, direct_root: Path, tmp_path: Path, pause_at: str, swapped: bool
) -> None:
    reports = direct_root / "reports"
    before = {p.name: p.read_bytes() for p in reports.iterdir()}
    marker = tmp_path / "paused"
    args = ["run", "--db", world["v2"], "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(reports)]
    child = _start(direct_root, args, pause_at, marker)
    _wait_paused(child, marker)
    _kill(child)
    after = {p.name: p.read_bytes() for p in reports.iterdir()}
    if swapped:
        assert json.loads(_assert_whole(reports))["decisions"]["total"]["decisions"] == 3
    else:
        assert after == before  # every file of the previous run, byte for byte, and nothing else
    # The next run removes what the killed one left beside the folder and publishes whole.
    _invoke(direct_root, *args)
    assert sorted(p.name for p in direct_root.iterdir()) == [
        ".reports.runs.jsonl",
        ".reports.sagstid.lock",
        "reports",
    ]
    assert json.loads(_assert_whole(reports))["decisions"]["total"]["decisions"] == 3


# --- (c) a full disk ----------------------------------------------------------------------------

FILE_SIZE_LIMIT = 10_000  # bytes: above results.json (~2.3 KB) and a journal line, below a workbook


def _small_disk() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so write() fails with EFBIG instead


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("mode", ["run-store", "folder"])
def test_full_disk_while_writing_leaves_previous_reports(
    world: dict, tmp_path: Path, mode: str, workers: int
) -> None:
    root = tmp_path / "root"
    shutil.copytree(world["base"] / ("store" if mode == "run-store" else "direct"), root, symlinks=True)
    journal_name = "runs.jsonl" if mode == "run-store" else ".reports.runs.jsonl"
    before = _reader_names(root)
    old_journal = (root / journal_name).read_bytes()
    assert all(len(data) > FILE_SIZE_LIMIT for name, data in before.items() if name.endswith(".xlsx"))
    if mode == "run-store":
        args = ["nightly", "--db", world["v2"], "--as-of", STAMP]
    else:
        args = [
            "run",
            "--db",
            world["v2"],
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
            "--out",
            str(root / "reports"),
        ]
    child = _start(root, args, workers=workers, preexec_fn=_small_disk)  # workers inherit the limit
    out, err = child.communicate(timeout=180)
    assert child.returncode == 2  # no room to write: the operator's to fix, like bad input
    assert out == ""
    assert [line for line in err.splitlines() if line.startswith("sagstid:")] == [
        # the system's words, whichever writer met the limit first (a workbook file, a
        # constant_memory sheet's temporary file, results.json)
        "sagstid: error: no room to write the reports ([Errno 27] File too large); "
        "the previous reports are unchanged"
    ]
    assert "Traceback" not in err
    after = _reader_names(root)
    after.pop("runs.jsonl", None), before.pop("runs.jsonl", None)  # checked below
    assert after == before  # the previous reports, byte for byte
    assert (root / journal_name).read_bytes().startswith(old_journal)
    records, bad = manifest.read_journal(root / journal_name)
    assert bad == 0
    assert [r["outcome"] for r in records] == ["ok", "failed"]
    assert records[0]["error"] is None
    assert records[1]["error"].endswith(": [Errno 27] File too large")  # the error's kind first
    if mode == "run-store":
        assert len(list((root / "nightly" / ".runs").iterdir())) == 1  # the failed run's is gone
    else:  # nothing left beside the folder but its lock and journal
        assert sorted(p.name for p in root.iterdir()) == [
            ".reports.runs.jsonl",
            ".reports.sagstid.lock",
            "reports",
        ]


# --- (d) a run stopped by a signal, and a main process killed under its workbook processes -----


def _workbook_processes(parent: int) -> list[int]:
    """The pids of the workbook processes of ``parent``: those its fork server (a child of
    ``parent``) forked (Linux, where these tests run, always has a fork server)."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(re.search(r"^PPid:\s+(\d+)", status, re.M)[1])  # type: ignore[index]
        processes[int(entry.name)] = (ppid, cmdline)
    servers = {
        pid for pid, (ppid, cmdline) in processes.items() if ppid == parent and b"forkserver" in cmdline
    }
    return [pid for pid, (ppid, _) in processes.items() if ppid in servers]


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _paused_in_workers(root: Path, tmp_path: Path, db: str) -> tuple[subprocess.Popen, list[int]]:
    """A nightly run with 2 workbook processes, both paused while writing their workbook."""
    marker = tmp_path / "paused"
    child = _start(root, ["nightly", "--db", db, "--as-of", STAMP], "unit-writing", marker, workers=2)
    _wait_paused(child, marker)
    deadline = time.monotonic() + 60
    while len(workers := _workbook_processes(child.pid)) < 2:
        assert time.monotonic() < deadline, "the workbook processes never started"
        time.sleep(0.1)
    return child, workers


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_run_stopped_by_a_signal_stops_its_workers_and_is_recorded(
    world: dict, store_root: Path, tmp_path: Path, signum: int, status: int
) -> None:
    before = _reader_names(store_root)
    child, workers = _paused_in_workers(store_root, tmp_path, world["v2"])
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)
    assert child.returncode == status  # 128 + the signal's number
    assert out == ""
    assert "Traceback" not in err
    name = signal.Signals(signum).name
    assert [line for line in err.splitlines() if line.startswith("sagstid:")] == [
        f"sagstid: interrupted: stopped by {name}; the run is recorded as interrupted and the "
        "previous reports are unchanged"
    ]
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a workbook process outlived the stopped run"
        time.sleep(0.1)
    after = _reader_names(store_root)
    old_journal, new_journal = before.pop("runs.jsonl"), after.pop("runs.jsonl")
    assert after == before
    assert new_journal.startswith(old_journal)
    records, bad = manifest.read_journal(store_root / "runs.jsonl")
    assert bad == 0
    assert [(r["outcome"], r["error"]) for r in records] == [
        ("ok", None),
        ("interrupted", f"Interrupted: stopped by {name}"),
    ]
    # The stopped run's hidden folder is gone: only the published night's remains.
    assert len(list((store_root / "nightly" / ".runs").iterdir())) == 1


def test_workbook_processes_exit_when_the_main_process_is_killed(
    world: dict, store_root: Path, tmp_path: Path
) -> None:
    child, workers = _paused_in_workers(store_root, tmp_path, world["v2"])
    _kill(child)
    deadline = time.monotonic() + 5  # "within seconds"
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a workbook process outlived its killed main process"
        time.sleep(0.1)
    job = store_root / "nightly"
    assert _assert_whole(job / "latest") == world["old"]


def test_a_signal_landing_in_a_finaliser_still_stops_the_run(capfd: pytest.CaptureFixture[str]) -> None:
    # Python runs the handler between any two steps of the main thread, also inside a __del__ or
    # a weakref callback the garbage collector runs, where it prints the exception and drops it
    # (a nightly run hung so, paused in its workbook processes). The signal is sent again, and
    # Interrupted is raised once the finaliser is done, with no traceback printed.
    from sagstid.ops.signals import Interrupted, stop_on_signals

    class Finalised:
        def __del__(self) -> None:
            signal.raise_signal(signal.SIGTERM)
            for _ in range(1000):  # some steps inside the finaliser: the handler runs here
                pass

    def run() -> None:
        with stop_on_signals():
            Finalised()  # dropped at once: __del__ runs, and Python drops what it raises
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                time.sleep(0.01)

    with pytest.raises(Interrupted) as stopped:
        run()
    assert stopped.value.signum == signal.SIGTERM
    assert "Traceback" not in capfd.readouterr().err


def test_a_signal_inside_an_atomic_step_stops_the_run_once_the_step_is_done() -> None:
    # Handing a job to the workbook processes is atomic (sagstid/atomic.py): a stop signal that
    # arrives meanwhile must not cut it in two, but must stop the run right after it.
    from sagstid.atomic import atomic
    from sagstid.ops.signals import Interrupted, stop_on_signals

    steps: list[str] = []

    def run() -> None:
        with stop_on_signals():
            with atomic():
                signal.raise_signal(signal.SIGINT)
                for _ in range(1000):  # steps at which the handler would otherwise raise
                    pass
                steps.append("step done")
            steps.append("after the step")  # never reached: the run stops as the step ends

    with pytest.raises(Interrupted) as stopped:
        run()
    assert stopped.value.signum == signal.SIGINT
    assert steps == ["step done"]
