"""report/charts.py: axis scaling (worked by hand) and the charts as written, read back from
the xlsx's XML (openpyxl does not read charts)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from sagstid.report import charts


@pytest.mark.parametrize(
    ("values", "targets", "bounds"),
    [
        # 80.2 - 2 = 78.2 -> 75; target 90 + 2 = 92 -> 95
        ([80.2, 86.9], [90], (75.0, 95.0)),
        # 96 -> 95 and 102 -> 105, cut at 100: 95-100 is under 10 points, widened down to 90
        ([98, 99.5], [100], (90.0, 100.0)),
        ([50], [], (45.0, 55.0)),  # 48 -> 45, 52 -> 55
        ([], [], (0.0, 100.0)),  # nothing to plot: the whole scale
        # -2 -> -5 and 4 -> 5; cut at 0 gives 0-5, widened up to 0-10
        ([1, 2], [0], (0.0, 10.0)),
        ([float("nan"), None, 70.0], [80], (65.0, 85.0)),  # 68 -> 65, 82 -> 85; NaN/None ignored
    ],
)
def test_axis_bounds(values: list, targets: list, bounds: tuple[float, float]) -> None:
    assert charts.axis_bounds(values, targets) == bounds


CURRENT = [83.1, 83.7, 83.2, 86.2, 85.0, 81.0, 82.6, 83.0, 85.1, 85.6, 85.5, 80.3]
LAST = [82.0, 84.0, 83.5, 85.0, 84.2, 80.1, 79.9, 82.2, 84.0, 86.3, 84.1, 81.0]
UNITS = [("JC-NORD", 84.4), ("BC-AFKL", 87.4), ("JC-SYD", 91.7), ("YS", 93.0)]
WEEKS = [4.0, 6.5, 7.9, 7.2]


def _write(path: Path) -> list[int]:
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet("Data")
    for i, (now, before) in enumerate(zip(CURRENT, LAST, strict=True)):
        ws.write(i, 0, f"m{i + 1}")
        ws.write(i, 1, now / 100)
        ws.write(i, 2, before / 100)
        ws.write(i, 3, 0.90)
    for i, (unit, share) in enumerate(UNITS):
        ws.write(i, 5, unit)
        ws.write(i, 6, share / 100)
        ws.write(i, 7, 0.90)
    for i, share in enumerate(WEEKS):
        ws.write(i, 9, f"uge {i + 1}, 2025")
        ws.write(i, 10, share / 100)
        ws.write(i, 11, 0.08)

    def col(c: int, n: int) -> charts.Col:
        return charts.Col("Data", c, 0, n - 1)

    trend = charts.trend_chart(
        workbook,
        "Overholdelse pr. måned 2025 mod 2024",
        col(0, 12),
        col(1, 12),
        col(3, 12),
        CURRENT + LAST,
        90,
        last_year=col(2, 12),
    )
    bars = charts.bar_chart(
        workbook,
        "Enheder mod målsætningen på 90 %",
        col(5, 4),
        col(6, 4),
        col(7, 4),
        [s for _, s in UNITS],
        90,
    )
    weekly = charts.share_chart(
        workbook, "Andel sene afgørelser pr. uge", col(9, 4), col(10, 4), col(11, 4), WEEKS, 8
    )
    spans = [
        charts.insert(ws, 20, 0, trend, "Overholdelsen pr. måned lå under 90 %."),
        charts.insert(ws, 40, 0, bars, "To af fire enheder under 90 %."),
        charts.insert(ws, 60, 0, weekly, "Andelen sene afgørelser pr. uge mod grænsen."),
    ]
    workbook.close()
    return spans


def _xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def test_charts_read_back(tmp_path: Path) -> None:
    path = tmp_path / "charts.xlsx"
    spans = _write(path)
    assert spans == [16, 16, 16]  # 320 px / 20 px per row

    trend, bars, weekly = (_xml(path, f"xl/charts/chart{i}.xml") for i in (1, 2, 3))
    # Danish titles
    assert "Overholdelse pr. måned 2025 mod 2024" in trend
    assert "Enheder mod målsætningen på 90 %" in bars
    # trend: min 79.9 - 2 = 77.9 -> 75 %; max target 90 + 2 = 92 -> 95 %; three lines
    assert '<c:min val="0.75"/>' in trend and '<c:max val="0.95"/>' in trend
    assert trend.count("<c:ser>") == 3
    assert 'prstDash val="dash"' in trend and 'prstDash val="sysDot"' in trend
    # bars: JC-NORD 84.4 and BC-AFKL 87.4 are below 90 -> hatched; the other two solid
    assert len(re.findall(r"<c:dPt>.*?</c:dPt>", bars)) == 4
    assert bars.count("<a:pattFill") == 2
    assert "<c:barChart>" in bars and "<c:lineChart>" in bars  # columns and the target line
    # 84.4 - 2 = 82.4 -> 80 %; 93 + 2 = 95 -> 95 %
    assert '<c:min val="0.8"/>' in bars and '<c:max val="0.95"/>' in bars
    # weekly: 4 - 2 = 2 -> 0 %, 8 + 2 = 10 -> 10 %: 0-10 %, gridlines every 2 points
    assert '<c:min val="0.0"/>' in weekly and '<c:max val="0.1"/>' in weekly
    assert '<c:majorUnit val="0.02"/>' in weekly and '<c:majorUnit val="0.05"/>' in trend

    drawing = _xml(path, "xl/drawings/drawing1.xml")
    assert re.findall(r'descr="([^"]*)"', drawing) == [
        "Overholdelsen pr. måned lå under 90 %.",
        "To af fire enheder under 90 %.",
        "Andelen sene afgørelser pr. uge mod grænsen.",
    ]
    # every chart fits an A4 landscape page: 900 px against 1045 px of printable width
    sizes = re.findall(r'<a:ext cx="(\d+)" cy="(\d+)"/>', drawing)
    assert sizes and all(int(cx) / 9525 <= 1045 for cx, _ in sizes)


def test_insert_needs_alt_text(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = workbook.add_worksheet()
    chart = workbook.add_chart({"type": "line"})
    chart.add_series({"values": "=Sheet1!$A$1:$A$2"})
    with pytest.raises(ValueError):
        charts.insert(ws, 0, 0, chart, " ")
    workbook.close()


def test_heat_map_rules_read_back(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "heat.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet("Enhed x område")
    for row in range(3):
        for col in range(4):
            ws.write(row + 1, col + 1, 0.7 + 0.05 * (row + col))
    charts.heat_map(ws, 1, 1, 3, 4, 80, bold_below=workbook.add_format({"bold": True}))
    workbook.close()

    rules = {
        str(r.sqref): list(r.rules)
        for r in openpyxl.load_workbook(path)["Enhed x område"].conditional_formatting
    }
    assert list(rules) == ["B2:E4"]
    kinds = sorted(rule.type for rule in rules["B2:E4"])
    assert kinds == ["cellIs", "colorScale"]
    cell_rule = next(rule for rule in rules["B2:E4"] if rule.type == "cellIs")
    assert cell_rule.operator == "lessThan" and float(cell_rule.formula[0]) == pytest.approx(0.8)
    scale = next(rule for rule in rules["B2:E4"] if rule.type == "colorScale").colorScale
    # the white midpoint sits on the target (80 % as the fraction 0.8)
    assert [float(v.val) for v in scale.cfvo] == [0.5, 0.8, 1.0]
    assert [c.rgb[-6:] for c in scale.color] == ["F4A460", "FFFFFF", "9DC3E6"]


def test_cols_plot_a_split_table_as_one_series() -> None:
    """A table in two parts (each with its own header) is one series: a union of the parts'
    ranges in one column, the sheet name quoted (and a quote in it doubled)."""
    from sagstid.report.charts import Col, Cols

    # rows 5-30 and 33-58 (0-based) of column D are D6:D31 and D34:D59 in A1 notation
    parts = Cols((Col("O'k", 3, 5, 30), Col("O'k", 3, 33, 58)))
    assert parts.ref() == "=('O''k'!$D$6:$D$31,'O''k'!$D$34:$D$59)"
    assert Cols((Col("Uger", 0, 5, 30),)).ref() == "='Uger'!$A$6:$A$31"
