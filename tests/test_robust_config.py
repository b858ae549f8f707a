"""Configuration files that break the rules stop a real run with exit 2 and one line naming
the file (docs/operations.md): a key given twice, a deadline beyond its upper bound, a folder
where a file belongs, a file that is not UTF-8, a file that cannot be read and a socket. The
previous reports in --out are left byte for byte as they were."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from robust_run import CONFIG, assert_no_traceback, run_cli

from sagstid.config import load_config
from sagstid.errors import ConfigError

ROWS = [(1, "S-1", "x", "JC-NORD", "KH-ANS", "2024-08-01", "2024-08-20", "2024-08-20", None)]
ONE_AREA = "deadlines:\n  - {area: KH-ANS, name: Klage, value: 4, unit: %s, valid_from: 2020-01-01}\n"


def _text(name: str, text: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        (folder / name).write_text(text, encoding="utf-8")

    return write


def _bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return write


def _folder(name: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()

    return write


def _link(name: str, target: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).symlink_to(target)

    return write


DUPLICATE = (
    "deadlines:\n"  # line 1
    "  - {area: KH-ANS, name: Klage, value: 4, unit: weeks, valid_from: 2020-01-01}\n"
    "catalogue_version: '1'\n"
    "deadlines:\n"  # line 4: would silently replace the first block
    "  - {area: KH-ANS, name: Klage, value: 8, unit: weeks, valid_from: 2020-01-01}\n"
)
CASES = {
    "duplicate-key": (
        _text("deadlines.yaml", DUPLICATE),
        "deadlines.yaml: line 4: duplicate key 'deadlines' (first given on line 1)",
    ),
    "duplicate-key-in-entry": (
        _text("targets.yaml", "general: 90\nconcrete: 80\ngeneral: 95\n"),
        "targets.yaml: line 3: duplicate key 'general' (first given on line 1)",
    ),
    "months-huge": (
        _text("deadlines.yaml", ONE_AREA.replace("value: 4", "value: 1000000000000000000") % "months"),
        "deadlines.yaml: deadlines[0] (area KH-ANS): value: at most 120 months (got 1000000000000000000)",
    ),
    "months-beyond-int64": (
        _text("deadlines.yaml", ONE_AREA.replace("value: 4", "value: 100000000000000000000") % "months"),
        "deadlines.yaml: deadlines[0] (area KH-ANS): value: at most 120 months (got 100000000000000000000)",
    ),
    "working-days": (
        _text("deadlines.yaml", ONE_AREA.replace("value: 4", "value: 3651") % "working_days"),
        "deadlines.yaml: deadlines[0] (area KH-ANS): value: at most 3650 working_days (got 3651)",
    ),
    "complaint-weeks": (
        _text("complaints.yaml", "decision_weeks: 521\n"),
        "complaints.yaml: decision_weeks: Input should be less than or equal to 520 (got 521)",
    ),
    "folder": (_folder("targets.yaml"), "targets.yaml: is a folder, expected a configuration file"),
    "not-utf8": (
        # 'Klageenhed Ø' in Latin-1 on line 2: the byte 0xd8 is not UTF-8
        _bytes("targets.yaml", "general: 90\n# Klageenhed \xd8\n".encode("latin-1")),
        "targets.yaml: line 2: not UTF-8 text (byte 0xd8)",
    ),
    # /proc/self/mem is a regular file whose read at offset 0 fails with EIO, even for root
    "unreadable": (
        _link("targets.yaml", "/proc/self/mem"),
        "targets.yaml: cannot be read (Input/output error)",
    ),
    "broken-link": (
        _link("calendar.yaml", "/nonexistent/calendar.yaml"),
        "calendar.yaml: not a regular file (a broken link, a device, a pipe or a socket)",
    ),
}


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A database and the reports of a good run of it (made once, copied into each test)."""
    import sqlite3

    from sagstid.schema import SQLITE_DDL

    base = tmp_path_factory.mktemp("robust-config")
    connection = sqlite3.connect(base / "db.sqlite")
    connection.executescript(SQLITE_DDL)
    connection.execute("INSERT INTO units VALUES ('JC-NORD', 'Jobcenter Nord', 'jobcenter')")
    connection.executemany("INSERT INTO decisions VALUES (?,?,?,?,?,?,?,?,?)", ROWS)
    connection.commit()
    connection.close()
    url = f"sqlite:///{base / 'db.sqlite'}"
    outcome = run_cli(url, base / "good", "2024-01-01", "2024-12-31")
    assert outcome.exit_code == 0, outcome.stderr
    return url, base / "good"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_config_file_is_one_line_exit_2(case: str, previous: tuple[str, Path], tmp_path: Path) -> None:
    url, good = previous
    out = tmp_path / "out"
    shutil.copytree(good, out)
    before = _snapshot(out)
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    change, message = CASES[case]
    change(folder)
    outcome = run_cli(url, out, "2024-01-01", "2024-12-31", folder, root=tmp_path / "store")
    assert outcome.exit_code == 2, outcome.stderr
    assert_no_traceback(outcome)
    assert outcome.error_lines() == [f"sagstid: error: {folder}/{message}"]
    assert _snapshot(out) == before


def test_socket_where_a_file_belongs(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "calendar.yaml").unlink()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "calendar.yaml"))
        with pytest.raises(ConfigError) as error:
            load_config(folder)
    finally:
        server.close()
    assert (
        str(error.value)
        == f"{folder}/calendar.yaml: not a regular file (a broken link, a device, a pipe or a socket)"
    )


@pytest.mark.parametrize(
    ("unit", "limit"), [("calendar_days", 3650), ("working_days", 3650), ("weeks", 520), ("months", 120)]
)
def test_deadline_upper_bounds(unit: str, limit: int, make_config: Callable[..., Path]) -> None:
    """The bound itself is allowed, one more is refused."""
    ok = load_config(make_config(ONE_AREA.replace("value: 4", f"value: {limit}") % unit))
    assert ok.catalogue.deadlines[0].value == limit
    with pytest.raises(ConfigError, match=f"value: at most {limit} {unit} \\(got {limit + 1}\\)"):
        load_config(make_config(ONE_AREA.replace("value: 4", f"value: {limit + 1}") % unit))


def test_same_key_in_different_mappings_is_fine(make_config: Callable[..., Path]) -> None:
    """Each entry of a list is its own mapping: 'area' in two entries is not a duplicate."""
    text = (
        "deadlines:\n"
        "  - {area: A, name: A, value: 4, unit: weeks, valid_from: 2020-01-01}\n"
        "  - {area: B, name: B, value: 4, unit: weeks, valid_from: 2020-01-01}\n"
    )
    assert [e.area for e in load_config(make_config(text)).catalogue.deadlines] == ["A", "B"]
