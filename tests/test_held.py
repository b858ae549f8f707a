"""Held decisions and gaming flag (docs/held.md) on a hand-built database; every figure is worked
out by hand below.

Catalogue: area A, 10 calendar days (D = received + 10). Period Monday 2025-03-03 to Sunday
2025-03-30: four complete ISO weeks W10 (03-03..09), W11 (03-10..16), W12 (03-17..23),
W13 (03-24..30); no holidays in March 2025. measurement.yaml: held_after_working_days 2; gaming
threshold 20 %, band 5 (so [15, 20] %), window 3 weeks (W11-W13), min_weeks 2, min_sent 4,
min_waiting 2, max_hold_weeks 8.

Both units, every week with Monday m: four on-time decisions (received m-5, D m+5, decided and
sent m+1) and one late decision (received m-15, D m-5, decided and sent m+2): 5 sent, 1 late,
20 % (in the band). 20 decisions per unit.

JC-SYD also holds decisions back:
  L1 received 02-20 (D 03-02), decided Wed 03-05 (late), sent Fri 03-28: gap = working days in
     (03-05, 03-28] = 6, 7 + three whole weeks = 17 -> bucket 11-20, held.
  L2 received 02-20 (D 03-02), decided Thu 03-06 (late), never sent -> not_sent, held.
  H3 received 03-10 (D 03-20), decided Tue 03-11 (on time), sent Fri 03-21 (after D): gap =
     12, 13, 14, 17, 18, 19, 20, 21 = 8 -> bucket 6-10, held; within at decided, not at sent.
A late decision counts as held back from the 3rd working day after its decision: L1 from 03-10
(06, 07, 10), L2 from 03-11 (07, 10, 11).

JC-SYD by week (week end = Sunday E; waiting = held_from <= E < sent):
  W10  sent 5, late 1 = 20 %;  waiting 0 (L1 from 03-10, L2 from 03-11)  -> not suspicious
  W11  sent 5, late 1 = 20 %;  waiting 2 (L1, L2): if sent 3/7 = 42.9 %   -> suspicious
  W12  sent 6 (+H3), late 1 = 16.7 %; waiting 2: if sent 3/8 = 37.5 %      -> suspicious
  W13  sent 6 (+L1), late 2 = 33.3 % (above the band); waiting 1 (L2)      -> not suspicious
  window W11-W13: 2 suspicious >= min_weeks 2 -> flagged; 2 suspicious in the whole period.
JC-SYD: 23 decisions; within at decided 16 + H3 = 17 -> 73.913 %; at sent 16 -> 69.565 %;
  held 3 -> 13.043 %; gaps: 0: 20, 6-10: 1, 11-20: 1, not sent: 1.
JC-NORD: 20 decisions, all sent the day they were made: nothing held, nothing waiting, so no
  week is suspicious although every week's share (20 %) is in the band -> not flagged;
  compliance 16/20 = 80 % at both dates.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import yaml

from sagstid.config import load_config
from sagstid.measure.held import GAP_BUCKETS, gap_bucket, measure_held, unit_distribution
from sagstid.periods import Period
from sagstid.report.results_json import dumps, held_section
from sagstid.rules.workdays import WorkCalendar

DEADLINES = (
    "deadlines:\n  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
)
PERIOD = Period(dt.date(2025, 3, 3), dt.date(2025, 3, 30))
MONDAYS = [dt.date(2025, 3, 3) + dt.timedelta(weeks=k) for k in range(4)]
RULE = {
    "threshold_pct": 20,
    "band_pct": 5,
    "window_weeks": 3,
    "min_weeks": 2,
    "min_sent": 4,
    "min_waiting": 2,
    "max_hold_weeks": 8,
}


def decision(ident, unit, received, decided, sent):
    return {
        "decision_id": ident,
        "case_id": f"S-{ident}",
        "citizen_ref": "010101-1234",
        "unit_code": unit,
        "case_area_code": "A",
        "received_date": received,
        "decided_date": decided,
        "sent_date": sent,
        "delay_notice_date": None,
    }


def weekly(unit: str, first_id: int) -> list[dict]:
    rows, ident = [], first_id
    for m in MONDAYS:
        day = lambda k, m=m: m + dt.timedelta(days=k)  # noqa: E731
        for _ in range(4):
            rows.append(decision(ident, unit, day(-5), day(1), day(1)))
            ident += 1
        rows.append(decision(ident, unit, day(-15), day(2), day(2)))
        ident += 1
    return rows


HOLDING = [
    decision(901, "JC-SYD", "2025-02-20", "2025-03-05", "2025-03-28"),  # L1
    decision(902, "JC-SYD", "2025-02-20", "2025-03-06", None),  # L2
    decision(903, "JC-SYD", "2025-03-10", "2025-03-11", "2025-03-21"),  # H3
]


def _folder(make_config, **rule):
    folder = make_config(deadlines=DEADLINES)
    settings = {"held_after_working_days": 2, "gaming": {**RULE, **rule}}
    (folder / "measurement.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return folder


@pytest.fixture
def source(make_db):
    return make_db(decisions=weekly("JC-SYD", 1) + weekly("JC-NORD", 101) + HOLDING)


def _held(source, folder, measure):
    config = load_config(folder)
    cases = measure(source, folder, PERIOD).cases
    calendar = WorkCalendar.covering(config.calendar, dt.date(2025, 1, 1), PERIOD.end)
    return measure_held(cases, calendar, PERIOD, config.measurement)


@pytest.fixture
def held(source, make_config, measure):
    return _held(source, _folder(make_config), measure)


def test_gap_distribution_and_both_compliances(held):
    syd, nord = held.unit_row("JC-SYD"), held.unit_row("JC-NORD")
    assert (syd["decisions"], syd["held"]) == (23, 3)
    assert syd["held_pct"] == pytest.approx(300 / 23)
    assert {b: int(syd[f"gap_{b}"]) for b in GAP_BUCKETS} == {
        "0": 20,
        "1": 0,
        "2": 0,
        "3-5": 0,
        "6-10": 1,
        "11-20": 1,
        ">20": 0,
        "not_sent": 1,
        "sent_before_decided": 0,
    }
    assert syd["compliance_decided_pct"] == pytest.approx(1700 / 23)
    assert syd["compliance_sent_pct"] == pytest.approx(1600 / 23)
    assert (nord["decisions"], nord["held"], nord["gap_0"]) == (20, 0, 20)
    assert nord["compliance_decided_pct"] == nord["compliance_sent_pct"] == 80.0


def test_each_held_decision(held):
    cases = held.unit_cases("JC-SYD").set_index("decision_id")
    assert cases.loc[901, "gap_working_days"] == 17 and cases.loc[901, "gap_bucket"] == "11-20"
    assert cases.loc[903, "gap_working_days"] == 8 and cases.loc[903, "gap_bucket"] == "6-10"
    assert cases.loc[902, "gap_bucket"] == "not_sent"
    assert sorted(cases.index[cases["held"]].astype(int)) == [901, 902, 903]
    assert sorted(cases.index[cases["late"]].astype(int)) == [5, 10, 15, 20, 901, 902]


def test_weekly_figures_of_the_holding_unit(held):
    weeks = held.unit_weeks("JC-SYD").set_index("week")
    assert list(weeks.index) == ["2025-W10", "2025-W11", "2025-W12", "2025-W13"]
    assert weeks["sent"].tolist() == [5, 5, 6, 6]
    assert weeks["sent_late"].tolist() == [1, 1, 1, 2]
    assert weeks["late_share_pct"].tolist() == pytest.approx([20.0, 20.0, 100 / 6, 100 / 3])
    assert weeks["waiting_late"].tolist() == [0, 2, 2, 1]
    assert weeks["share_if_sent_pct"].tolist() == pytest.approx([20.0, 300 / 7, 37.5, 300 / 7])
    assert weeks["in_band"].tolist() == [True, True, True, False]
    assert weeks["suspicious"].tolist() == [False, True, True, False]
    assert weeks["in_window"].tolist() == [False, True, True, True]


def test_the_holding_unit_is_flagged_and_the_other_is_not(held):
    syd, nord = held.unit_row("JC-SYD"), held.unit_row("JC-NORD")
    assert (syd["window_weeks"], syd["suspicious_in_window"], syd["suspicious_weeks"]) == (3, 2, 2)
    assert bool(syd["flagged"]) is True
    nord_weeks = held.unit_weeks("JC-NORD")
    assert nord_weeks["in_band"].all() and nord_weeks["waiting_late"].eq(0).all()
    assert (nord["suspicious_weeks"], bool(nord["flagged"])) == (0, False)


def test_flag_needs_enough_waiting(source, make_config, measure):
    # min_waiting 3: W11 and W12 have only 2 waiting -> no suspicious week
    held = _held(source, _folder(make_config, min_waiting=3), measure)
    assert held.unit_row("JC-SYD")["suspicious_weeks"] == 0
    assert not held.unit_row("JC-SYD")["flagged"]


def test_old_unsent_decisions_stop_counting_after_max_hold_weeks(source, make_config, measure):
    # max_hold_weeks 1: L1 (decided 03-05) counts until 03-12, L2 (03-06) until 03-13, so at the
    # end of W11 (03-16) neither is waiting -> W11 and W12 not suspicious -> not flagged
    held = _held(source, _folder(make_config, max_hold_weeks=1), measure)
    assert held.unit_weeks("JC-SYD")["waiting_late"].tolist() == [0, 0, 0, 0]
    assert not held.unit_row("JC-SYD")["flagged"]


def test_flag_needs_min_weeks_in_the_window(source, make_config, measure):
    held = _held(source, _folder(make_config, min_weeks=3), measure)
    assert held.unit_row("JC-SYD")["suspicious_in_window"] == 2
    assert not held.unit_row("JC-SYD")["flagged"]


def test_results_section(held):
    section = json.loads(dumps(held_section(held)))
    assert section["held_after_working_days"] == 2 and section["measure_at"] == "decided"
    assert section["gaming_rule"]["threshold_pct"] == 20
    units = {u["unit_code"]: u for u in section["by_unit"]}
    assert units["JC-SYD"]["gaming"] == {
        "flagged": True,
        "suspicious_weeks_in_window": 2,
        "window_weeks": 3,
        "suspicious_weeks_in_period": 2,
    }
    assert units["JC-SYD"]["gap_working_days"]["not_sent"] == 1
    assert units["JC-NORD"]["gaming"]["flagged"] is False
    assert "S-901" not in dumps(section) and "010101" not in dumps(section)


def test_demo_flags_jc_syd_and_no_other_unit(tmp_path, config_dir, measure):
    """The demo's JC-SYD caps its weekly share of late decisions sent at 8 % from 2025 by
    holding them back (sagstid/demo.py, _sent_dates); the other units send promptly. With the
    shipped rule only JC-SYD is flagged, in 2025 and in 2026 up to the demo's as-of date."""
    from sagstid.dev import demo

    path = demo.build_demo_database(
        tmp_path / "demo.sqlite", years=(2025, 2026), decisions_per_year=40_000, complaints_per_year=500
    ).path
    config = load_config(config_dir)
    for period in (
        Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        Period(dt.date(2026, 1, 1), demo.DEMO_AS_OF),
    ):
        cases = measure(f"sqlite:///{path}", config_dir, period).cases
        calendar = WorkCalendar.covering(config.calendar, dt.date(2024, 1, 1), period.end)
        result = measure_held(cases, calendar, period, config.measurement)
        flagged = set(result.by_unit.loc[result.by_unit["flagged"], "unit_code"])
        assert flagged == {"JC-SYD"}, (period, flagged)
        syd = result.unit_row("JC-SYD")
        assert syd["gap_>20"] > 0 and syd["held_pct"] > 5


# --- counted over codes: the same as grouping the text ------------------------------------------


def _distribution_by_text(cases: pd.DataFrame) -> pd.DataFrame:
    """unit_distribution worked out independently: pandas' crosstab and grouping over text."""
    unit = cases["unit_code"].astype(object).to_numpy()
    buckets = pd.crosstab(unit, cases["gap_bucket"].astype(object).to_numpy())
    buckets = buckets.reindex(columns=list(GAP_BUCKETS), fill_value=0)
    buckets.columns = [f"gap_{b}" for b in GAP_BUCKETS]
    frame = pd.DataFrame(
        {"unit_code": unit, "held": cases["held"], "wd": cases["within_decided"], "ws": cases["within_sent"]}
    )
    out = frame.groupby("unit_code").agg(
        decisions=("held", "size"), held=("held", "sum"), wd=("wd", "sum"), ws=("ws", "sum")
    )
    out = out.join(buckets).reset_index()
    out["held_pct"] = 100.0 * out["held"] / out["decisions"]
    out["compliance_decided_pct"] = 100.0 * out["wd"] / out["decisions"]
    out["compliance_sent_pct"] = 100.0 * out["ws"] / out["decisions"]
    return out.drop(columns=["wd", "ws"])


@pytest.mark.parametrize("kind", ["categorical", "text"])
def test_unit_distribution_and_buckets_as_grouping_the_text(kind: str) -> None:
    rng = np.random.default_rng(7)
    rows = 5000
    gap = rng.integers(-3, 40, rows).astype(float)
    gap[rng.random(rows) < 0.1] = np.nan
    codes = rng.choice(["YS", "JC-SYD", "BC-UNG", "JC-NORD"], rows, p=[0.01, 0.5, 0.29, 0.2])
    # categories out of text order, one of them never used
    units = (
        pd.Categorical(codes, categories=["JC-SYD", "ZZ-UNUSED", "BC-UNG", "YS", "JC-NORD"])
        if kind == "categorical"
        else pd.array(codes, dtype="str")
    )
    cases = pd.DataFrame(
        {
            "unit_code": units,
            "gap_bucket": gap_bucket(gap),
            "held": np.isnan(gap) | (gap > 2),
            "within_decided": rng.random(rows) < 0.8,
            "within_sent": rng.random(rows) < 0.7,
        }
    )
    # the buckets by hand: NaN not sent, negative sent before decided, else the bounds
    expected = np.where(
        np.isnan(gap),
        "not_sent",
        np.where(
            gap < 0,
            "sent_before_decided",
            np.select(
                [gap == 0, gap == 1, gap == 2, gap <= 5, gap <= 10, gap <= 20],
                ["0", "1", "2", "3-5", "6-10", "11-20"],
                default=">20",
            ),
        ),
    )
    assert cases["gap_bucket"].astype(object).tolist() == expected.tolist()
    assert list(cases["gap_bucket"].cat.categories) == list(GAP_BUCKETS)
    got = unit_distribution(cases)
    assert got["unit_code"].tolist() == ["BC-UNG", "JC-NORD", "JC-SYD", "YS"]  # used ones, text order
    reference = _distribution_by_text(cases)[got.columns]
    pd.testing.assert_frame_equal(
        got.astype({"unit_code": object}),
        reference.astype({"unit_code": object}),
        check_dtype=False,
        check_exact=True,
    )
    assert (got.dtypes.drop("unit_code") == reference.dtypes.drop("unit_code")).all()
