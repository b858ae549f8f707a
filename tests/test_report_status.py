"""report/status.py: the status is decided on the unrounded value, the shown value never lands
on the wrong side of the target, the change adds up on the page, and the cell formats read
back as written.

Every expected value below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter

from sagstid.report import status
from sagstid.report.status import MET, NO_DATA, NOT_MET

# (value, target, expected status, expected shown value with 1 decimal)
ROUNDING = [
    # 94.996 is below 95: not met. Half up gives 95.0, which would read as met: round down.
    (94.996, 95, NOT_MET, 94.9),
    # exactly on the target: met, shown as it is
    (95.0, 95, MET, 95.0),
    # 57 of 60 is exactly 95 %, though 100 * 57 / 60 is 94.99999999999999 in binary: met
    (100 * 57 / 60, 95, MET, 95.0),
    # 89.95 below 90: half up would give 90.0 = target: round down to 89.9
    (89.95, 90, NOT_MET, 89.9),
    # the same 89.95 against 85: met, ordinary half up (the printed digits 89,95 -> 90,0)
    (89.95, 85, MET, 90.0),
    (89.94, 90, NOT_MET, 89.9),  # ordinary rounding already below the target
    # the review's defects: 94,97 % (D11) and 89,96 % (D12) showed "95,0%" and "90,0%" in red
    (94.97, 95, NOT_MET, 94.9),
    (89.96, 90, NOT_MET, 89.9),
    (95.04, 95, MET, 95.0),  # the green neighbour of D11 stays 95,0
    (84.37, 90, NOT_MET, 84.4),  # far from the target: plain half up
    (100.0, 100, MET, 100.0),
    (99.96, 100, NOT_MET, 99.9),  # a 100 % target is only met by 100: never "100,0 %" unmet
    (0.0, 95, NOT_MET, 0.0),
    (0.0, 0, MET, 0.0),
    # a target finer than the display: 92.44 meets 92.44, but half up shows 92.4 < 92.44,
    # so it is rounded up to 92.5; 92.43 does not meet it and shows 92.4
    (92.44, 92.44, MET, 92.5),
    (92.43, 92.44, NOT_MET, 92.4),
]


@pytest.mark.parametrize(("value", "target", "state", "shown"), ROUNDING)
def test_status_and_shown_value(value: float, target: float, state: str, shown: float) -> None:
    assert status.status_of(value, target) == state
    got = status.shown_value(value, target)
    assert got == pytest.approx(shown, abs=1e-9)
    # the rule itself: a reader comparing the shown figure with the target sees the status
    assert (got >= target - 1e-9) == (state == MET)


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan])
def test_missing_value_has_no_status(missing: object) -> None:
    assert status.status_of(missing, 95) == NO_DATA
    assert status.shown_value(missing, 95) is None
    assert status.pct_text(missing, 95) == "–"
    assert status.status_text(NO_DATA) == "– Ingen data"


def test_vectorised_matches_one_by_one() -> None:
    values = np.array([v for v, *_ in ROUNDING] + [np.nan])
    targets = np.array([t for _, t, *_ in ROUNDING] + [95])
    shown = status.shown_values(values, targets)
    assert np.allclose(shown[:-1], [s for *_, s in ROUNDING])
    assert math.isnan(shown[-1])


def test_shown_text_is_danish() -> None:
    assert status.pct_text(94.996, 95) == "94,9 %"
    assert status.pct_text(89.95, 85) == "90,0 %"
    assert status.status_text(MET) == "✔ Opfyldt"
    assert status.status_text(NOT_MET) == "✖ Ikke opfyldt"


@pytest.mark.parametrize(
    ("k", "n", "target", "state"),
    [
        (57, 60, 95, MET),  # 5700 >= 95 * 60 = 5700
        (56, 60, 95, NOT_MET),  # 5600 < 5700
        (37, 40, 92.5, MET),  # 3700 >= 92.5 * 40 = 3700
        (36, 40, 92.5, NOT_MET),  # 3600 < 3700
        (0, 0, 95, NO_DATA),  # no denominator
        (0, 5, 0, MET),
    ],
)
def test_status_from_counts_is_exact(k: int, n: int, target: float, state: str) -> None:
    assert status.status_from_counts(k, n, target) == state


@pytest.mark.parametrize(
    ("current", "previous", "kwargs", "delta", "text", "better"),
    [
        # 84.4 - 83.5 = 0.9 (float: 0.90000000000000568)
        (84.4, 83.5, {}, 0.9, "▲ 0,9 pp", True),
        (94.9, 95.3, {}, -0.4, "▼ 0,4 pp", False),  # 94.9 - 95.3 = -0.4
        (84.4, 84.4, {}, 0.0, "► 0,0 pp", None),
        (84.44, 84.4, {}, 0.0, "► 0,0 pp", None),  # 0.04 rounds to 0.0: flat, not "▲ 0,0"
        # counts where fewer is better: 331 overdue against 300 is 31 more, a worsening
        (331, 300, {"decimals": 0, "unit": "sager", "higher_is_better": False}, 31.0, "▲ 31 sager", False),
        (
            1234,
            2468,
            {"decimals": 0, "unit": "sager", "higher_is_better": False},
            -1234.0,
            "▼ 1.234 sager",
            True,
        ),
        (84.4, None, {}, None, "–", None),
    ],
)
def test_change(
    current: float, previous: float | None, kwargs: dict, delta: float | None, text: str, better: bool | None
) -> None:
    got = status.change(current, previous, **kwargs)
    assert got.text == text
    assert got.better is better
    if delta is None:
        assert got.delta is None
    else:
        assert got.delta == pytest.approx(delta)


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB' (an independent re-statement of the formula)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_status_cells_read_back(tmp_path: Path) -> None:
    path = tmp_path / "status.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet("Overblik")
    formats = status.StatusFormats(workbook)
    states = [
        status.write_status_cells(ws, row, 0, value, target, formats)
        for row, (value, target) in enumerate([(94.996, 95), (95.04, 95), (None, 95)])
    ]
    workbook.close()
    assert states == [NOT_MET, MET, NO_DATA]

    sheet = openpyxl.load_workbook(path)["Overblik"]
    # the cell holds the shown value: 94.9 % as the fraction 0.949, shown "0.0 %"
    assert sheet["A1"].value == pytest.approx(0.949)
    assert sheet["A1"].number_format == "0.0 %"
    assert sheet["B1"].value == "✖ Ikke opfyldt"
    assert sheet["A2"].value == pytest.approx(0.950)
    assert sheet["B2"].value == "✔ Opfyldt"
    assert sheet["A3"].value == "–" and sheet["B3"].value == "– Ingen data"
    # not met is bold (legible without colour); met and no data are not
    assert sheet["A1"].font.b and sheet["B1"].font.b
    assert not sheet["A2"].font.b and not sheet["A3"].font.b
    # only the status cell is filled; the figure beside it is not
    assert sheet["A1"].fill.fill_type is None and sheet["A2"].fill.fill_type is None
    met_fill = sheet["B2"].fill.fgColor.rgb[-6:]
    not_met_fill = sheet["B1"].fill.fgColor.rgb[-6:]
    assert met_fill != not_met_fill
    # greyscale print: the two fills differ clearly in lightness (not only in hue)
    assert _luminance("#" + met_fill) - _luminance("#" + not_met_fill) > 0.15
    # no red/green pair (deuteranopia): the met fill is blue-dominant, not met orange
    r, g, b = (int(met_fill[i : i + 2], 16) for i in (0, 2, 4))
    assert b > r and b > g
    r, g, b = (int(not_met_fill[i : i + 2], 16) for i in (0, 2, 4))
    assert r > g > b


def test_suppressed_cell(tmp_path: Path) -> None:
    assert status.suppressed_text(5) == "<5"
    path = tmp_path / "hidden.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet("Enhed x område")
    ws.write_string(
        0, 0, status.suppressed_text(5), status.StatusFormats(workbook).get(status.SUPPRESSED, "text")
    )
    workbook.close()
    cell = openpyxl.load_workbook(path)["Enhed x område"]["A1"]
    assert cell.value == "<5" and cell.font.i
    assert cell.fill.fill_type is None  # no grey box
