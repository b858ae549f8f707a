"""The committee workbook's "Revisioner" sheet: figures restated since an earlier run
published them (report/revisions.py). Written only when something changed, so a re-run on
unchanged data writes the same workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sagstid.measure.run import RunMeasurement
from sagstid.report.revisions import da_value, record_label
from sagstid.report.words import da_period
from sagstid.report.xlsx import Layout, Sheet, Styles, Workbook

SHEET = "Revisioner"
JOBS = {
    "nightly": "natlig kørsel",
    "quarterly": "kvartalskørsel",
    "halfyear": "halvårskørsel",
    "annual": "årskørsel",
}
_COUNTS = {"decisions": "decisions", "complaints": "complaints"}


def _group_counts(revisions: tuple[dict[str, Any], ...]) -> dict[tuple[Any, ...], list[Any]]:
    """Per (period, section, group, code): the case counts before and after (when they changed)."""
    out: dict[tuple[Any, ...], list[Any]] = {}
    for r in revisions:
        if r["figure"] == _COUNTS.get(r["section"]):
            key = (r["period"]["from"], r["period"]["to"], r["section"], r["group"], r["code"])
            out[key] = [r["before"], r["after"]]
    return out


def _hidden(record: dict[str, Any], counts: dict[tuple[Any, ...], list[Any]], below: int) -> bool:
    """A unit's or area's figures are hidden when it had 1..below-1 cases before or after
    (the committee workbook's suppression; docs/privacy.md)."""
    if record["group"] == "total" or below <= 0:
        return False
    key = (
        record["period"]["from"],
        record["period"]["to"],
        record["section"],
        record["group"],
        record["code"],
    )
    return any(isinstance(c, int) and 0 < c < below for c in counts.get(key, []))


def period_text(record: dict[str, Any], ctx: RunMeasurement) -> str:
    """The revised period in words and what it is to this run, e.g. "01-07-2023 til
    30-09-2023 (samme periode sidste år)"."""
    start, end = (dt.date.fromisoformat(record["period"][k]) for k in ("from", "to"))
    last_year = ctx.period.last_year()  # the comparison pipeline.comparison_periods measures
    if start == ctx.period.start:
        what = "denne periode"
    elif (start, end) == (last_year.start, last_year.end):
        what = "samme periode sidste år"
    else:
        what = "forrige periode"
    return f"{da_period(start, end)} ({what})"


def write_revisions_sheet(workbook: Workbook, styles: Styles, layout: Layout, ctx: RunMeasurement) -> None:
    """Periode | Tal | Før | Nu | Først offentliggjort af, one row per changed figure."""
    if not ctx.revisions:
        return
    sheet = Sheet(workbook, styles, SHEET, widths=(46, 50, 12, 12, 40))
    sheet.title(f"Revisioner: tal ændret siden de blev offentliggjort ({len(ctx.revisions)})")
    sheet.note(
        "Tallene nedenfor er ændret i forhold til den tidligere kørsel, der offentliggjorde dem, fx fordi "
        "afgørelser er registreret sent eller data er rettet. Før: det tidligere offentliggjorte tal; "
        "Nu: tallet i denne kørsel."
    )
    sheet.skip()
    sheet.header(["Periode", "Tal", "Før", "Nu", "Først offentliggjort af"])
    counts = _group_counts(ctx.revisions)
    for r in ctx.revisions:
        period = period_text(r, ctx)
        by = r["published_by"]
        source = f"{JOBS.get(by['job'], by['job'])} {by['stamp']} ({by['run_id']})"
        if _hidden(r, counts, ctx.suppress_below):
            before = after = f"under {ctx.suppress_below} sager"
        else:
            before, after = da_value(r["before"]), da_value(r["after"])
        sheet.values([period, record_label(r), before, after, source], ["text"] * 5)
