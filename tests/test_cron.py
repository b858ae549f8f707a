"""cron/crontab and cron/run-job: the schedules fire when intended and each line runs for real.

The crontab is read with a small strict reader (every line a comment, a variable or a five-field
schedule), the next fire times come from croniter and are compared with times worked out by
hand, and every job line is run through bash exactly as written, with only the server paths
(variables and /opt/sagstid/cron/) pointed into tmp_path and a `sagstid` on PATH that runs this
checkout. The figures in the reports are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from croniter import croniter

REPO = Path(__file__).resolve().parent.parent
CRONTAB = REPO / "cron" / "crontab"
RUN_JOB = REPO / "cron" / "run-job"
REF = "010190-1234"
DECISIONS = [
    # KH-ANS from 2024-07-01 is 3 weeks: received Thu 2024-08-01 -> D = 2024-08-22.
    (1, "S-1", REF, "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None),  # within
    (2, "S-2", REF, "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-23", "2024-08-23", None),  # over
    # AKTINDSIGT 7 working days from Fri 2024-03-22 -> D = 2024-04-05 (Easter holidays skipped).
    (3, "S-3", REF, "JC-SYD", "AKTINDSIGT", "2024-03-22", "2024-04-02", "2024-04-02", None),  # within
    (4, "S-4", REF, "JC-SYD", "AKTINDSIGT", "2024-03-22", "2024-04-08", "2024-04-08", "2024-04-03"),
    (5, "S-5", REF, "JC-NORD", "KH-ANS", "2024-12-01", None, None, None),  # open
]
_VARIABLE = re.compile(r"^([A-Z_][A-Z0-9_]*)=(\S.*)$")
_FIELD = r"(\*|\d+(?:,\d+)*)"
_SCHEDULE = re.compile(rf"^{_FIELD} {_FIELD} {_FIELD} {_FIELD} {_FIELD} (\S.*)$")
_COMMAND = re.compile(
    r"^flock --verbose (-n|-w \d+) \$CRON_LOCK /opt/sagstid/cron/run-job (\w+) "
    r">> \$LOG/(\w+)\.log 2>&1$"
)


@dataclass(frozen=True)
class Line:
    schedule: str
    command: str
    job: str


def read_crontab(path: Path) -> tuple[dict[str, str], dict[str, Line]]:
    """A strict reader: fails on any line that is not a comment, a variable or a job line of
    the expected shape."""
    variables: dict[str, str] = {}
    lines: dict[str, Line] = {}
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        if match := _VARIABLE.match(text):
            variables[match[1]] = match[2]
            continue
        match = _SCHEDULE.match(text)
        assert match, f"crontab line {number} is neither a variable nor a schedule: {text!r}"
        command = match[6]
        assert "%" not in command, f"line {number}: cron turns % into a newline"
        shape = _COMMAND.match(command)
        assert shape, f"line {number}: unexpected command {command!r}"
        assert shape[2] == shape[3], f"line {number}: job {shape[2]} logs to {shape[3]}.log"
        assert shape[2] not in lines, f"line {number}: job {shape[2]} scheduled twice"
        lines[shape[2]] = Line(" ".join(match.group(1, 2, 3, 4, 5)), command, shape[2])
    return variables, lines


def test_crontab_has_the_four_jobs_and_its_variables() -> None:
    variables, lines = read_crontab(CRONTAB)
    assert sorted(lines) == ["annual", "halfyear", "nightly", "quarterly"]
    assert sorted(variables) == ["CRON_LOCK", "LOG", "PATH", "SAGSTID_DB_FILE", "SAGSTID_OUT", "SHELL"]
    assert variables["SHELL"] == "/bin/bash"  # the commands use bash's >> and 2>&1
    for line in lines.values():
        _minute, hour, _, _, weekday = line.schedule.split()
        assert weekday == "*"  # a day-of-month with a weekday would fire on either (cron's OR)
        assert hour != "2"  # the hour daylight saving time skips or repeats


@pytest.mark.parametrize(
    ("job", "start", "expected"),
    [
        # Every night at 01:30: from noon on 14 March the next two are the 15th and 16th.
        (
            "nightly",
            dt.datetime(2025, 3, 14, 12, 0),
            [dt.datetime(2025, 3, 15, 1, 30), dt.datetime(2025, 3, 16, 1, 30)],
        ),
        # 03:30 on the 2nd of January, April, July and October; from the January run itself
        # the next four are April, July, October and January of the next year.
        (
            "quarterly",
            dt.datetime(2025, 1, 2, 3, 30),
            [
                dt.datetime(2025, 4, 2, 3, 30),
                dt.datetime(2025, 7, 2, 3, 30),
                dt.datetime(2025, 10, 2, 3, 30),
                dt.datetime(2026, 1, 2, 3, 30),
            ],
        ),
        # 05:30 on the 2nd of January and July (after that day's quarterly run at 03:30):
        # from the July 2025 run itself, January 2026 and July 2026.
        (
            "halfyear",
            dt.datetime(2025, 7, 2, 5, 30),
            [dt.datetime(2026, 1, 2, 5, 30), dt.datetime(2026, 7, 2, 5, 30)],
        ),
        # 04:30 on 15 January: from just after the 2025 run, 2026 and 2027.
        (
            "annual",
            dt.datetime(2025, 1, 15, 5, 0),
            [dt.datetime(2026, 1, 15, 4, 30), dt.datetime(2027, 1, 15, 4, 30)],
        ),
    ],
)
def test_schedules_fire_when_intended(job: str, start: dt.datetime, expected: list[dt.datetime]) -> None:
    _, lines = read_crontab(CRONTAB)
    times = croniter(lines[job].schedule, start)
    assert [times.get_next(dt.datetime) for _ in expected] == expected


def test_fires_in_a_year() -> None:
    """In 2025: 365 nights, 4 quarter ends, 2 half year ends, 1 annual run."""
    _, lines = read_crontab(CRONTAB)
    counts = {}
    for job, line in lines.items():
        times = croniter(line.schedule, dt.datetime(2024, 12, 31, 23, 59))
        fires = []
        while (moment := times.get_next(dt.datetime)).year == 2025:
            fires.append(moment)
        counts[job] = len(fires)
    assert counts == {"nightly": 365, "quarterly": 4, "halfyear": 2, "annual": 1}


@pytest.fixture
def server(tmp_path: Path, make_db: Callable[..., str]) -> dict[str, str]:
    """The crontab's environment with its server paths pointed into tmp_path."""
    db_url = make_db(decisions=DECISIONS)
    (tmp_path / "db.url").write_text(db_url + "\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "sagstid"
    fake.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sagstid "$@"\n')
    fake.chmod(0o755)
    (tmp_path / "log").mkdir()
    variables, _ = read_crontab(CRONTAB)
    env = {
        **variables,
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "SAGSTID_DB_FILE": str(tmp_path / "db.url"),
        "SAGSTID_OUT": str(tmp_path / "root"),
        "LOG": str(tmp_path / "log"),
        "CRON_LOCK": str(tmp_path / "cron.lock"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    assert env.keys() == variables.keys() | {"HOME", "PYTHONPATH"}
    return env


def run_line(job: str, env: dict[str, str], today: str | None = None) -> subprocess.CompletedProcess:
    """The crontab's command for ``job`` run by bash as cron would, with run-job from this
    checkout."""
    _, lines = read_crontab(CRONTAB)
    command = lines[job].command.replace("/opt/sagstid/cron/", f"{REPO}/cron/")
    extra = {"SAGSTID_TODAY": today} if today else {}
    return subprocess.run(
        ["/bin/bash", "-c", command],
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_nightly_line_runs_for_real(server: dict[str, str]) -> None:
    root = Path(server["SAGSTID_OUT"])
    done = run_line("nightly", server, today="2024-08-25")
    log = (Path(server["LOG"]) / "nightly.log").read_text()
    assert done.returncode == 0, log
    assert os.readlink(root / "nightly" / "latest") == "2024-08-25"
    results = json.loads((root / "nightly" / "2024-08-25" / "results.json").read_text())
    # Year to date 1 Jan - 25 Aug 2024: S-1..S-4 decided (S-1 and S-3 within), S-5 open.
    assert results["period"] == {"from": "2024-01-01", "to": "2024-08-25"}
    assert results["decisions"]["rows"] == {"measured": 4, "excluded": 0, "open": 1, "out_of_period": 0}
    assert results["decisions"]["total"]["compliance_pct"] == 50.0
    assert "sagstid nightly (today 2024-08-25)" in log
    assert (
        f"01.01.2024-25.08.2024: 4 afgørelser målt (udeladt 0, åbne 1), generel overholdelse "
        f"50,0 % (mål 90 %); rapporter i {root / 'nightly' / '2024-08-25'}"
    ) in log
    assert done.stdout == done.stderr == ""  # everything went to the log

    # Without SAGSTID_TODAY the night is today's, and latest moves on to it.
    before = dt.date.today().isoformat()
    done = run_line("nightly", server)
    after = dt.date.today().isoformat()
    assert done.returncode == 0, (Path(server["LOG"]) / "nightly.log").read_text()
    assert os.readlink(root / "nightly" / "latest") in {before, after}
    assert os.readlink(root / "nightly" / "2024-08-25").startswith(".runs/2024-08-25.")


def test_quarterly_and_annual_lines_pick_the_period_just_ended(server: dict[str, str]) -> None:
    root = Path(server["SAGSTID_OUT"])
    # Fired on 2 January 2025: the quarter just ended is 2024Q4 (the year wraps back).
    done = run_line("quarterly", server, today="2025-01-02")
    assert done.returncode == 0, (Path(server["LOG"]) / "quarterly.log").read_text()
    q4 = json.loads((root / "quarterly" / "latest" / "results.json").read_text())
    assert os.readlink(root / "quarterly" / "latest") == "2024Q4"
    assert q4["period"] == {"from": "2024-10-01", "to": "2024-12-31"}
    # Fired on 15 January 2025: the year 2024, with S-1..S-4 measured, 2 of them within.
    done = run_line("annual", server, today="2025-01-15")
    assert done.returncode == 0, (Path(server["LOG"]) / "annual.log").read_text()
    year = json.loads((root / "annual" / "2024" / "results.json").read_text())
    assert year["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert (year["decisions"]["total"]["decisions"], year["decisions"]["total"]["within_deadline"]) == (4, 2)


def test_halfyear_line_picks_the_half_year_just_ended(server: dict[str, str]) -> None:
    root = Path(server["SAGSTID_OUT"])
    # Fired on 2 January 2025: the half year just ended is 2024H2 (the year wraps back) ...
    done = run_line("halfyear", server, today="2025-01-02")
    assert done.returncode == 0, (Path(server["LOG"]) / "halfyear.log").read_text()
    assert os.readlink(root / "halfyear" / "latest") == "2024H2"
    h2 = json.loads((root / "halfyear" / "latest" / "results.json").read_text())
    assert h2["period"] == {"from": "2024-07-01", "to": "2024-12-31"}
    assert (root / "halfyear" / "2024H2" / "udvalg.xlsx").exists()
    # ... and on 2 July 2025 it is 2025H1.
    done = run_line("halfyear", server, today="2025-07-02")
    assert done.returncode == 0, (Path(server["LOG"]) / "halfyear.log").read_text()
    h1 = json.loads((root / "halfyear" / "2025H1" / "results.json").read_text())
    assert h1["period"] == {"from": "2025-01-01", "to": "2025-06-30"}


def test_a_line_finding_the_cron_lock_taken_does_not_run(server: dict[str, str]) -> None:
    fd = os.open(server["CRON_LOCK"], os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another scheduled run holds it
        done = run_line("nightly", server, today="2024-08-25")
    finally:
        os.close(fd)
    assert done.returncode == 1
    assert (Path(server["LOG"]) / "nightly.log").read_text() == "flock: failed to get lock\n"
    assert not (Path(server["SAGSTID_OUT"]) / "nightly").exists()


def test_run_job_refuses_an_unknown_job(server: dict[str, str]) -> None:
    done = subprocess.run(
        [str(RUN_JOB), "weekly"], env=server, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr == "run-job: unknown job 'weekly' (nightly, quarterly, halfyear, annual)\n"
