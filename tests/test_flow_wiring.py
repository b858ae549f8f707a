"""The figures of docs/flow.md through the whole pipeline on a small hand-worked database:
extract (with and without the optional column promised_date) -> validate -> measure ->
results.json, the citizens' CSV, and the flow sheet in the workbooks.

One unit (JC-NORD), two areas with a 10-calendar-day deadline (D = received + 10, no rolling),
period March 2025 (as of 2025-03-31), flow_months 3 (January-March), the expected wait over
1 month (decided after 2025-02-28), min_count 7.

 id  area    received    decided     D           days  over  notice      promised
  1  KH-ANS  2025-01-10  2025-01-15  2025-01-20     5     -  -           -
  2  KH-ANS  2025-01-20  2025-02-10  2025-01-30    21    11  -           -
  3  KH-ANS  2024-12-20  2025-03-05  2024-12-30    75    65  -           -
  4  KH-ANS  2025-03-01  2025-03-18  2025-03-11    17     7  2025-03-05  2025-03-20 (kept)
  5  KH-ANS  2025-03-02  2025-03-20  2025-03-12    18     8  2025-03-10  2025-03-15 (missed)
  6  KH-ANS  2025-03-03  2025-03-10  2025-03-13     7     -  -           -
  7  KH-ANS  2025-03-25  (open)      2025-04-04     -     -  -           -
  8  KH-ANS  2025-02-01  2025-03-03  2025-02-11    30    20  2025-02-05  (none: missing)
  9  KH-ANS  2025-03-04  2025-03-30  2025-03-14    26    16  2025-03-20 (after D: not notified)
 10  LED-YD  2025-03-05  2025-03-12  2025-03-15     7     -  -           -
 11  KH-ANS  2025-03-06  2025-03-25  2025-03-16    19     9  2025-03-10  2025-02-30 (unreadable)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import pytest

from sagstid.periods import Period
from sagstid.pipeline import build_context, run_period
from sagstid.report.results_json import build_results, dumps, follow_up_sections
from sagstid.report.suppress import note
from sagstid.schema import SQLITE_DDL

DEADLINES = (
    "deadlines:\n"
    "  - {area: KH-ANS, name: Kontanthjælp, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
    "  - {area: LED-YD, name: Ledighedsydelse, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
)
MEASUREMENT = "flow_months: 3\nexpected_wait: {months: 1, share: 0.9, min_count: 7}\n"
TARGETS = (
    "goals:\n  - {measure: handling_complaints, baseline_year: 2023, reduction: 0.5, target_year: 2027}\n"
)
MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
DDL_WITH_PROMISED = SQLITE_DDL + "ALTER TABLE decisions ADD COLUMN promised_date DATE;\n"


def decision(ident, area, received, decided=None, notice=None, promised=None, with_promised=True):
    row = {
        "decision_id": ident,
        "case_id": f"S-{ident}",
        "citizen_ref": "010101-1234",
        "unit_code": "JC-NORD",
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
        "sent_date": decided,
        "delay_notice_date": notice,
    }
    if with_promised:
        row["promised_date"] = promised
    return row


ROWS = [
    (1, "KH-ANS", "2025-01-10", "2025-01-15", None, None),
    (2, "KH-ANS", "2025-01-20", "2025-02-10", None, None),
    (3, "KH-ANS", "2024-12-20", "2025-03-05", None, None),
    (4, "KH-ANS", "2025-03-01", "2025-03-18", "2025-03-05", "2025-03-20"),
    (5, "KH-ANS", "2025-03-02", "2025-03-20", "2025-03-10", "2025-03-15"),
    (6, "KH-ANS", "2025-03-03", "2025-03-10", None, None),
    (7, "KH-ANS", "2025-03-25", None, None, None),
    (8, "KH-ANS", "2025-02-01", "2025-03-03", "2025-02-05", None),
    (9, "KH-ANS", "2025-03-04", "2025-03-30", "2025-03-20", None),
    (10, "LED-YD", "2025-03-05", "2025-03-12", None, None),
    (11, "KH-ANS", "2025-03-06", "2025-03-25", "2025-03-10", "2025-02-30"),
]


def handling(ident, received):
    return {
        "complaint_id": ident,
        "case_id": f"K-{ident}",
        "citizen_ref": "010101-1234",
        "unit_code": "JC-NORD",
        "complaint_kind": "handling",
        "via_ombudsman": 0,
        "insured_unemployed": 0,
        "five_day_rule": 0,
        "received_date": received,
    }


# four handling complaints received in 2023 (the baseline), one in 2025 by the as-of date
COMPLAINTS = [
    handling(1, "2023-02-01"),
    handling(2, "2023-05-01"),
    handling(3, "2023-08-01"),
    handling(4, "2023-11-01"),
    handling(5, "2025-03-10"),
]


@pytest.fixture
def folder(make_config):
    config = make_config(deadlines=DEADLINES, targets=TARGETS)
    (config / "measurement.yaml").write_text(MEASUREMENT, encoding="utf-8")
    return config


@pytest.fixture
def db_with(make_db):
    return make_db(
        decisions=[decision(*r) for r in ROWS],
        complaints=COMPLAINTS,
        ddl=DDL_WITH_PROMISED,
        name="with.sqlite",
    )


@pytest.fixture
def db_without(make_db):
    return make_db(
        decisions=[decision(*r, with_promised=False) for r in ROWS],
        complaints=COMPLAINTS,
        name="without.sqlite",
    )


def results_of(db, folder):
    ctx = build_context(db, folder, MARCH)
    return json.loads(dumps(build_results(MARCH, ctx.current, **follow_up_sections(ctx))))


def month(rows, label, **keys):
    found = [r for r in rows if r["month"] == label and all(r[k] == v for k, v in keys.items())]
    assert len(found) == 1, (label, keys)
    return found[0]


def test_flow_per_month_around_the_period_edges(db_with, folder):
    flow = results_of(db_with, folder)["flow"]
    assert (flow["from_month"], flow["to_month"], flow["left_out"]) == ("2025-01", "2025-03", 0)
    # January: received 1 and 2; decided 1 (50 %); open at 01-31: 2 (11 days, 30-01 < 31-01:
    # overdue) and 3 (received 2024-12-20, before the span: 42 days, overdue) -> median 26.5
    jan = month(flow["total"], "2025-01")
    assert (jan["received"], jan["decided"], jan["clearance_pct"]) == (2, 1, 50.0)
    assert (jan["open"], jan["open_median_days"], jan["open_mean_days"], jan["open_overdue"]) == (
        2,
        26.5,
        26.5,
        2,
    )
    assert jan["month_end"] == "2025-01-31"
    # February: received 8; decided 2 (100 %); open at 02-28: 3 (70 days) and 8 (27 days), both overdue
    feb = month(flow["total"], "2025-02")
    assert (feb["received"], feb["decided"], feb["clearance_pct"]) == (1, 1, 100.0)
    assert (feb["open"], feb["open_median_days"], feb["open_overdue"]) == (2, 48.5, 2)
    # March: received 4, 5, 6, 7, 9, 10, 11 (7); decided 3, 4, 5, 6, 8, 9, 10, 11 (8): 8/7;
    # open at 03-31: 7 only (6 days, D 04-04 not passed)
    mar = month(flow["total"], "2025-03")
    assert (mar["received"], mar["decided"], mar["open"], mar["open_overdue"]) == (7, 8, 1, 0)
    assert mar["clearance_pct"] == pytest.approx(100 * 8 / 7)
    assert mar["open_median_days"] == 6.0
    # LED-YD has a row for every month; January has no receipts: clearance null, not 0
    led_jan = month(flow["by_area"], "2025-01", case_area_code="LED-YD")
    assert (led_jan["received"], led_jan["decided"], led_jan["clearance_pct"], led_jan["open"]) == (
        0,
        0,
        None,
        0,
    )
    assert len(flow["by_unit_area"]) == 6  # 2 areas x 3 months


def test_lateness_bands_at_7_and_8_days_over(db_with, folder):
    lateness = results_of(db_with, folder)["lateness"]
    assert [b["name"] for b in lateness["bands"]] == ["late_1_7", "late_8_21", "late_22_63", "late_64_plus"]
    assert lateness["bands"][3] == {"name": "late_64_plus", "from": 64, "to": None}
    total = lateness["total"]
    # measured: 3, 4, 5, 6, 8, 9, 10, 11; exceeded 3 (65), 4 (7), 5 (8), 8 (20), 9 (16), 11 (9)
    assert (total["decisions"], total["exceeded"]) == (8, 6)
    assert (total["late_1_7"], total["late_8_21"], total["late_22_63"], total["late_64_plus"]) == (1, 4, 0, 1)
    assert (total["late_unbanded"], total["very_late"]) == (0, 1)
    assert total["very_late_pct"] == pytest.approx(100 / 8)
    assert total["very_late_of_exceeded_pct"] == pytest.approx(100 / 6)


def test_promised_date_missing_kept_missed_and_unreadable(db_with, folder):
    results = results_of(db_with, folder)
    promised = results["promised_date"]
    assert promised["column_present"] is True
    # notified in time: 4, 5, 8, 11 (9's notice came after D); 4 kept, 5 missed, 8 missing,
    # 11 unreadable
    assert promised["total"] == {
        "notified": 4,
        "promised": 2,
        "promised_unreadable": 1,
        "promised_missing": 1,
        "promised_pct": 50.0,
        "kept": 1,
        "missed": 1,
        "kept_pct": 50.0,
    }
    # the unreadable promised date removes 11 from nothing else
    assert results["decisions"]["total"]["decisions"] == 8
    assert sum(results["decisions"]["excluded"].values()) == 0


def test_a_database_without_promised_date_still_runs(db_without, folder):
    results = results_of(db_without, folder)
    promised = results["promised_date"]
    assert promised["column_present"] is False
    assert (
        promised["total"]["notified"],
        promised["total"]["promised"],
        promised["total"]["promised_missing"],
    ) == (
        4,
        0,
        4,
    )
    assert results["decisions"]["total"]["decisions"] == 8
    assert results["lateness"]["total"]["exceeded"] == 6


def test_expected_wait_at_and_below_the_minimum_count(db_with, folder):
    wait = results_of(db_with, folder)["expected_wait"]
    assert wait["window"] == {"from": "2025-03-01", "to": "2025-03-31", "months": 1, "days": 31}
    by_area = {r["case_area_code"]: r for r in wait["by_area"]}
    kh = by_area["KH-ANS"]
    # KH-ANS decided in the window: 3, 4, 5, 6, 8, 9, 11 = 7 = min_count: enough. Days sorted
    # 7, 17, 18, 19, 26, 30, 75; k = ceil(0.9 * 7) = 7 -> 75. Open: 7 -> ceil(1 * 31 / 7) = 5.
    assert (kh["decisions"], kh["enough"], kh["k"], kh["days_within"]) == (7, True, 7, 75.0)
    assert (kh["open"], kh["projected_days"]) == (1, 5.0)
    led = by_area["LED-YD"]  # one decision: below the minimum, no figure
    assert (led["decisions"], led["enough"], led["days_within"], led["projected_days"]) == (
        1,
        False,
        None,
        None,
    )


def test_expected_wait_just_below_the_minimum(db_with, folder):
    (folder / "measurement.yaml").write_text(
        MEASUREMENT.replace("min_count: 7", "min_count: 8"), encoding="utf-8"
    )
    by_area = {r["case_area_code"]: r for r in results_of(db_with, folder)["expected_wait"]["by_area"]}
    assert (by_area["KH-ANS"]["decisions"], by_area["KH-ANS"]["enough"]) == (7, False)
    assert by_area["KH-ANS"]["days_within"] is None


def test_goal_against_the_baseline(db_with, folder):
    goals = results_of(db_with, folder)["goals"]
    (goal,) = [g for g in goals["goals"] if g["unit_code"] is None]
    # baseline 2023: 4; goal 4 x 0.5 = 2; elapsed (2025-03-31 - 2023-12-31) = 366 + 90 = 456 of
    # 1461 days -> expected 4 - 2 x 456/1461 = 3.3758; 2025 so far 1, projected 1 / (90/365)
    # = 4.056 > 3.3758: not met
    assert (goal["baseline"], goal["goal"]) == (4.0, 2.0)
    assert goal["elapsed_share"] == pytest.approx(456 / 1461)
    assert goal["expected"] == pytest.approx(4 - 2 * 456 / 1461)
    assert goal["current"] == pytest.approx(365 / 90)
    assert goal["status"] == "not_met"


def test_reports_include_the_citizens_files(db_with, folder, tmp_path):
    out = tmp_path / "out"
    summary = run_period(db_with, folder, MARCH, out)
    names = {p.name for p in summary.files}
    assert {"forventet-sagsbehandlingstid.csv", "forventet-sagsbehandlingstid.html"} <= names
    raw = (out / "forventet-sagsbehandlingstid.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[0] == "Sagsområde" and header[3].startswith("Målt: 9 af 10")
    by_code = {r[1]: dict(zip(header, r, strict=True)) for r in body}
    assert set(by_code) == {"KH-ANS", "LED-YD"}  # one row per published area
    kh, led = by_code["KH-ANS"], by_code["LED-YD"]
    assert kh["Offentliggjort frist"] == "10 kalenderdage"
    # KH-ANS: 7 decisions in the window (the minimum here), so its measured figure is shown;
    # its projected wait would be ceil(1 / (7 / 31)) = 5 days, but with 1 case waiting (fewer
    # than suppress_below = 5) the wait and the pace would give that count away: not shown.
    assert kh[header[3]] == "75" and kh[header[4]] == "for få sager"
    assert kh["Afgørelser i perioden"] == "7"
    assert "Ventende sager" not in header and "Afgørelser pr. dag" not in header
    assert led[header[3]] == "for få sager" and led[header[4]] == "for få sager"
    assert led["Afgørelser i perioden"] == "for få sager"  # under the minimum: may be 1 to 4
    assert kh["Opgjort pr."] == "2025-03-31"
    assert "010101" not in raw.decode("utf-8-sig")
    assert math.ceil(1 / (7 / 31)) == 5


def flow_sheet_rows(path):
    import openpyxl

    sheet = openpyxl.load_workbook(path)["Flow og ventetid"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_flow_sheet_in_the_unit_and_committee_workbooks(db_with, folder, tmp_path):
    out = tmp_path / "out"
    run_period(db_with, folder, MARCH, out)
    unit = flow_sheet_rows(out / "enhed-JC-NORD.xlsx")
    assert unit[0][0] == "Flow og ventetid – Jobcenter Nord"
    by_month = {r[0]: r[1:8] for r in unit if r[0] in ("januar 2025", "februar 2025", "marts 2025")}
    # the unit's own workbook shows every figure (the hand-worked months above)
    assert by_month["januar 2025"] == [2, 1, 0.5, 2, 2, 26.5, 26.5]
    assert by_month["marts 2025"][:5] == [7, 8, pytest.approx(8 / 7), 1, 0]
    lateness = next(r for r in unit if r[0] == "Jobcenter Nord")
    assert lateness[1:7] == [8, 6, 1, 4, 0, 1]  # decisions, exceeded, 1-7, 8-21, 22-63, 64+
    promised = unit[unit.index(next(r for r in unit if r[0] == "Overskredet, underrettet i tide")) + 1]
    assert promised[:7] == [4, 2, 0.5, 1, 1, 1, 0.5]
    # the committee's: every month has a count of 1-4 (suppress_below 5), so no month is shown
    committee = flow_sheet_rows(out / "udvalg.xlsx")
    assert any(r[0] == note(5) for r in committee)
    march = next(r for r in committee if r[0] == "marts 2025")
    assert march[1:8] == ["<5"] * 7
    # JC-NORD's 8 decisions are shown on Enheder, so its lateness row is shown here too; the
    # area's 1 open case is small: hidden with the projected wait worked out from it
    assert next(r for r in committee if r[0] == "Jobcenter Nord")[1:3] == [8, 6]
    kh = next(r for r in committee if r[0] == "Kontanthjælp")
    assert kh[1:5] == [7, 75, "<5", "<5"]
    # the goal is shown to the committee (a count against a baseline, not a group of cases)
    goal = next(r for r in committee if r[0] == "Formalitetsklager modtaget")
    assert goal[1:6] == ["Hele forvaltningen", "2023", 4, 2, "2027"] and goal[8] == "✖ Ikke på sporet"


def test_published_deadline_words_are_whole_numbers() -> None:
    """The per-area frame may carry the deadline value as a float (an area without an entry
    makes the column float): the citizens' page still writes "7 arbejdsdage", not "7.0"."""
    from sagstid.report.citizen_wait import deadline_words

    assert deadline_words(7.0, "working_days") == "7 arbejdsdage"
    assert deadline_words(24, "hours") == "24 timer"
    assert deadline_words(0.0, "calendar_days") == "samme dag"
