"""Every unit's workbook data is cut from one narrowed run (report/unit_cut.narrowed, made once
in report/publish.py) instead of from the whole run each time: the cuts must be the same, field
by field and frame by frame, for every unit of a small demo database (which has exceeded, held
and open decisions), and for a code with no rows.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from sagstid.dev import demo
from sagstid.measure.run import RunMeasurement
from sagstid.paths import resource_dir
from sagstid.periods import Period
from sagstid.pipeline import build_context
from sagstid.report.unit_cut import cut_to_unit, narrowed


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunMeasurement:
    path = tmp_path_factory.mktemp("cut") / "demo.sqlite"
    demo.build_demo_database(path, decisions_per_year=3000, complaints_per_year=300)
    return build_context(f"sqlite:///{path}", resource_dir("config"), Period.year(2025))


def _same(a: object, b: object, where: str) -> None:
    """a and b hold the same values, field by field and frame by frame."""
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        assert isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame), where
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Series) or isinstance(b, pd.Series):
        assert isinstance(a, pd.Series) and isinstance(b, pd.Series), where
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for field in dataclasses.fields(a):
            _same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, where


def test_cuts_of_the_narrowed_run_are_the_cuts_of_the_run(run: RunMeasurement) -> None:
    cuttable = narrowed(run)
    assert len(cuttable.current.cases) < len(run.current.cases)  # it is narrower
    units = sorted(set(run.units["unit_code"]))
    assert len(units) >= 5
    listed = {"exceeded": 0, "held": 0, "open": 0}
    for code in [*units, "NOSUCH"]:
        cut = cut_to_unit(run, code)
        _same(cut_to_unit(cuttable, code), cut, code)
        listed["exceeded"] += len(cut.current.cases)
        listed["held"] += len(cut.held.cases) if cut.held is not None else 0
        listed["open"] += len(cut.snapshot.decisions) if cut.snapshot is not None else 0
    # the comparison had rows to compare: every list a unit workbook shows
    assert min(listed.values()) > 0, listed


def test_a_cut_of_the_narrowed_run_holds_only_its_own_units_rows(run: RunMeasurement) -> None:
    # what a workbook process is sent is the cut, never the narrowed run: no other unit's rows
    cut = cut_to_unit(narrowed(run), "JC-NORD")
    for frame in (cut.current.cases, cut.held.cases if cut.held else None):
        assert frame is not None and set(frame["unit_code"].astype(str)) == {"JC-NORD"}
