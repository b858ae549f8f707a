"""The complaint surge rule on constructed monthly series whose answer is known by hand.

Rule (sagstid/surge.py): baseline = mean of the previous 12 months (at least 6 needed);
flag when P(X >= count | Poisson(baseline)) < alpha (0.001) and count >= 5. The Poisson tails
below are worked out by hand or with an independent exact sum (math.exp / math.factorial).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sagstid.measure.surge import SurgeRule, check_surges, judge_series
from sagstid.periods import Period

RULE = SurgeRule()


def tail(count: int, lam: float) -> float:
    """P(X >= count) for X ~ Poisson(lam), by an exact finite sum (independent of scipy)."""
    return 1.0 - sum(math.exp(-lam) * lam**k / math.factorial(k) for k in range(count))


def series(*counts: int, unit: str = "U") -> pd.DataFrame:
    months = np.arange(np.datetime64("2023-01"), np.datetime64("2023-01") + len(counts)).astype(str)
    return pd.DataFrame([list(counts)], index=[unit], columns=months)


def flagged(counts: pd.DataFrame, rule: SurgeRule = RULE) -> list[str]:
    out = judge_series(counts, rule)
    return out.loc[out["flagged"], "month"].tolist()


def test_a_flat_series_never_flags() -> None:
    # Every month 10: baseline 10, P(X >= 10 | 10) is about 0.54.
    out = judge_series(series(*[10] * 30), RULE)
    assert not out["flagged"].any()
    judged = out[out["baseline"].notna()]
    assert (judged["baseline"] == 10).all()
    assert judged["p_value"].iloc[0] == pytest.approx(tail(10, 10.0))


def test_a_jump_flags_only_the_jump() -> None:
    # 12 months of 10, then 30: baseline 10, P(X >= 30 | 10) ~ 7e-7 < 0.001. The month after
    # (10 again) has baseline (11 x 10 + 30) / 12 = 11.67 and is not flagged.
    counts = series(*[10] * 12, 30, 10)
    out = judge_series(counts, RULE).set_index("month")
    assert flagged(counts) == ["2024-01"]
    assert out.loc["2024-01", "baseline"] == 10
    assert out.loc["2024-01", "p_value"] == pytest.approx(tail(30, 10.0), rel=1e-9)
    assert out.loc["2024-02", "baseline"] == pytest.approx(140 / 12)


def test_short_history_never_flags() -> None:
    # Months 1-5 hold 1 complaint each; month 6 has only 5 months before it: not judged, even
    # with 50. Month 7 has 6 months of history (1,1,1,1,1,50: mean 55/6) and is judged.
    out = judge_series(series(1, 1, 1, 1, 1, 50, 60), RULE).set_index("month")
    assert out["history"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert out.loc[:"2023-06", "baseline"].isna().all()
    assert not out.loc["2023-06", "flagged"]
    assert out.loc["2023-07", "baseline"] == pytest.approx(55 / 6)
    assert out.loc["2023-07", "flagged"]  # P(X >= 60 | 9.17) is far below 0.001


def test_the_boundary_computed_by_hand() -> None:
    # Baseline 1 (twelve months of 1).
    # P(X >= 5 | 1) = 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24) = 1 - 0.36788 x 2.70833 = 0.00366: no flag.
    # P(X >= 6 | 1) = 1 - e^-1 (2.70833 + 1/120) = 1 - 0.36788 x 2.71667 = 0.00059: flag.
    five, six = judge_series(series(*[1] * 12, 5), RULE), judge_series(series(*[1] * 12, 6), RULE)
    assert five["p_value"].iloc[-1] == pytest.approx(0.00366, abs=1e-5)
    assert six["p_value"].iloc[-1] == pytest.approx(0.00059, abs=1e-5)
    assert not five["flagged"].iloc[-1] and six["flagged"].iloc[-1]


def test_the_minimum_count() -> None:
    # Baseline 0 (twelve empty months): any complaint has p = 0, but fewer than 5 is no alert.
    assert flagged(series(*[0] * 12, 4)) == []
    assert flagged(series(*[0] * 12, 5)) == ["2024-01"]
    assert flagged(series(*[0] * 12, 4), SurgeRule(min_count=4)) == ["2024-01"]


def test_only_the_last_12_months_make_the_baseline() -> None:
    # 12 months of 100, then 12 of 10, then 25: the baseline is the last 12 months' 10 (not
    # the mean 55 of all 24), and P(X >= 25 | 10) ~ 5e-5 flags.
    counts = series(*[100] * 12, *[10] * 12, 25)
    out = judge_series(counts, RULE)
    assert out["baseline"].iloc[-1] == 10
    assert flagged(counts)[-1] == "2025-01"
    assert out["p_value"].iloc[-1] == pytest.approx(tail(25, 10.0), rel=1e-9)


def test_check_surges_counts_months_by_receipt_with_empty_months_as_zero() -> None:
    # Unit A: one complaint in each of Jan-Jun 2024 except April (0), then 9 in July 2024.
    # Baseline for July = (1 + 1 + 1 + 0 + 1 + 1) / 6 = 5/6; P(X >= 9 | 5/6) < 0.001: flagged.
    # Unit B's rows cannot be counted by receipt (a reason is set) and make no series. The
    # period is July-August 2024, so only those months are reported.
    days = [dt.date(2024, m, 5) for m in (1, 2, 3, 5, 6)] + [dt.date(2024, 7, 1 + i) for i in range(9)]
    rows = pd.DataFrame(
        {
            "unit_code": ["A"] * len(days) + ["B"] * 9,
            "received_date": pd.to_datetime(days + [dt.date(2024, 7, 1)] * 9).astype("datetime64[s]"),
            "receipt_reason": pd.Categorical(
                [None] * len(days) + ["duplicate_id"] * 9, categories=["duplicate_id"]
            ),
        }
    )
    check = check_surges(rows, Period(dt.date(2024, 7, 1), dt.date(2024, 8, 31)), RULE)
    months = check.months.set_index("month")
    assert check.months["unit_code"].unique().tolist() == ["A"]
    assert months.loc["2024-07", "baseline"] == pytest.approx(5 / 6)
    assert months.loc["2024-07", "count"] == 9 and months.loc["2024-08", "count"] == 0
    assert check.alerts["month"].tolist() == ["2024-07"]
    assert months.loc["2024-07", "p_value"] == pytest.approx(tail(9, 5 / 6), rel=1e-6)


def test_every_judged_p_value_is_the_exact_tail_empty_months_included() -> None:
    # Months of 0 among the judged ones: P(X >= 0) is 1 whatever the baseline, including a
    # baseline of 0; the rest against the exact finite sum.
    counts = [3, 0, 2, 0, 0, 4, 0, 1, 0, 0, 7, 0, 0, 5]
    out = judge_series(series(*counts), RULE)
    judged = out[out["baseline"].notna()]
    assert len(judged) == 8  # months 7..14 have six months or more before them
    for count, lam, p in zip(judged["count"], judged["baseline"], judged["p_value"], strict=True):
        assert p == pytest.approx(tail(int(count), float(lam)), rel=1e-9, abs=1e-15), (count, lam)
    assert (judged.loc[judged["count"] == 0, "p_value"] == 1.0).all()
    empty = judge_series(series(*[0] * 13), RULE)
    assert empty["p_value"].iloc[-1] == 1.0  # count 0 over a baseline of 0
