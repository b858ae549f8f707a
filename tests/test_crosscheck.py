"""The pandas/numpy measurement against an independent implementation in DuckDB SQL.

The demo generator's realistic data (every area, all four deadline units, holidays, closed
days, bad rows) is measured both ways; every count and percentile must agree. DuckDB finds the
n-th working day from a calendar table with running working-day numbers, not numpy's busday.
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from sagstid.config import load_config
from sagstid.dev.crosscheck import duckdb_metrics
from sagstid.dev.demo import build_demo_database
from sagstid.paths import resource_dir
from sagstid.periods import Period
from sagstid.pipeline import build_context

COUNTS = [
    "decisions",
    "within_deadline",
    "exceeded",
    "exceeded_notified",
    "service_target_decisions",
    "within_service_target",
]
DAYS = ["mean_days", "median_days", "p80_days", "p90_days"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo_database(path, years=(2022, 2023, 2024), decisions_per_year=15_000, complaints_per_year=300)
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    "period",
    [Period.year(2023), Period.year(2024), Period.quarter("2024Q2")],
    ids=["2023-store-bededag", "2024-no-store-bededag", "2024Q2-kh-ans-switch"],
)
@pytest.mark.parametrize("key", ["case_area_code", "unit_code"])
def test_pandas_and_duckdb_agree(demo_db: str, period: Period, key: str) -> None:
    config = load_config(resource_dir("config"))
    engine = sa.create_engine(demo_db)
    rows = pd.read_sql("SELECT * FROM decisions", engine)
    units = pd.read_sql("SELECT * FROM units", engine)
    expected = duckdb_metrics(rows, units, config, period, key).set_index("key")

    ctx = build_context(demo_db, resource_dir("config"), period)
    by_key = ctx.current.by_area if key == "case_area_code" else ctx.current.by_unit
    actual = by_key.set_index(key)

    assert sorted(actual.index) == sorted(expected.index)
    assert len(actual) > 3
    for column in COUNTS:
        assert actual[column].astype(int).to_dict() == expected[column].astype(int).to_dict(), column
    for column in DAYS:
        pd.testing.assert_series_equal(
            actual[column].astype(float),
            expected.loc[actual.index, column].astype(float),
            check_names=False,
            rtol=1e-9,
        )
    # The data has lateness to measure: neither method finds everything on time.
    assert 0 < actual["exceeded"].sum() < actual["decisions"].sum()
