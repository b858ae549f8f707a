"""Real servers and programs for the tests: PostgreSQL and LibreOffice from Debian packages.

The test command itself provides what these tests need (CI is a clean Debian machine, root, apt
reachable): a missing program is installed with apt-get, a PostgreSQL cluster is created in a
temporary folder, started on 127.0.0.1 on a free port and removed afterwards. Anything that
cannot be had FAILS the test with a message saying what is missing and why; nothing is skipped.

* ``apt_install(packages, probe)``: install Debian packages unless ``probe()`` already finds them.
* ``PostgresServer``: one throw-away cluster (``start()``, ``create_database(name)``, ``stop()``).
* ``postgres_server``: a session-scoped pytest fixture with one running server.
* ``copy_database(source_url, target_url)``: the source tables from one database into another,
  created through SQLAlchemy with real ``DATE`` columns.
* ``soffice()``: the LibreOffice program, installed if absent.
"""

from __future__ import annotations

import datetime as dt
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from sagstid.schema import REQUIRED_COLUMNS

APT = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "-q", "-y"]
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
_apt_lock = threading.Lock()
_apt_updated = False


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def apt_install(packages: Sequence[str], probe: Callable[[], object]) -> None:
    """Install ``packages`` (no recommends) unless ``probe()`` is already truthy; fail clearly."""
    global _apt_updated
    if probe():
        return
    what = " ".join(packages)
    if shutil.which("apt-get") is None:
        _fail(
            f"{what} is needed for this test and is not installed, and there is no apt-get "
            "to install it with (the test command expects a Debian machine)"
        )
    if os.geteuid() != 0:
        _fail(
            f"{what} is needed for this test and is not installed; run the tests as root "
            f"(as CI does) or install it first: apt-get install --no-install-recommends {what}"
        )
    with _apt_lock:
        steps = [] if _apt_updated else [APT + ["update"]]
        steps.append(APT + ["install", "--no-install-recommends", *packages])
        for command in steps:
            done = subprocess.run(command, env=APT_ENV, capture_output=True, text=True)
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                _fail(
                    f"could not install {what}: `{' '.join(command)}` exited "
                    f"{done.returncode}: {' | '.join(tail)}"
                )
        _apt_updated = True
    if not probe():
        _fail(f"installed {what}, but the program is still not found")


# --- PostgreSQL ---------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """The bin folder of the newest Debian PostgreSQL server, if installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """The account the server runs as when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    _fail(
        "running as root, and there is neither a postgres nor a nobody account to run "
        "the PostgreSQL server as"
    )
    return None


@dataclass
class PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (trust authentication, loopback only)."""

    bin: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sagstid-pg-")))
    port: int = field(default_factory=free_port)
    superuser: str = "sagstid"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        user = _server_user()
        command = (["runuser", "-u", user, "--"] if user else []) + list(args)
        return subprocess.run(command, capture_output=True, text=True, cwd=self.root)

    def _check(self, done: subprocess.CompletedProcess[str], what: str) -> None:
        if done.returncode != 0:
            log = self.log.read_text(errors="replace").strip() if self.log.exists() else ""
            detail = (done.stderr.strip() or done.stdout.strip() or log).splitlines()[-3:]
            _fail(f"PostgreSQL server: {what} failed (exit {done.returncode}): {' | '.join(detail)}")

    def start(self) -> None:
        user = _server_user()
        if user:
            shutil.chown(self.root, user)
        self.root.chmod(0o700)
        self._check(
            self._run(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                self.superuser,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ),
            "initdb",
        )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c full_page_writes=off"
        self._check(
            self._run(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ),
            "pg_ctl start",
        )

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its SQLAlchemy URL."""
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            engine.dispose()
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


CREATECLUSTER_DROPIN = Path("/etc/postgresql-common/createcluster.d/sagstid-tests.conf")


def ensure_postgres() -> Path:
    """The PostgreSQL server programs, installed from Debian packages if absent.

    Before a fresh install, a postgresql-common drop-in stops the package from creating (and
    starting) the distribution's "main" cluster: the tests make their own and remove it.
    """
    if postgres_bin() is None and os.geteuid() == 0:
        CREATECLUSTER_DROPIN.parent.mkdir(parents=True, exist_ok=True)
        CREATECLUSTER_DROPIN.write_text(
            "# written by sagstid's tests (tests/servers.py)\ncreate_main_cluster = false\n", encoding="utf-8"
        )
    apt_install(["postgresql"], postgres_bin)
    found = postgres_bin()
    assert found is not None
    return found


_shared: list[PostgresServer] = []
_users = 0


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One running PostgreSQL server for the whole test session, removed at its end.

    Every test module that imports this fixture gets its own fixture definition from pytest;
    they share one server (started by the first, stopped when the last is done).
    """
    global _users
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _fail("psycopg (3) is not installed: pip install -e '.[test]' installs it")
    if not _shared:
        server = PostgresServer(ensure_postgres())
        try:
            server.start()
        except BaseException:
            server.stop()
            raise
        _shared.append(server)
    _users += 1
    try:
        yield _shared[0]
    finally:
        _users -= 1
        if _users == 0:
            _shared.pop().stop()


_databases = itertools.count(1)


@pytest.fixture
def postgres_db(postgres_server: PostgresServer) -> str:
    """A new, empty database on the shared server; its SQLAlchemy URL."""
    return postgres_server.create_database(f"sagstid_test_{os.getpid()}_{next(_databases)}")


# --- loading the source tables into another database ----------------------------------------

_DATE_COLUMNS = {
    "decisions": ("received_date", "decided_date", "sent_date", "delay_notice_date"),
    "complaints": (
        "received_date",
        "deadline_date",
        "answered_date",
        "delay_notice_date",
        "forwarded_date",
        "appeal_decided_date",
    ),
    "audit_samples": ("audit_date",),
}
_INTEGER_COLUMNS = {
    "decision_id",
    "complaint_id",
    "sample_id",
    "via_ombudsman",
    "insured_unemployed",
    "five_day_rule",
    "resource_profile",
    "citizen_involved",
    "deadline_met_or_notified",
}


def contract_metadata() -> sa.MetaData:
    """Source tables (docs/contract.md §1) with real DATE and INTEGER columns, for any database."""
    metadata = sa.MetaData()
    for table, columns in REQUIRED_COLUMNS.items():
        dates = _DATE_COLUMNS.get(table, ())
        sa.Table(
            table,
            metadata,
            *(
                sa.Column(c, sa.Date if c in dates else sa.Integer if c in _INTEGER_COLUMNS else sa.Text)
                for c in columns
            ),
        )
    decisions = metadata.tables["decisions"].c
    sa.Index("ix_decisions_decided", decisions.decided_date, decisions.unit_code)  # docs/database.md
    sa.Index("ix_decisions_id", decisions.decision_id)
    sa.Index("ix_complaints_answered", metadata.tables["complaints"].c.answered_date)
    return metadata


def _as_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))  # an unreadable text cannot go into a DATE column


def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    """Copy every contract table of ``source_url`` into freshly created tables at ``target_url``.

    Dates become real DATE values, so the source must hold only readable date texts (a DATE
    column cannot store ``31/02/2024``). Returns the rows copied per table.
    """
    metadata = contract_metadata()
    source, target = sa.create_engine(source_url), sa.create_engine(target_url)
    copied: dict[str, int] = {}
    try:
        metadata.drop_all(target)
        metadata.create_all(target)
        with source.connect() as reader, target.begin() as writer:
            for table in metadata.sorted_tables:
                frame = pd.read_sql_query(
                    sa.select(*(sa.column(c.name) for c in table.columns)).select_from(sa.table(table.name)),
                    reader,
                )
                records = frame.astype(object).where(frame.notna(), None).to_dict("records")
                for record in records:
                    for column in _DATE_COLUMNS.get(table.name, ()):
                        record[column] = _as_date(record[column])
                if records:
                    writer.execute(table.insert(), records)
                copied[table.name] = len(records)
    finally:
        source.dispose()
        target.dispose()
    return copied


# --- LibreOffice ------------------------------------------------------------------------------


CARLITO = Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")


def soffice() -> str:
    """The LibreOffice program (installed headless from Debian packages if absent), with the
    Carlito font: it has Calibri's metrics, so pages break as in Excel and page counts are
    stable (without it LibreOffice draws Calibri as DejaVu Sans, about a quarter wider)."""

    def probe() -> str | None:
        program = shutil.which("soffice") or shutil.which("libreoffice")
        return program if program and CARLITO.exists() else None

    apt_install(["libreoffice-calc-nogui", "fonts-crosextra-carlito"], probe)
    program = probe()
    assert program is not None
    return program


def pdftotext() -> str:
    """poppler's pdftotext (installed from Debian packages if absent)."""

    def probe() -> str | None:
        return shutil.which("pdftotext")

    apt_install(["poppler-utils"], probe)
    program = probe()
    assert program is not None
    return program


def pdf_tools() -> tuple[str, str]:
    """pdfinfo and pdftotext (poppler-utils, installed from Debian packages if absent)."""
    apt_install(["poppler-utils"], lambda: shutil.which("pdfinfo") and shutil.which("pdftotext"))
    info, text = shutil.which("pdfinfo"), shutil.which("pdftotext")
    assert info is not None and text is not None
    return info, text


# --- Chromium ---------------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str:
    """The Chromium program (installed from Debian packages if absent)."""

    def probe() -> str | None:
        return shutil.which("chromium") or shutil.which("chromium-browser")

    apt_install(["chromium"], probe)
    program = probe()
    assert program is not None
    return program
