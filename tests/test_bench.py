"""The benchmark prints every figure of its goals in one run (README, Benchmark).

A tiny workload (1,000 decisions a year, three years in the table) is enough to check the
shape of the report: every goal line is there, once, judged; the history ratio is the ratio of
the two totals it prints; the DuckDB cross-check agrees with the pandas path; no progress bar
is written into the output. The speed goals themselves are never asserted here (a timed test
would measure the machine, not the code).
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from sagstid.cli import cli


def test_every_goal_in_one_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "bench",
            "--decisions",
            "1000",
            "--workers",
            "2",
            "--history-years",
            "3",
            "--workdir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "▕" not in out  # DuckDB's progress bar
    for line in (
        "total, database to all workbooks and results.json",
        "peak memory: main process",
        "memory of all the run's processes at the same moment",
        "all processes at the same moment (PSS):",
        "cells per CPU second of a workbook process",
        "parts side by side, as a run reads",
        "a run's Arrow read is",
        "History: 3 years in the table",
        "same rules in DuckDB SQL",
    ):
        assert out.count(line) == 1, line
    assert "results identical: yes" in out
    # the reads compared follow the run's plan: two of the table's three years, read by rowids
    assert "split by rows as a run splits them: decisions_in_rows.sql" in out
    # every stage once (a stage met twice is summed into one line)
    stages = re.findall(r"^  (\S.{0,61}?)\s+\d+\.\d\d\s+\d+\.\d\d$", out, flags=re.MULTILINE)
    assert stages and len(stages) == len(set(stages))
    # the history ratio is the ratio of the two totals printed beside it
    history = re.search(
        r"History: 3 years in the table ([\d.]+) s.*two years read ([\d.]+) s.*; ([\d.]+)x", out
    )
    assert history is not None, out
    long, short, ratio = (float(v) for v in history.groups())
    assert abs(long / short - ratio) <= 0.01 + 0.01 * ratio
    # the processes' memory together is the main process's share and the others' at that moment
    together = re.search(
        r"([\d,]+) MB at the peak, the main process ([\d,]+) MB and (\d+) others ([\d,]+) MB", out
    )
    assert together is not None, out
    total, main, others, rest = (int(v.replace(",", "")) for v in together.groups())
    assert others >= 2 and abs(main + rest - total) <= 1  # two workbook processes at least
    # the table of three years was measured on its last year, as the two-year one
    assert (tmp_path / "bench-1000-3y.sqlite").is_file() and (tmp_path / "bench-1000-2y.sqlite").is_file()
