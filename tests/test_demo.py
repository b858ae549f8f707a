"""Tests of the embedded demo database generator (sagstid.dev.demo)."""

from __future__ import annotations

import calendar
import functools
import re
import sqlite3
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from statistics import mean
from typing import Any

import holidays
import pytest
import yaml

from sagstid.dev import demo
from sagstid.paths import resource_dir
from sagstid.schema import DECISION_DATE_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS

AS_OF = demo.DEMO_AS_OF
EXPECTED_UNITS = {
    "JC-NORD": "jobcenter",
    "JC-SYD": "jobcenter",
    "JC-OEST": "jobcenter",
    "JC-VEST": "jobcenter",
    "BC-AFKL": "beskaeftigelsescenter",
    "BC-INTEG": "beskaeftigelsescenter",
    "BC-UNG": "beskaeftigelsescenter",
    "YS": "ydelsesservice",
    "CDU": "klageenhed",
}
COMPLAINT_DATES = (
    "received_date",
    "deadline_date",
    "answered_date",
    "delay_notice_date",
    "forwarded_date",
    "appeal_decided_date",
)
SMALL = {"decisions_per_year": 3000, "complaints_per_year": 300}


def _rows(path: Path, sql: str) -> list[dict[str, Any]]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


def _date(text: Any) -> date | None:
    """The ISO date, or None for NULL and for text that is not a real ISO date."""
    if text is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _unreadable(text: Any) -> bool:
    return text is not None and _date(text) is None


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.DemoSummary]:
    path = tmp_path_factory.mktemp("small") / "demo.sqlite"
    return path, demo.build_demo_database(path, **SMALL)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Big enough for the shares and stories to be stable."""
    path = tmp_path_factory.mktemp("medium") / "demo.sqlite"
    demo.build_demo_database(path, decisions_per_year=20_000, complaints_per_year=3000)
    return path


@pytest.fixture(scope="module")
def decisions(small: tuple[Path, demo.DemoSummary]) -> list[dict[str, Any]]:
    return _rows(small[0], "SELECT * FROM decisions")


@pytest.fixture(scope="module")
def complaints(small: tuple[Path, demo.DemoSummary]) -> list[dict[str, Any]]:
    return _rows(small[0], "SELECT * FROM complaints")


@functools.cache
def _catalogue() -> list[dict[str, Any]]:
    text = (resource_dir("config") / "deadlines.yaml").read_text("utf-8")
    return yaml.safe_load(text)["deadlines"]


# -- an independent implementation of docs/contract.md §3.1/3.2, for the demo's deadline stories --


@functools.cache
def _closed() -> tuple[frozenset[str], frozenset[date]]:
    cal = yaml.safe_load((resource_dir("config") / "calendar.yaml").read_text("utf-8")) or {}
    return frozenset(cal.get("closed_every_year", [])), frozenset(cal.get("closed_dates", []))


@functools.cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.Denmark(years=year)


@functools.cache
def _is_working(d: date) -> bool:
    every, dates = _closed()
    return (
        d.weekday() < 5 and d not in _holidays(d.year) and d.strftime("%m-%d") not in every and d not in dates
    )


@functools.cache
def _deadline_cached(start: date, area: str) -> date | None:
    entry = _entry(area, start)
    return None if entry is None else _deadline(start, entry)


def _deadline(start: date, entry: dict[str, Any]) -> date:
    n, unit = entry["value"], entry["unit"]
    if unit == "working_days":
        d, k = start, 0
        while k < n:
            d += timedelta(days=1)
            k += _is_working(d)
        return d
    if unit == "months":
        y, m = divmod(start.month - 1 + n, 12)
        year, month = start.year + y, m + 1
        d = date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    else:
        d = start + timedelta(days=n * (7 if unit == "weeks" else 1))
    while entry.get("roll_to_working_day") and not _is_working(d):
        d += timedelta(days=1)
    return d


def _entry(area: str, received: date) -> dict[str, Any] | None:
    for e in _catalogue():
        if e["area"] == area and e["valid_from"] <= received <= e.get("valid_to", date.max):
            return e
    return None


def _measured(path: Path) -> list[dict[str, Any]]:
    """Clean decided rows with within (by the independent deadline) and decided year."""
    rows = _rows(path, "SELECT * FROM decisions WHERE decided_date IS NOT NULL")
    ids = Counter(r["decision_id"] for r in rows)
    out = []
    for r in rows:
        rec, dec = _date(r["received_date"]), _date(r["decided_date"])
        deadline = _deadline_cached(rec, r["case_area_code"]) if rec else None
        if (
            ids[r["decision_id"]] > 1
            or not (rec and dec and deadline)
            or dec < rec
            or r["unit_code"] not in EXPECTED_UNITS
        ):
            continue
        out.append({**r, "within": dec <= deadline, "year": dec.year, "days": (dec - rec).days})
    return out


def _pct(rows: list[dict[str, Any]]) -> float:
    return 100 * mean(r["within"] for r in rows)


# -- structure --


def test_tables_have_the_contract_columns_and_the_version(small: tuple[Path, Any]) -> None:
    path, _ = small
    for table, columns in REQUIRED_COLUMNS.items():
        found = [r["name"] for r in _rows(path, f"PRAGMA table_info({table})")]
        # the required columns, then the optional ones the demo has (decisions.promised_date)
        assert [*columns, *OPTIONAL_COLUMNS.get(table, ())] == found, table
    meta = {r["key"]: r["value"] for r in _rows(path, "SELECT * FROM demo_meta")}
    assert meta["demo_version"] == str(demo.DEMO_VERSION)
    assert not path.with_suffix(".tmp").exists()


def test_summary_counts_the_written_rows(small: tuple[Path, demo.DemoSummary]) -> None:
    path, summary = small
    count = {t: _rows(path, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in REQUIRED_COLUMNS}
    assert summary.path == path
    assert (summary.units, summary.decisions, summary.complaints, summary.audit_samples) == (
        count["units"],
        count["decisions"],
        count["complaints"],
        count["audit_samples"],
    )
    assert 4 * 3000 * 0.9 < summary.decisions < 4 * 3000 * 1.15
    assert 4 * 300 * 0.85 < summary.complaints < 4 * 300 * 1.2


def test_units_exist_with_their_types(small: tuple[Path, Any]) -> None:
    units = {r["unit_code"]: r for r in _rows(small[0], "SELECT * FROM units")}
    assert {code: r["unit_type"] for code, r in units.items()} == EXPECTED_UNITS
    assert units["JC-OEST"]["unit_name"] == "Jobcenter Øst"
    assert units["CDU"]["unit_name"] == "Center for Driftsunderstøttelse"


def test_the_demo_catalogue_mirrors_config_deadlines() -> None:
    mirrored = sorted((a, v[0], v[1], v[2], v[3]) for a, (_, vs) in demo.AREAS.items() for v in vs)
    config = sorted(
        (e["area"], e["valid_from"].isoformat(), e["value"], e["unit"], bool(e.get("roll_to_working_day")))
        for e in _catalogue()
    )
    assert mirrored == config


def test_every_catalogue_area_occurs_with_a_realistic_deciding_unit(decisions: list[dict[str, Any]]) -> None:
    seen = {r["case_area_code"] for r in decisions}
    assert {e["area"] for e in _catalogue()} <= seen
    by_area = defaultdict(set)
    for r in decisions:
        if r["unit_code"] != "JC-GAMMEL":  # the bad rows' unknown unit
            by_area[r["case_area_code"]].add(r["unit_code"])
    assert by_area["KH-ANS"] == {"YS"}
    assert by_area["SDP-RET"] == {"JC-NORD", "JC-SYD", "JC-OEST", "JC-VEST"}
    assert "CDU" in by_area["AKTINDSIGT"] and "CDU" not in by_area["FOEP"]
    volume = Counter(r["case_area_code"] for r in decisions)
    assert volume["KH-ANS"] > 20 * volume["FOEP"] and volume["TILBAGEMELD"] > volume["AKTINDSIGT"]


def test_ids_and_references_look_like_a_case_system(decisions: list[dict[str, Any]]) -> None:
    assert all(re.fullmatch(r"S-20\d\d-\d{7}", r["case_id"]) for r in decisions)
    assert all(re.fullmatch(r"[0-3]\d[01]\d\d\d-\d{4}", r["citizen_ref"]) for r in decisions)
    per_citizen = Counter(r["citizen_ref"] for r in decisions)
    assert max(per_citizen.values()) >= 3 and len(per_citizen) < len(decisions) / 2


# -- bad rows --


def test_duplicate_decision_ids_are_pairs_and_only_with_bad_rows(
    decisions: list[dict[str, Any]], tmp_path: Path
) -> None:
    ids = Counter(r["decision_id"] for r in decisions)
    dups = [i for i, n in ids.items() if n > 1]
    assert 4 * 3 <= len(dups) <= 5 * 8 and all(ids[i] == 2 for i in dups)
    clean = tmp_path / "clean.sqlite"
    demo.build_demo_database(clean, bad_rows=False, **SMALL)
    rows = _rows(clean, "SELECT * FROM decisions")
    assert len({r["decision_id"] for r in rows}) == len(rows)
    assert not any(_unreadable(r[c]) for r in rows for c in DECISION_DATE_COLUMNS)
    assert all(r["received_date"] and r["unit_code"] in EXPECTED_UNITS for r in rows)
    assert {r["case_area_code"] for r in rows} <= set(demo.AREA_CODES)
    kinds = {r["complaint_kind"] for r in _rows(clean, "SELECT * FROM complaints")}
    assert kinds == {"decision", "handling"}


def test_each_kind_of_bad_decision_occurs_in_every_measured_year(decisions: list[dict[str, Any]]) -> None:
    for column in DECISION_DATE_COLUMNS:
        assert any(_unreadable(r[column]) for r in decisions), column
    kinds: dict[str, Counter[int]] = defaultdict(Counter)
    for r in decisions:
        dec, rec = _date(r["decided_date"]), _date(r["received_date"])
        if dec is None:
            continue
        kinds["missing_received"][dec.year] += r["received_date"] is None
        kinds["decided_before_received"][dec.year] += bool(rec and dec < rec)
        kinds["unknown_unit"][dec.year] += r["unit_code"] == "JC-GAMMEL"
        kinds["unknown_area"][dec.year] += r["case_area_code"] == "XX-UKENDT"
        kinds["no_deadline"][dec.year] += bool(
            r["case_area_code"] == "SHY-ANS" and rec and rec < date(2019, 7, 1)
        )
    for kind, per_year in kinds.items():
        for year in demo.DEMO_YEARS:
            assert 3 <= per_year[year] <= 8, (kind, year)


def test_each_kind_of_bad_complaint_occurs(complaints: list[dict[str, Any]]) -> None:
    ids = Counter(r["complaint_id"] for r in complaints)
    assert any(n == 2 for n in ids.values()) and max(ids.values()) == 2
    assert any(_unreadable(r["answered_date"]) for r in complaints)
    other_dates = ("received_date", "delay_notice_date")
    assert any(_unreadable(r[c]) for r in complaints for c in other_dates)
    assert any(r["received_date"] is None for r in complaints)
    assert any(
        (a := _date(r["answered_date"])) and (b := _date(r["received_date"])) and a < b for r in complaints
    )
    assert any(r["unit_code"] not in EXPECTED_UNITS for r in complaints)
    assert Counter(r["complaint_kind"] for r in complaints).keys() == {"decision", "handling", "andet"}


# -- dates and open cases --


def test_no_date_after_the_snapshot_day(small: tuple[Path, Any]) -> None:
    path = small[0]
    checks = {
        "decisions": DECISION_DATE_COLUMNS,
        "audit_samples": ("audit_date",),
        # deadline_date is a deadline set by Borgerrådgiveren and may lie ahead
        "complaints": tuple(c for c in COMPLAINT_DATES if c != "deadline_date"),
    }
    for table, columns in checks.items():
        for column in columns:
            values = _rows(path, f"SELECT {column} FROM {table}")
            latest = max(filter(None, (_date(r[column]) for r in values)))
            assert latest <= AS_OF, (table, column)
            assert latest >= AS_OF - timedelta(days=100), (table, column)


def test_clean_decision_dates_are_in_order(decisions: list[dict[str, Any]]) -> None:
    for r in decisions:
        rec, dec, sent, notice = (_date(r[c]) for c in DECISION_DATE_COLUMNS)
        if not rec or not dec or dec < rec or (r["case_area_code"] == "SHY-ANS" and rec.year < 2020):
            continue
        assert sent is None or sent >= dec
        assert notice is None or rec <= notice <= dec


def test_open_decisions_exist_and_some_are_overdue(decisions: list[dict[str, Any]]) -> None:
    open_ = [r for r in decisions if r["decided_date"] is None]
    assert len(open_) > 20 and all(r["sent_date"] is None for r in open_)
    received = [_date(r["received_date"]) for r in open_]
    assert sum(d >= AS_OF - timedelta(days=125) for d in received) > 0.9 * len(open_)
    assert any(d.year == 2025 for d in received)
    overdue = [r for r in open_ if _deadline_cached(_date(r["received_date"]), r["case_area_code"]) < AS_OF]
    assert 0.05 * len(open_) < len(overdue) < 0.6 * len(open_)
    assert any(r["delay_notice_date"] for r in open_)


def test_open_complaints_are_recent_and_without_outcome(complaints: list[dict[str, Any]]) -> None:
    open_ = [r for r in complaints if r["answered_date"] is None]
    assert open_
    for r in open_:
        assert r["outcome"] is None and r["forwarded_date"] is None
        if r["received_date"]:
            assert _date(r["received_date"]) >= AS_OF - timedelta(days=90)


def test_complaint_fields_follow_the_rules(complaints: list[dict[str, Any]]) -> None:
    for r in complaints:
        if r["complaint_kind"] == "decision":
            assert r["via_ombudsman"] == 0 and r["deadline_date"] is None
        if r["complaint_kind"] == "handling":
            assert r["insured_unemployed"] == 0 and r["forwarded_date"] is None
        assert r["five_day_rule"] <= r["insured_unemployed"]
        assert r["deadline_date"] is None or r["via_ombudsman"] == 1
        if not _unreadable(r["appeal_decided_date"]):
            assert (r["appeal_outcome"] is None) == (r["appeal_decided_date"] is None)
        if r["forwarded_date"] is not None:
            assert r["outcome"] == "upheld"
        assert r["outcome"] in (None, *demo.OUTCOMES)
        assert r["unit_code"] != "CDU"
    assert {r["appeal_outcome"] for r in complaints} >= {"confirmed", "changed"}


def test_audit_samples(small: tuple[Path, Any]) -> None:
    rows = _rows(small[0], "SELECT * FROM audit_samples")
    assert len({r["sample_id"] for r in rows}) == len(rows)
    assert {r["case_area_code"] for r in rows} == {"REVA", "FLEKS", "FOEP"}
    assert {r["unit_code"] for r in rows} == {
        u for u, t in EXPECTED_UNITS.items() if t in ("jobcenter", "beskaeftigelsescenter")
    }
    per_month = Counter((r["unit_code"], r["audit_date"][:7]) for r in rows)
    assert min(per_month.values()) >= 10 and max(per_month.values()) <= 20
    for col in ("resource_profile", "citizen_involved", "deadline_met_or_notified"):
        assert {r[col] for r in rows} == {0, 1}
        assert 0.93 < mean(r[col] for r in rows) < 0.99


# -- the stories, on a bigger database --


def test_deadline_compliance_differs_by_area_and_unit(medium: Path) -> None:
    rows = _measured(medium)
    years = [r for r in rows if r["year"] in demo.DEMO_YEARS]
    assert 89.0 <= _pct(years) <= 94.0
    assert 8 <= mean(r["days"] for r in years) <= 20

    def area(code: str) -> list[dict[str, Any]]:
        return [r for r in years if r["case_area_code"] == code]

    def unit(code: str, year: int | None = None) -> list[dict[str, Any]]:
        return [r for r in years if r["unit_code"] == code and year in (None, r["year"])]

    assert _pct(area("FOEP")) < 80 and _pct(area("FLEKS")) < 80 and _pct(area("AKUT-HJ")) > 95
    for other in ("JC-SYD", "JC-OEST", "JC-VEST"):
        assert _pct(unit("JC-NORD")) < _pct(unit(other)) - 3
    assert _pct(unit("JC-OEST", 2023)) < _pct(unit("JC-OEST", 2026)) - 5


def test_decisions_are_sent_promptly_except_at_jc_syd(medium: Path) -> None:
    gaps: dict[tuple[str, bool], list[int]] = defaultdict(list)
    unsent: list[bool] = []
    for r in _rows(medium, "SELECT * FROM decisions WHERE unit_code != 'JC-GAMMEL'"):
        dec, sent = _date(r["decided_date"]), _date(r["sent_date"])
        if dec and sent and sent >= dec:
            gaps[r["unit_code"], dec.year >= 2025].append((sent - dec).days)
        if dec and r["unit_code"] != "JC-SYD":
            unsent.append(r["sent_date"] is None)
    assert sum(g > 10 for g in gaps["JC-SYD", True]) > 20
    assert max(gaps["JC-SYD", False]) <= 7
    assert max(max(days) for (u, _), days in gaps.items() if u != "JC-SYD") <= 7
    same_day = [d == 0 for (u, _), days in gaps.items() if u != "JC-SYD" for d in days]
    assert 0.7 < mean(same_day) < 0.9
    assert 0.002 < mean(unsent) < 0.012


def test_late_decisions_mostly_have_a_notice_before_the_deadline(medium: Path) -> None:
    late = [r for r in _measured(medium) if not r["within"]]
    before = 0
    for r in late:
        rec = _date(r["received_date"])
        notice = _date(r["delay_notice_date"])
        before += bool(notice and notice <= _deadline_cached(rec, r["case_area_code"]))
    assert 0.55 < before / len(late) < 0.75


def test_jc_vest_complaint_surge_in_september_2025(medium: Path) -> None:
    rows = _rows(medium, "SELECT received_date FROM complaints WHERE unit_code = 'JC-VEST'")
    months = Counter(r["received_date"][:7] for r in rows if r["received_date"])
    others = [months[f"2025-{m:02d}"] for m in range(1, 13) if m != 9]
    assert months["2025-09"] > 2.2 * mean(others)


# -- determinism and ensure_demo_database --


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in (*REQUIRED_COLUMNS, "demo_meta")
        }
    finally:
        con.close()


def test_same_seed_same_rows_other_seed_other_rows(small: tuple[Path, Any], tmp_path: Path) -> None:
    again, other = tmp_path / "again.sqlite", tmp_path / "other.sqlite"
    demo.build_demo_database(again, **SMALL)
    demo.build_demo_database(other, seed=7, **SMALL)
    assert _dump(again) == _dump(small[0])
    assert _dump(other)["decisions"] != _dump(small[0])["decisions"]
    assert _dump(other)["complaints"] != _dump(small[0])["complaints"]


def test_build_overwrites_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    path.write_text("not a database")
    demo.build_demo_database(path, **SMALL)
    assert _rows(path, "SELECT count(*) AS n FROM units")[0]["n"] == 9


def test_ensure_builds_once_and_rebuilds_on_another_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    real = demo.build_demo_database

    def small_build(path: Path) -> demo.DemoSummary:
        calls.append(path)
        return real(path, decisions_per_year=500, complaints_per_year=50)

    monkeypatch.setattr(demo, "build_demo_database", small_build)
    path = tmp_path / "nested" / "folder" / "demo.sqlite"
    assert demo.ensure_demo_database(path) == path and path.is_file() and len(calls) == 1
    mtime = path.stat().st_mtime_ns
    assert demo.ensure_demo_database(path) == path
    assert len(calls) == 1 and path.stat().st_mtime_ns == mtime

    con = sqlite3.connect(path)
    con.execute("UPDATE demo_meta SET value = '0' WHERE key = 'demo_version'")
    con.commit()
    con.close()
    demo.ensure_demo_database(path)
    assert len(calls) == 2
    assert _rows(path, "SELECT value FROM demo_meta WHERE key = 'demo_version'")[0]["value"] == str(
        demo.DEMO_VERSION
    )

    path.write_bytes(b"garbage")
    demo.ensure_demo_database(path)
    assert len(calls) == 3 and _rows(path, "SELECT count(*) AS n FROM units")[0]["n"] == 9


def _handling_per_year(path: Path) -> Counter[tuple[str, int]]:
    rows = _rows(
        path,
        "SELECT complaint_id, unit_code, received_date FROM complaints WHERE complaint_kind = 'handling'",
    )
    ids = Counter(r["complaint_id"] for r in rows)
    return Counter(
        (r["unit_code"], _date(r["received_date"]).year)
        for r in rows
        if ids[r["complaint_id"]] == 1 and _date(r["received_date"])
    )


def test_handling_complaints_fit_the_contract_maxima(medium: Path) -> None:
    """Most units stay within their maximum; JC-NORD is over every year, JC-VEST in 2025 (its
    surge is mostly handling complaints). Every complained-about unit has a 2026 maximum."""
    maxima = yaml.safe_load((resource_dir("config") / "targets.yaml").read_text("utf-8"))[
        "handling_complaints_max"
    ]
    counts = _handling_per_year(medium)
    over = {
        (unit, year)
        for unit, years in maxima.items()
        for year, most in years.items()
        if year < AS_OF.year and counts[unit, year] > most
    }
    assert over == {("JC-NORD", 2023), ("JC-NORD", 2024), ("JC-NORD", 2025), ("JC-VEST", 2025)}
    complained = {unit for unit, _ in counts} - {"JC-GAMMEL"}
    assert all(2026 in maxima[unit] for unit in complained)


def test_the_surge_rule_flags_jc_vest_september_2025(medium: Path) -> None:
    import datetime as dt

    from sagstid.config import load_config
    from sagstid.periods import Period
    from sagstid.pipeline import build_context

    config = load_config(resource_dir("config"))
    assert config.complaints.surge_alpha == 0.001
    ctx = build_context(f"sqlite:///{medium}", resource_dir("config"), Period(dt.date(2023, 1, 1), AS_OF))
    assert ctx.surge is not None
    alerts = set(zip(ctx.surge.alerts["unit_code"], ctx.surge.alerts["month"], strict=False))
    assert ("JC-VEST", "2025-09") in alerts
    assert len(alerts) <= 3  # about 330 unit-months judged at alpha 0.001
