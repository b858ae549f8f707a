"""Every setting sagstid reads from the environment, declared and documented in one place.

The CLI's options fall back to these and take their help text from here; the README's
configuration table and docs/operations.md list them (tests/test_settings.py checks both).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sagstid.errors import InputError
from sagstid.paths import resource_dir


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    help: str  # the command-line option's help text, and the docs' description


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db", "SAGSTID_DB", "SQLAlchemy URL of the case-system database; default: the embedded demo database"
    ),
    Setting(
        "config",
        "SAGSTID_CONFIG",
        "Configuration folder (deadlines.yaml, targets.yaml, calendar.yaml, complaints.yaml, "
        "measurement.yaml); default: the config/ shipped with sagstid",
    ),
    Setting(
        "out",
        "SAGSTID_OUT",
        "Output root: reports, the run store of the scheduled jobs, the lock and runs.jsonl; "
        "default: ./rapporter",
    ),
    Setting(
        "today",
        "SAGSTID_TODAY",
        "The date to act as today, YYYY-MM-DD (catching up on a missed night, tests); default: "
        "the system's date",
    ),
    Setting(
        "keep_runs",
        "SAGSTID_KEEP_RUNS",
        "Run folders kept per scheduled job (a whole number, at least 1); default: nightly 31, "
        "quarterly 12, halfyear 10, annual 10",
    ),
    Setting(
        "demo_db",
        "SAGSTID_DEMO_DB",
        "Where the demo SQLite database is kept; default: ~/.cache/sagstid/demo.sqlite",
    ),
    Setting("debug", "SAGSTID_DEBUG", "Set to 1 to print the traceback of an unexpected failure"),
)

TEST_HOOKS: tuple[str, ...] = ("SAGSTID_TEST_PAUSE_AT", "SAGSTID_TEST_PAUSE_FILE")
"""Environment variables only the fault tests set (sagstid/faults.py); not settings."""


def setting(name: str) -> Setting:
    """The setting ``name`` of SETTINGS."""
    return next(s for s in SETTINGS if s.name == name)


def option_help(name: str) -> str:
    """The help text of the command-line option that falls back to setting ``name``."""
    s = setting(name)
    return f"{s.help} (environment: {s.env})."


def env(name: str) -> str | None:
    """The environment value of setting ``name``, or None when unset or empty."""
    value = os.environ.get(setting(name).env, "").strip()
    return value or None


def demo_db_path() -> Path:
    value = env("demo_db")
    if value:
        return Path(value)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "sagstid" / "demo.sqlite"


def default_config_dir() -> Path:
    value = env("config")
    return Path(value) if value else resource_dir("config")


def default_out_dir() -> Path:
    """The output root: $SAGSTID_OUT or ./rapporter; a file there is bad input."""
    value = env("out")
    path = Path(value) if value else Path("rapporter")
    if path.exists() and not path.is_dir():
        source = "SAGSTID_OUT" if value else "the output root"
        raise InputError(f"{source} {str(path)!r} is a file, not a folder")
    return path


def today() -> dt.date:
    """Today's date: $SAGSTID_TODAY if set (YYYY-MM-DD), else the system's date."""
    value = env("today")
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"SAGSTID_TODAY {value!r}: expected a date as YYYY-MM-DD") from None


KEEP_RUNS_DEFAULT: dict[str, int] = {"nightly": 31, "quarterly": 12, "halfyear": 10, "annual": 10}
"""How many run folders each scheduled job keeps when $SAGSTID_KEEP_RUNS is not set."""


def keep_runs(job: str) -> int:
    """Run folders to keep for ``job``: $SAGSTID_KEEP_RUNS, else the job's default."""
    value = env("keep_runs")
    if value is None:
        return KEEP_RUNS_DEFAULT.get(job, 10)
    try:
        keep = int(value)
    except ValueError:
        keep = 0
    if keep < 1:
        raise InputError(f"SAGSTID_KEEP_RUNS {value!r}: expected a whole number of runs, at least 1")
    return keep
