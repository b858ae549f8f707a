"""Overblik of the unit workbook: every target the unit is held to, on one printed page.

One row per target (docs/design-workbooks.md): this period's figure as shown (status.py's
rounding, never on the wrong side of the target), the status as symbol and word, the target in
words, the comparison period's figure, the change (arrow and pp, from the shown figures), the
whole administration's figure only where the unit has cases in the measure, and the basis as a
link to the sheet behind the figure. Below: the weakest case areas by name and the monthly trend
chart (drawn from the cells of "Månedlig udvikling").

:func:`overview_rows` is pure (the run cut to the unit in, rows out); :func:`write_overview`
writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook

from sagstid.measure.audit import AuditMeasurement
from sagstid.measure.open_cases import OpenSnapshot, open_metrics
from sagstid.measure.run import RunMeasurement
from sagstid.report import charts, printing
from sagstid.report.status import (
    MET,
    NO_DATA,
    NOT_MET,
    StatusFormats,
    change,
    shown_value,
    status_of,
    status_text,
)
from sagstid.report.words import (
    EXCEL_FORMATS,
    MISSING,
    da_count,
    da_date,
    da_list,
    da_number,
    da_pct,
    da_pct_number,
)
from sagstid.report.xlsx import Styles, count, first_row, number
from sagstid.values import equals

SHEETS = {
    "overview": "Overblik",
    "actions": "Handlingsliste",
    "areas": "Sagsområder",
    "monthly": "Månedlig udvikling",
    "complaints": "Klager",
    "audit": "Kvalitet",
    "held": "Tilbageholdte afgørelser",
    "exceeded": "Overskredne frister",
    "late_complaints": "Klager besvaret for sent",
    "area_months": "Sagsområder pr. måned",
    "quality": "Datakvalitet",
    "method": "Metode",
}
AUDIT_LABELS = {
    "resource_profile": "Tilsyn: ressourceprofil med konkret vurdering",
    "citizen_involved": "Tilsyn: borgeren har medvirket til ressourceprofilen",
    "deadline_met_or_notified": "Tilsyn: frist overholdt eller underrettet (stikprøver)",
    "decisions_kept": "Tilsyn: frist overholdt eller underrettet (alle afgørelser)",
}
PACE = {
    "on_course": (MET, "✔ På kurs"),
    "off_course": (NOT_MET, "✖ Ikke på kurs"),
    "over_max": (NOT_MET, "✖ Over maksimum"),
    "no_max": (NO_DATA, "– Intet maksimum"),
}
COLUMNS = (
    "Målepunkt",
    "{period}",
    "Status",
    "Mål",
    "{previous}",
    "Ændring",
    "Hele forvaltningen",
    "Grundlag (klik for detaljer)",
)
WIDTHS = (50, 11, 18, 25, 11, 13, 16, 42)  # bold "forvaltningen" fits column G on one line
WEAK_COLUMNS = (
    "Sagsområde",
    "{period}",
    "Status",
    "Afgørelser",
    "{previous}",
    "Ændring",
    "Hele forvaltningen",
    "Detaljer",
)
NUMERIC = frozenset({1, 4, 5, 6})  # Overblik's columns of numbers (and Ændring): right-aligned
WEAK_NUMERIC = frozenset({1, 3, 4, 5, 6})
MAX_WEAK = 5
UNJUDGED = frozenset({"open_overdue", "service"})  # figures shown without a target
FEW = 5  # fewer decisions than this in a month: "få sager" instead of a status


@dataclass(frozen=True)
class OverviewRow:
    """One target on Overblik. Percentages in 0-100; counts as whole numbers."""

    key: str
    label: str
    value: float | None
    kind: str  # "pct" or "int"
    state: str  # MET / NOT_MET / NO_DATA
    status: str  # the status cell's text: symbol and word
    goal: str  # the target in words
    previous: float | None
    change: str
    whole: float | None  # only where the unit has cases in the measure
    basis: str
    sheet: str  # the sheet behind the figure
    better_up: bool = True
    short: str = ""  # the label in the summary sentence


def _pct_row(
    key: str,
    label: str,
    value: Any,
    target: float,
    previous: Any,
    whole: Any,
    basis: str,
    sheet: str,
    goal: str | None = None,
    short: str = "",
) -> OverviewRow:
    state = status_of(value, target)
    now = shown_value(value, target)
    before = shown_value(previous, target)
    return OverviewRow(
        key=key,
        label=label,
        value=now,
        kind="pct",
        state=state,
        status=status_text(state),
        goal=goal or f"mindst {da_pct_number(target)} %",
        previous=before,
        change=change(now, before).text,
        whole=None if now is None else shown_value(whole, target),
        basis=basis,
        sheet=sheet,
        short=short or label,
    )


def period_words(period: Any) -> str:
    """A period as the manager says it: '2025', '3. kvartal 2025', or for the nightly year to
    date '2026 til og med 20-11-2026' (no dotted dates)."""
    label = str(period.label)
    if label.isdigit() or "kvartal" in label or getattr(period, "partial", False):
        return label  # a partial period's label says so: "2026 (foreløbig, til og med ...)"
    if (period.start.month, period.start.day) == (1, 1) and period.start.year == period.end.year:
        return f"{period.start.year} til og med {da_date(period.end)}"
    return f"{da_date(period.start)} til {da_date(period.end)}"


def period_short(period: Any) -> str:
    """A column heading for a period: the year alone for a year to date ('2026'), else
    :func:`period_words` (the sheet's subtitle gives the dates)."""
    if (period.start.month, period.start.day) == (1, 1) and period.start.year == period.end.year:
        return str(period.start.year)
    return period_words(period)


def _of(k: int, n: int, noun: str, plural: str) -> str:
    return f"{da_number(k)} af {da_count(n, noun, plural)}"


def _area_frame(ctx: RunMeasurement, code: str) -> pd.DataFrame:
    """The unit's areas with name, compliance, decisions, last period's and the whole
    administration's figure in the same area; lowest first."""
    now = ctx.current.by_unit_area
    now = now[now["unit_code"].to_numpy() == code]
    before = ctx.previous.by_unit_area
    before = before[before["unit_code"].to_numpy() == code]
    whole = ctx.current.by_area[["case_area_code", "compliance_pct"]].rename(
        columns={"compliance_pct": "whole_pct"}
    )
    prev = before[["case_area_code", "compliance_pct"]].rename(columns={"compliance_pct": "previous_pct"})
    out = now.merge(prev, on="case_area_code", how="left").merge(whole, on="case_area_code", how="left")
    return out.sort_values(["compliance_pct", "case_area_code"], kind="stable").reset_index(drop=True)


def _audit_rows(ctx: RunMeasurement, code: str) -> list[OverviewRow]:
    out: list[OverviewRow] = []
    audit: AuditMeasurement | None = ctx.audit
    if audit is None:
        return out
    target = ctx.targets.audit
    own = first_row(audit.by_unit, "unit_code", code)
    before = None if ctx.previous_audit is None else first_row(ctx.previous_audit.by_unit, "unit_code", code)
    for measure, label in AUDIT_LABELS.items():
        n_key = "decisions" if measure == "decisions_kept" else "samples"
        yes_key = measure
        n = count(own, n_key)
        noun = ("afgørelse", "afgørelser") if n_key == "decisions" else ("stikprøve", "stikprøver")
        basis = _of(count(own, yes_key), n, *noun) if n else "ingen sager i perioden"
        out.append(
            _pct_row(
                f"audit_{measure}",
                label,
                number(own, f"{measure}_pct"),
                target,
                number(before, f"{measure}_pct"),
                number(audit.total, f"{measure}_pct") if n else None,
                basis,
                SHEETS["audit"],
                short="tilsyn: " + label.split(": ", 1)[1],
            )
        )
    return out


def _service_rows(ctx: RunMeasurement, own: pd.Series | None, before: pd.Series | None) -> list[OverviewRow]:
    """The unit's internal service targets (shorter deadlines in the catalogue, measured beside
    the legal ones), when it has decisions under one: the share kept, without a percentage
    target of its own (the catalogue sets the deadline, not a share)."""
    n = count(own, "service_target_decisions")
    if not n:
        return []
    now = shown_value(number(own, "service_target_pct"), 0)
    previous = shown_value(number(before, "service_target_pct"), 0)
    return [
        OverviewRow(
            key="service",
            label="Servicemål (interne, kortere frister) overholdt",
            value=now,
            kind="pct",
            state=NO_DATA,
            status="– intet måltal",
            goal="servicemålets frist",
            previous=previous,
            change=change(now, previous).text,
            whole=shown_value(number(ctx.current.total, "service_target_pct"), 0),
            basis=_of(count(own, "within_service_target"), n, "afgørelse", "afgørelser") + " med servicemål",
            sheet=SHEETS["areas"],
        )
    ]


def _open_row(snapshot: OpenSnapshot | None, code: str) -> pd.Series | None:
    if snapshot is None:
        return None
    decisions = snapshot.open_decisions
    table = open_metrics(decisions[equals(decisions["unit_code"], code)], [])
    return table.iloc[0] if len(table) else None


def overview_rows(ctx: RunMeasurement, code: str) -> list[OverviewRow]:
    """Every target the unit is held to, from the run cut to the unit (report/unit_cut.py)."""
    t = ctx.targets
    rows: list[OverviewRow] = []
    own = first_row(ctx.current.by_unit, "unit_code", code)
    before = first_row(ctx.previous.by_unit, "unit_code", code)
    decisions = count(own, "decisions")
    rows.append(
        _pct_row(
            "general",
            "Generel overholdelse af sagsbehandlingsfristerne",
            number(own, "compliance_pct"),
            t.general,
            number(before, "compliance_pct"),
            number(ctx.current.total, "compliance_pct") if decisions else None,
            _of(count(own, "within_deadline"), decisions, "afgørelse", "afgørelser") + " inden for fristen",
            SHEETS["monthly"],
            short="generel overholdelse",
        )
    )
    areas = _area_frame(ctx, code)
    if len(areas):
        lowest = areas.iloc[0]
        below = int((areas["compliance_pct"] < t.concrete - 1e-9).sum())
        rows.append(
            _pct_row(
                "concrete",
                f"Laveste sagsområde: {lowest['area_name']}",
                lowest["compliance_pct"],
                t.concrete,
                lowest["previous_pct"],
                lowest["whole_pct"],
                f"{below} af {len(areas)} sagsområder under {da_pct_number(t.concrete)} %",
                SHEETS["areas"],
                goal=f"mindst {da_pct_number(t.concrete)} % i hvert område",
                short=f"{below} {'sagsområde' if below == 1 else 'sagsområder'} under "
                f"{da_pct_number(t.concrete)} % (laveste: {lowest['area_name']})",
            )
        )
    else:
        rows.append(
            _pct_row(
                "concrete",
                "Laveste sagsområde",
                None,
                t.concrete,
                None,
                None,
                "ingen afgørelser i perioden",
                SHEETS["areas"],
            )
        )
    exceeded = count(own, "exceeded")
    rows.append(
        _pct_row(
            "notice",
            "Skriftlig underretning, når fristen overskrides",
            number(own, "notice_pct"),
            t.delay_notice,
            number(before, "notice_pct"),
            number(ctx.current.total, "notice_pct") if exceeded else None,
            _of(count(own, "exceeded_notified"), exceeded, "overskredet afgørelse", "overskredne afgørelser")
            + " underrettet"
            if exceeded
            else "ingen overskredne frister",
            SHEETS["exceeded"],
            goal=f"{da_pct_number(t.delay_notice)} %",
            short="skriftlig underretning",
        )
    )
    rows += _service_rows(ctx, own, before)
    c = ctx.complaints
    if c is not None:
        mine = first_row(c.by_unit, "unit_code", code)
        prev = (
            None
            if ctx.previous_complaints is None
            else first_row(ctx.previous_complaints.by_unit, "unit_code", code)
        )
        n = count(mine, "complaints")
        rows.append(
            _pct_row(
                "complaints",
                "Klager besvaret rettidigt (besvaret i perioden)",
                number(mine, "compliance_pct"),
                t.complaints,
                number(prev, "compliance_pct"),
                number(c.total, "compliance_pct") if n else None,
                _of(count(mine, "on_time"), n, "besvaret klage", "besvarede klager") + " rettidigt"
                if n
                else "ingen klager besvaret i perioden",
                SHEETS["complaints"],
                short="klager rettidigt",
            )
        )
        appeals = first_row(c.appeals_by_unit, "unit_code", code)
        prev_appeals = (
            None
            if ctx.previous_complaints is None
            else first_row(ctx.previous_complaints.appeals_by_unit, "unit_code", code)
        )
        decided = sum(count(appeals, k) for k in ("confirmed", "changed", "remitted", "annulled"))
        rows.append(
            _pct_row(
                "appeals",
                "Ankestyrelsen stadfæster afgørelsen",
                number(appeals, "confirmed_pct"),
                t.appeal_confirmed,
                number(prev_appeals, "confirmed_pct"),
                c.appeal_confirmed_pct if decided else None,
                _of(
                    count(appeals, "confirmed"),
                    decided,
                    "afgørelse fra Ankestyrelsen",
                    "afgørelser fra Ankestyrelsen",
                )
                + " stadfæstet"
                if decided
                else "ingen afgørelser fra Ankestyrelsen",
                SHEETS["complaints"],
                short="Ankestyrelsen stadfæster",
            )
        )
    rows += _audit_rows(ctx, code)
    if ctx.contract is not None:
        pace = first_row(ctx.contract.handling, "unit_code", code)
        prev_pace = (
            None
            if ctx.previous_contract is None
            else first_row(ctx.previous_contract.handling, "unit_code", code)
        )
        state, word = PACE[str(pace["status"]) if pace is not None else "no_max"]
        received = count(pace, "received")
        before_received = None if prev_pace is None else count(prev_pace, "received")
        maximum = None if pace is None or pd.isna(pace["max"]) else int(pace["max"])
        expected = number(pace, "expected_so_far")
        ytd = ctx.contract.ytd
        full_year = ytd.elapsed_days == ytd.days_in_year
        goal = MISSING if maximum is None else f"højst {da_number(maximum)}"
        if maximum is not None and not full_year and expected is not None:
            goal += f" (til dato: {da_number(expected)})"
        rows.append(
            OverviewRow(
                key="contract",
                label=f"Formalitetsklager modtaget {ytd.year} (resultatkontrakt)",
                value=float(received),
                kind="int",
                state=state,
                status=word,
                goal=goal,
                previous=None if before_received is None else float(before_received),
                change=change(received, before_received, 0, "klager", higher_is_better=False).text,
                whole=None,
                basis=f"modtaget til og med {da_date(ytd.as_of)}",
                sheet=SHEETS["complaints"],
                better_up=False,
                short=f"formalitetsklager ({da_number(received)} mod {goal})",
            )
        )
    snap = _open_row(ctx.snapshot, code)
    if ctx.snapshot is not None:
        prev_snap = _open_row(ctx.previous_snapshot, code)
        whole = ctx.snapshot.whole_metrics()
        whole_row = whole.iloc[0] if len(whole) else None
        day = da_date(ctx.snapshot.as_of)
        n_open = count(snap, "open")
        rows.append(
            _pct_row(
                "open_within",
                f"Åbne afgørelser inden for fristen pr. {day}",
                number(snap, "open_within_pct"),
                t.general,
                number(prev_snap, "open_within_pct"),
                number(whole_row, "open_within_pct") if n_open else None,
                _of(count(snap, "open") - count(snap, "overdue"), n_open, "åben afgørelse", "åbne afgørelser")
                + " inden for fristen",
                SHEETS["actions"],
                goal=f"pejlemærke {da_pct_number(t.general)} %",
                short="åbne afgørelser inden for fristen",
            )
        )
        overdue = count(snap, "overdue")
        before_overdue = (
            None if prev_snap is None and ctx.previous_snapshot is None else count(prev_snap, "overdue")
        )
        rows.append(
            OverviewRow(
                key="open_overdue",
                label=f"Åbne afgørelser over fristen pr. {day}",
                value=float(overdue),
                kind="int",
                state=NO_DATA,
                status="– intet mål",
                goal=MISSING,
                previous=None if before_overdue is None else float(before_overdue),
                change=change(overdue, before_overdue, 0, "sager", higher_is_better=False).text,
                whole=None,
                basis=f"heraf {da_number(count(snap, 'notice_missing'))} uden underretning",
                sheet=SHEETS["actions"],
                better_up=False,
            )
        )
    if ctx.held is not None:
        held = ctx.held.unit_row(code)
        flagged = bool(held is not None and held["flagged"])
        weeks = 0 if held is None else int(held["suspicious_in_window"])
        window = 0 if held is None else int(held["window_weeks"])
        prev_held = None if ctx.previous_held is None else ctx.previous_held.unit_row(code)
        rows.append(
            OverviewRow(
                key="held",
                label="Mønster: sene afgørelser holdt tilbage",
                value=None,
                kind="int",
                state=NOT_MET if flagged else MET,
                status=f"✖ Mønster i {weeks} af {window} uger" if flagged else "✔ Intet mønster",
                goal="intet mønster",
                short=f"sene afgørelser holdt tilbage (mønster i {weeks} af {window} uger)",
                previous=None,
                change=MISSING
                if prev_held is None
                else ("før: mønster" if bool(prev_held["flagged"]) else "før: intet"),
                whole=None,
                basis=f"{da_number(count(held, 'held'))} afgørelser ikke sendt inden for "
                f"{ctx.held.settings.held_after_working_days} arbejdsdage",
                sheet=SHEETS["held"],
            )
        )
    return rows


def summary_sentence(name: str, rows: list[OverviewRow], rank: tuple[int, int] | None) -> str:
    """'Jobcenter Nord opfylder 3 af 12 mål. Ikke opfyldt: ...'"""
    judged = [r for r in rows if r.state in (MET, NOT_MET)]
    missed = [r for r in judged if r.state == NOT_MET]
    text = f"{name} opfylder {len(judged) - len(missed)} af {len(judged)} mål."
    if missed:
        parts = []
        audits = [r for r in missed if r.key.startswith("audit_")]
        for r in missed:
            if r.key.startswith("audit_") and len(audits) > 1:
                if r is audits[0]:
                    parts.append(
                        f"tilsynets {len(audits)} mål"
                        if len(audits) == 4
                        else f"{len(audits)} af tilsynets mål"
                    )
                continue
            figure = da_pct(r.value) if r.kind == "pct" else da_number(r.value)
            if r.key == "contract" or r.value is None:
                parts.append(r.short)
            else:
                parts.append(
                    f"{r.short[:-1]}, {figure})" if r.short.endswith(")") else f"{r.short} ({figure})"
                )
        text += f" Ikke opfyldt: {da_list(parts)}."
    if rank is not None:
        text += f" Nr. {rank[0]} af {rank[1]} enheder på generel overholdelse."
    return text


def write_overview(
    workbook: Workbook,
    styles: Styles,
    status: StatusFormats,
    ctx: RunMeasurement,
    code: str,
    info: printing.PrintInfo,
    monthly: tuple[int, int] | None,
    area_rows: dict[str, int],
    rank: tuple[int, int] | None,
) -> list[OverviewRow]:
    """Write Overblik; ``monthly`` is (first, last) data row on "Månedlig udvikling" for the
    trend chart; ``area_rows`` the row of each area's block on "Sagsområder pr. måned"."""
    ws = workbook.add_worksheet(SHEETS["overview"])
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    name = ctx.unit_name(code)
    rows = overview_rows(ctx, code)
    period, previous = period_short(ctx.period), period_short(ctx.previous_period)
    ws.write_string(0, 0, f"Sagstidsmåling {period_words(ctx.period)}: {name}", styles.title)
    ws.write_string(
        1,
        0,
        (
            f"Afgørelser truffet {da_date(ctx.period.start)} til {da_date(ctx.period.end)}, sammenlignet "
            f"med {da_date(ctx.previous_period.start)} til {da_date(ctx.previous_period.end)}. "
            + (f"Åbne sager opgjort pr. {da_date(ctx.snapshot.as_of)}." if ctx.snapshot is not None else "")
        ),
        styles.subtitle,
    )
    bold_wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    ws.merge_range(2, 0, 2, len(WIDTHS) - 1, summary_sentence(name, rows, rank), bold_wrap)
    ws.set_row(2, 48)
    header = 4
    headings = [h.format(period=period, previous=previous) for h in COLUMNS]
    ws.set_row(header, printing.header_height(headings, WIDTHS))
    for col, heading in enumerate(headings):
        ws.write_string(header, col, heading, styles.header_right if col in NUMERIC else styles.header)
    plain = {
        kind: workbook.add_format({"num_format": EXCEL_FORMATS[kind], "valign": "top"})
        for kind in ("pct", "int")
    }
    text = workbook.add_format({"valign": "top"})
    right = workbook.add_format({"valign": "top", "align": "right"})
    link = workbook.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
    row = header
    for r in rows:
        row += 1
        ws.write_string(row, 0, r.label, text)
        value_format = status.get(r.state, r.kind, fill=False) if r.key not in UNJUDGED else plain[r.kind]
        if r.value is None:
            ws.write_string(row, 1, MISSING, right)
        else:
            ws.write_number(row, 1, r.value / 100.0 if r.kind == "pct" else r.value, value_format)
        ws.write_string(row, 2, r.status, status.word(r.state))
        ws.write_string(row, 3, r.goal, text)
        if r.previous is None:
            ws.write_string(row, 4, MISSING, right)
        else:
            ws.write_number(row, 4, r.previous / 100.0 if r.kind == "pct" else r.previous, plain[r.kind])
        ws.write_string(row, 5, r.change, right)
        if r.whole is None:
            ws.write_string(row, 6, MISSING, right)
        else:
            ws.write_number(row, 6, r.whole / 100.0, plain["pct"])
        ws.write_url(row, 7, f"internal:'{r.sheet}'!A1", link, string=r.basis)
    row += 2
    row = _weak_areas(ws, styles, status, ctx, code, row, area_rows, plain, right, link)
    last_row = row
    if monthly is not None:
        first, last = monthly
        src = SHEETS["monthly"]
        values = (
            ctx.current.by_unit_month["compliance_pct"].tolist()
            + ctx.previous.by_unit_month["compliance_pct"].tolist()
        )
        chart = charts.trend_chart(
            workbook,
            f"Generel overholdelse pr. måned, {period} og {previous}",
            charts.Col(src, 0, first, last),
            charts.Col(src, 3, first, last),
            charts.Col(src, 5, first, last),
            values,
            ctx.targets.general,
            last_year=charts.Col(src, 6, first, last),
            names=("Overholdelse " + period, previous, "Målsætning"),
            width=1000,
            height=260,
        )
        row += 1
        spanned = charts.insert(
            ws,
            row,
            0,
            chart,
            (
                f"Linjediagram: {name}s generelle overholdelse måned for måned i {period}, med "
                f"{previous} som prikket linje og målsætningen på {da_pct_number(ctx.targets.general)} % "
                "som stiplet linje."
            ),
        )
        last_row = row + spanned
    printing.setup_dashboard(
        ws, info, (0, 0, last_row, len(WIDTHS) - 1), scale=printing.MIN_DASHBOARD_SCALE + 2
    )
    ws.freeze_panes(header + 1, 0)
    return rows


def _weak_areas(
    ws: Any,
    styles: Styles,
    status: StatusFormats,
    ctx: RunMeasurement,
    code: str,
    row: int,
    area_rows: dict[str, int],
    plain: dict[str, Any],
    right: Any,
    link: Any,
) -> int:
    """The areas below the concrete target, lowest first (at most five); returns the next row.
    Headings over numbers are right-aligned like the numbers under them."""
    target = ctx.targets.concrete
    areas = _area_frame(ctx, code)
    weak = areas[areas["compliance_pct"].to_numpy() < target - 1e-9].head(MAX_WEAK)
    if weak.empty:
        ws.write_string(row, 0, f"Alle sagsområder er på mindst {da_pct_number(target)} %.", styles.section)
        return row + 1
    ws.write_string(row, 0, f"Svageste sagsområder (under {da_pct_number(target)} %)", styles.section)
    row += 1
    headings = [
        h.format(period=period_short(ctx.period), previous=period_short(ctx.previous_period))
        for h in WEAK_COLUMNS
    ]
    ws.set_row(row, printing.header_height(headings, WIDTHS))
    for col, heading in enumerate(headings):
        ws.write_string(row, col, heading, styles.header_right if col in WEAK_NUMERIC else styles.header)
    for area in weak.to_dict("records"):
        row += 1
        now = shown_value(area["compliance_pct"], target)
        before = shown_value(area["previous_pct"], target)
        ws.write_string(row, 0, str(area["area_name"]), status.get(MET, "text", fill=False))
        ws.write_number(row, 1, (now or 0) / 100.0, status.get(NOT_MET, "pct", fill=False))
        ws.write_string(row, 2, status_text(NOT_MET), status.word(NOT_MET))
        ws.write_number(row, 3, int(area["decisions"]), plain["int"])
        if before is None:
            ws.write_string(row, 4, MISSING, right)
        else:
            ws.write_number(row, 4, before / 100.0, plain["pct"])
        ws.write_string(row, 5, change(now, before).text, right)
        whole = shown_value(area["whole_pct"], target)
        if whole is None:
            ws.write_string(row, 6, MISSING, right)
        else:
            ws.write_number(row, 6, whole / 100.0, plain["pct"])
        target_row = area_rows.get(str(area["case_area_code"]), 0)
        ws.write_url(
            row, 7, f"internal:'{SHEETS['area_months']}'!A{target_row + 1}", link, string="måned for måned"
        )
    return row + 1
