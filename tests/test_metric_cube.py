"""The seven groupings of measure_decisions from one cube (sagstid/measure/metric_cube.py) are
group_metrics' figures to the last bit. The independent method is group_metrics itself, pandas'
own groupby (mean, median, quantile), on random tables; and a small table worked by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sagstid.measure.decisions import GROUPINGS, METRICS, group_metrics
from sagstid.measure.metric_cube import metrics_by_groupings


def _cases(rng: np.random.Generator, rows: int, spread: int) -> pd.DataFrame:
    units = ["BC-UNG", "JC-NORD", "JC-SYD", "YS"]
    areas = ["KH-ANS", "KH-DAG", "SB-FLEX"]
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    within = rng.random(rows) < 0.8
    service = rng.random(rows) < 0.5
    frame = pd.DataFrame(
        {
            # categories hold a unit no row has (unobserved: no row for it)
            "unit_code": pd.Categorical(rng.choice(units[:3], rows), categories=units),
            "case_area_code": pd.Categorical(rng.choice(areas, rows), categories=areas),
            "month": pd.Categorical(rng.choice(months, rows), categories=months),
            "within": within,
            "exceeded": ~within,
            "exceeded_notified": ~within & (rng.random(rows) < 0.5),
            "has_service_target": service,
            "within_service": service & (rng.random(rows) < 0.7),
            "days": rng.integers(0, spread, rows).astype(np.int64),
            "working_days": rng.integers(0, spread // 2 + 1, rows).astype(np.int64),
        }
    )
    return frame


@pytest.mark.parametrize(
    ("rows", "spread", "seed"), [(1, 5, 1), (7, 3, 2), (40, 10, 3), (5000, 400, 4), (3000, 2, 5)]
)
def test_every_grouping_equals_group_metrics(rows: int, spread: int, seed: int) -> None:
    cases = _cases(np.random.default_rng(seed), rows, spread)
    tables = metrics_by_groupings(cases, GROUPINGS, METRICS)
    assert tables is not None
    for keys, table in zip(GROUPINGS, tables, strict=True):
        pd.testing.assert_frame_equal(table, group_metrics(cases, keys), check_exact=True, obj=str(keys))


def test_a_small_table_by_hand() -> None:
    # JC-NORD, KH-ANS: days 1, 2, 4, 10 (four rows): median (2 + 4) / 2 = 3; p80 at
    # 0.8 * 3 = 2.4: 4 + (10 - 4) * 0.4 = 6.4; p90 at 2.7: 4 + 6 * 0.7 = 8.2
    # JC-NORD, KH-DAG: days 5 (one row): 5 everywhere
    cases = pd.DataFrame(
        {
            "unit_code": pd.Categorical(["JC-NORD"] * 5),
            "case_area_code": pd.Categorical(["KH-ANS", "KH-ANS", "KH-DAG", "KH-ANS", "KH-ANS"]),
            "month": pd.Categorical(["2025-01"] * 5),
            "within": [True, True, False, True, False],
            "exceeded": [False, False, True, False, True],
            "exceeded_notified": [False, False, True, False, False],
            "has_service_target": [False] * 5,
            "within_service": [False] * 5,
            "days": np.array([10, 1, 5, 4, 2], dtype=np.int64),
            "working_days": np.array([8, 1, 3, 2, 2], dtype=np.int64),
        }
    )
    tables = metrics_by_groupings(cases, GROUPINGS, METRICS)
    assert tables is not None
    by_area = tables[GROUPINGS.index(["case_area_code"])].set_index("case_area_code")
    assert by_area.loc["KH-ANS", "decisions"] == 4 and by_area.loc["KH-ANS", "within_deadline"] == 3
    assert by_area.loc["KH-ANS", "median_days"] == 3.0
    assert by_area.loc["KH-ANS", "p80_days"] == pytest.approx(6.4, abs=1e-12)
    assert by_area.loc["KH-ANS", "p90_days"] == pytest.approx(8.2, abs=1e-12)
    assert by_area.loc["KH-ANS", "mean_days"] == 17 / 4
    assert by_area.loc["KH-ANS", "median_working_days"] == 2.0  # 1, 2, 2, 8
    assert by_area.loc["KH-ANS", "compliance_pct"] == 75.0
    assert np.isnan(by_area.loc["KH-ANS", "service_target_pct"])  # no decision with a target
    assert by_area.loc["KH-DAG", "median_days"] == 5.0 and by_area.loc["KH-DAG", "p90_days"] == 5.0
    assert by_area.loc["KH-DAG", "notice_pct"] == 100.0
    everything = tables[0]
    assert list(everything.columns) == list(METRICS) and everything.loc[0, "median_days"] == 4.0  # 1 2 4 5 10


def test_where_the_cube_does_not_apply_the_caller_groups_as_before() -> None:
    cases = _cases(np.random.default_rng(9), 50, 20)
    assert metrics_by_groupings(cases, [["unit_code", "case_variant"]], METRICS) is None  # another key
    assert (
        metrics_by_groupings(cases.assign(unit_code=cases["unit_code"].astype(str)), GROUPINGS, METRICS)
        is None
    )
    assert metrics_by_groupings(cases.assign(days=cases["days"] + 0.5), GROUPINGS, METRICS) is None
    missing = cases.assign(month=cases["month"].astype(object).where(cases.index > 0))
    assert (
        metrics_by_groupings(missing.assign(month=missing["month"].astype("category")), GROUPINGS, METRICS)
        is None
    )
    assert metrics_by_groupings(cases.iloc[:0], GROUPINGS, METRICS) is None
