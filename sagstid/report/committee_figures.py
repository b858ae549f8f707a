"""The committee's Overblik in figures and words: every administration-wide target with its
status, the comparison periods, and sentences saying where the committee should ask.

Pure: a :class:`~sagstid.measure.run.RunMeasurement` in, rows and Danish sentences out (the
sheet is written by committee_overview.py). Rules (docs/design-workbooks.md):

* Each figure is judged on its unrounded value and shown as status.shown_value shows it, so
  a figure never lands on the wrong side of its target; the change is worked out from the
  shown figures (status.change).
* A figure of a group with 1 to ``suppress_below - 1`` cases is never quoted: such a unit or
  area is neither named nor counted in a sentence ("published" below).
* Open decisions are counted at the period's last day (the snapshot), never "today".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sagstid.measure.run import LAST_YEAR, PREVIOUS, YEAR_TO_DATE, RunMeasurement
from sagstid.report.status import MET, NO_DATA, NOT_MET, change, shown_value, status_of
from sagstid.report.words import MONTHS, da_count, da_date, da_list, da_number, da_pct, da_pct_number

AUDIT_MEASURES: tuple[tuple[str, str, str], ...] = (
    # (column, count of, label)
    ("resource_profile", "samples", "Tilsyn: ressourceprofil med konkret vurdering"),
    ("citizen_involved", "samples", "Tilsyn: borgeren har medvirket til ressourceprofilen"),
    ("deadline_met_or_notified", "samples", "Tilsyn: frist overholdt eller borger underrettet (stikprøver)"),
    ("decisions_kept", "decisions", "Tilsyn: frist overholdt eller borger underrettet (alle afgørelser)"),
)


@dataclass(frozen=True)
class Source:
    """The measurements of one period (the run's own, or a comparison period's)."""

    decisions: Any  # DecisionMeasurement
    complaints: Any = None  # ComplaintMeasurement
    contract: Any = None  # ContractFigures
    audit: Any = None  # AuditMeasurement
    snapshot: Any = None  # OpenSnapshot


@dataclass(frozen=True)
class Figure:
    """One measured figure of one period: the value (0-100 for a share, else a count) and
    its basis (numerator, denominator; None where it is a count)."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class KeyFigure:
    """One row of Overblik's table."""

    key: str
    label: str
    kind: str  # "pct" (0-100) or "int" (a count)
    target: float | None  # 0-100 for a share; the largest good count for "int"; None: no target
    target_text: str
    now: Figure
    previous: Figure
    last_year: Figure
    year_to_date: Figure | None  # quarterly and half-yearly runs only
    basis: str  # "109.826 af 119.786 afgørelser"
    sheet: str  # the sheet behind the figure
    higher_is_better: bool = True
    unit_word: str = "pp"  # a count's change: "singular/plural" ("område/områder")

    def state(self, figure: Figure) -> str:
        if self.target is None or figure.value is None or _missing(figure.value):
            return NO_DATA
        if self.kind == "pct":
            return status_of(figure.value, self.target)
        return MET if figure.value <= self.target else NOT_MET

    def shown(self, figure: Figure) -> float | None:
        """The value as shown: a share rounded on the side of its status, a whole count."""
        if figure.value is None or _missing(figure.value):
            return None
        if self.kind == "pct":
            return shown_value(figure.value, self.target if self.target is not None else 0.0)
        return float(figure.value)

    def change_text(self) -> str:
        """The change from the same period last year, from the shown figures."""
        if self.kind == "pct":
            return change(
                self.shown(self.now), self.shown(self.last_year), 1, "pp", self.higher_is_better
            ).text
        moved = change(self.shown(self.now), self.shown(self.last_year), 0, "", self.higher_is_better)
        if moved.delta is None:
            return moved.text
        singular, _, plural = self.unit_word.partition("/")
        return f"{moved.arrow} {da_count(int(abs(moved.delta)), singular, plural or singular)}"


def _missing(value: Any) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _int(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def sources(ctx: RunMeasurement) -> dict[str, Source | None]:
    """The run's own measurements ("now") and each comparison period's (None when not measured:
    the year to date of an annual run is the run itself)."""
    out: dict[str, Source | None] = {
        "now": Source(ctx.current, ctx.complaints, ctx.contract, ctx.audit, ctx.snapshot),
    }
    for key in (PREVIOUS, LAST_YEAR, YEAR_TO_DATE):
        c = ctx.compare.get(key)
        out[key] = None if c is None else Source(c.decisions, c.complaints, c.contract, c.audit, c.snapshot)
    if out[PREVIOUS] is None:  # measured without comparisons: decisions only
        out[PREVIOUS] = Source(ctx.previous)
    if out[LAST_YEAR] is None and ctx.previous_period == ctx.period.last_year():
        out[LAST_YEAR] = out[PREVIOUS]
    return out


def published(count: Any, below: int) -> bool:
    """Whether a group of ``count`` cases may be quoted: none, or at least ``below``."""
    n = _int(count)
    return n is not None and (n == 0 or n >= below)


def areas_below(decisions: Any, target: float, below: int = 1) -> pd.DataFrame:
    """The areas with at least ``below`` (and at least 1) decisions under ``target``, lowest
    first: with ``below`` the suppression size, the areas whose figure may be quoted."""
    areas = decisions.by_area
    enough = areas["decisions"].to_numpy() >= max(below, 1)
    judged = areas[enough & areas["compliance_pct"].notna().to_numpy()]
    under = judged[judged["compliance_pct"].to_numpy() < target - 1e-9]
    return under.sort_values("compliance_pct", kind="stable")


def _judged_areas(decisions: Any, below: int) -> tuple[int, int]:
    """(areas with at least ``below`` decisions, areas with fewer, but some): only the first
    are judged on Overblik, as a small area's status would tell something of its figure."""
    n = decisions.by_area["decisions"].to_numpy()
    has = decisions.by_area["compliance_pct"].notna().to_numpy()
    return int(((n >= max(below, 1)) & has).sum()), int(((n >= 1) & (n < below) & has).sum())


def figures_of(source: Source | None, ctx: RunMeasurement) -> dict[str, Figure]:
    """Every Overblik figure of one period's measurements (missing ones absent)."""
    if source is None:
        return {}
    t = ctx.targets
    d = source.decisions
    total = d.total
    out: dict[str, Figure] = {
        "general": Figure(
            total.get("compliance_pct"), _int(total.get("within_deadline")), _int(total.get("decisions"))
        ),
        "areas_below": Figure(
            float(len(areas_below(d, t.concrete, ctx.suppress_below))),
            None,
            _judged_areas(d, ctx.suppress_below)[0],
        ),
        "notice": Figure(
            total.get("notice_pct"), _int(total.get("exceeded_notified")), _int(total.get("exceeded"))
        ),
    }
    c = source.complaints
    if c is not None:
        out["complaints"] = Figure(
            c.total.get("compliance_pct"), _int(c.total.get("on_time")), _int(c.total.get("complaints"))
        )
        decided = sum(int(v) for k, v in c.appeals.items() if k != "rejected")
        out["appeals"] = Figure(c.appeal_confirmed_pct, int(c.appeals.get("confirmed", 0)), decided)
    a = source.audit
    if a is not None:
        for column, of, _ in AUDIT_MEASURES:
            out[f"audit_{column}"] = Figure(
                a.total.get(f"{column}_pct"), _int(a.total.get(column)), _int(a.total.get(of))
            )
    k = source.contract
    if k is not None:
        handling = k.handling[k.handling["status"].to_numpy() != "no_max"]
        out["contract"] = Figure(
            float((handling["status"].to_numpy() == "over_max").sum()), None, len(handling)
        )
    s = source.snapshot
    if s is not None:
        states = s.open_decisions["state"].astype(str).to_numpy()
        n_open, n_over = len(states), int((states == "overdue").sum())
        out["open_within"] = Figure(
            100.0 * (n_open - n_over) / n_open if n_open else None, n_open - n_over, n_open
        )
        out["open_overdue"] = Figure(float(n_over), None, n_open)
    return out


def key_figures(ctx: RunMeasurement) -> list[KeyFigure]:
    """Overblik's rows, in order: decisions, complaints, Ankestyrelsen, the audit, the
    contract and the open decisions at the period's last day."""
    t = ctx.targets
    src = sources(ctx)
    now, prev = figures_of(src["now"], ctx), figures_of(src[PREVIOUS], ctx)
    last, ytd_src = figures_of(src[LAST_YEAR], ctx), src.get(YEAR_TO_DATE)
    ytd = figures_of(ytd_src, ctx) if ytd_src is not None else None
    end = da_date(ctx.period.end)
    empty = Figure(None)

    def basis(key: str, noun: str) -> str:
        f = now.get(key, empty)
        if f.numerator is None or f.denominator is None:
            return ""
        return f"{da_number(f.numerator)} af {da_number(f.denominator)} {noun}"

    rows: list[tuple[str, str, str, float | None, str, str, str, bool, str]] = [
        # key, label, kind, target, target text, basis, sheet, higher is better, unit word
        (
            "general",
            "Afgørelser truffet inden for fristen (generel målsætning)",
            "pct",
            t.general,
            f"mindst {da_pct_number(t.general)} %",
            basis("general", "afgørelser"),
            "Enheder",
            True,
            "pp",
        ),
        (
            "areas_below",
            f"Sagsområder under {da_pct_number(t.concrete)} % inden for fristen",
            "int",
            0.0,
            f"alle mindst {da_pct_number(t.concrete)} %",
            f"af {da_count(now['areas_below'].denominator or 0, 'sagsområde', 'sagsområder')}"
            + (
                f" med mindst {ctx.suppress_below} afgørelser"
                if _judged_areas(ctx.current, ctx.suppress_below)[1]
                else ""
            ),
            "Sagsområder",
            False,
            "område/områder",
        ),
        (
            "notice",
            "Borgeren underrettet skriftligt, når fristen blev overskredet",
            "pct",
            t.delay_notice,
            f"{da_pct_number(t.delay_notice)} %",
            basis("notice", "sene afgørelser"),
            "Enheder",
            True,
            "pp",
        ),
    ]
    if "complaints" in now:
        rows += [
            (
                "complaints",
                "Klager besvaret inden for fristen (besvaret i perioden)",
                "pct",
                t.complaints,
                f"mindst {da_pct_number(t.complaints)} %",
                basis("complaints", "besvarede klager"),
                "Klager",
                True,
                "pp",
            ),
            (
                "appeals",
                "Ankestyrelsen stadfæster kommunens afgørelse",
                "pct",
                t.appeal_confirmed,
                f"mindst {da_pct_number(t.appeal_confirmed)} %",
                basis("appeals", "ankeafgørelser"),
                "Ankestyrelsen",
                True,
                "pp",
            ),
        ]
    if "audit_resource_profile" in now:
        for column, of, label in AUDIT_MEASURES:
            noun = "stikprøver" if of == "samples" else "afgørelser"
            rows.append(
                (
                    f"audit_{column}",
                    label,
                    "pct",
                    t.audit,
                    f"mindst {da_pct_number(t.audit)} %",
                    basis(f"audit_{column}", noun),
                    "Tilsyn",
                    True,
                    "pp",
                )
            )
    if "contract" in now:
        rows.append(
            (
                "contract",
                "Enheder over resultatkontraktens maksimum for formalitetsklager",
                "int",
                0.0,
                "ingen over",
                f"af {da_count(now['contract'].denominator or 0, 'enhed', 'enheder')} med et maksimum",
                "Resultatkontrakt",
                False,
                "enhed/enheder",
            )
        )
    if "open_within" in now:
        rows += [
            (
                "open_within",
                f"Åbne afgørelser pr. {end}, hvor fristen ikke er overskredet",
                "pct",
                t.general,
                f"pejlemærke {da_pct_number(t.general)} %",
                basis("open_within", "åbne afgørelser"),
                "Åbne sager",
                True,
                "pp",
            ),
            (
                "open_overdue",
                f"Åbne afgørelser pr. {end} over fristen",
                "int",
                None,
                "intet mål",
                f"af {da_count(now['open_within'].denominator or 0, 'åben afgørelse', 'åbne afgørelser')}",
                "Åbne sager",
                False,
                "afgørelse/afgørelser",
            ),
        ]
    out = []
    for key, label, kind, target, target_text, basis_text, sheet, better, unit_word in rows:
        out.append(
            KeyFigure(
                key=key,
                label=label,
                kind=kind,
                target=target,
                target_text=target_text,
                now=now.get(key, empty),
                previous=prev.get(key, empty),
                last_year=last.get(key, empty),
                year_to_date=None if ytd is None else ytd.get(key, empty),
                basis=basis_text,
                sheet=sheet,
                higher_is_better=better,
                unit_word=unit_word,
            )
        )
    return out


# --- sentences --------------------------------------------------------------------------------


def _name_first_lower(name: str) -> str:
    """'Førtidspension, indstilling' -> 'førtidspension, indstilling' (not for 'SU' or 'KH-ANS')."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _units_under(
    frame: pd.DataFrame,
    value: str,
    count: str,
    target: float,
    below: int,
    name: Callable[[str], str],
) -> list[str]:
    """'Jobcenter Nord (84,4 %)' for every published unit of ``frame`` under ``target``,
    lowest first."""
    if frame is None or not len(frame):
        return []
    ok = frame[frame[count].to_numpy() >= max(below, 1)]
    ok = ok[ok[value].notna().to_numpy()]
    under = ok[ok[value].to_numpy() < target - 1e-9].sort_values(value, kind="stable")
    return [
        f"{name(str(code))} ({da_pct(shown_value(v, target))})"
        for code, v in zip(under["unit_code"].tolist(), under[value].tolist(), strict=True)
    ]


def _month_text(month: str) -> str:
    """'2025-09' -> 'september 2025'."""
    year, number = month.split("-")[:2]
    return f"{MONTHS[int(number) - 1]} {year}"


def sentences(ctx: RunMeasurement) -> list[str]:
    """Where the committee should ask: one sentence per finding, only when there is one."""
    t, below, d = ctx.targets, ctx.suppress_below, ctx.current
    name = ctx.unit_name
    out: list[str] = []

    units = d.by_unit[d.by_unit["decisions"].to_numpy() >= max(below, 1)]
    judged = int(units["compliance_pct"].notna().sum())
    under = _units_under(d.by_unit, "compliance_pct", "decisions", t.general, below, name)
    goal = f"{da_pct_number(t.general)} %"
    if under:
        out.append(
            f"{len(under)} af {judged} enheder er under den generelle målsætning på {goal} "
            f"afgørelser inden for fristen: {da_list(under)}."
        )
    elif judged:
        out.append(
            f"Alle {judged} enheder når den generelle målsætning på {goal} afgørelser inden for fristen."
        )

    areas = areas_below(d, t.concrete, below)
    if len(areas):
        named = [
            f"{_name_first_lower(str(n))} ({da_pct(shown_value(v, t.concrete))})"
            for n, v in zip(areas["area_name"].tolist(), areas["compliance_pct"].tolist(), strict=True)
        ]
        shown = named if len(named) <= 6 else [*named[:5], f"{len(named) - 5} andre (se arket Sagsområder)"]
        judged, small = _judged_areas(d, below)
        of = f"{judged} sagsområder" + (f" med mindst {below} afgørelser" if small else "")
        out.append(
            f"{len(areas)} af {of} er under målet på {da_pct_number(t.concrete)} % for det enkelte "
            f"sagsområde: {da_list(shown)}."
        )

    notice = _units_under(d.by_unit, "notice_pct", "exceeded", t.delay_notice, below, name)
    if notice:
        total = d.total.get("notice_pct")
        out.append(
            f"Når fristen blev overskredet, fik borgeren skriftlig besked i "
            f"{da_pct(shown_value(total, t.delay_notice))} af afgørelserne (mål "
            f"{da_pct_number(t.delay_notice)} %). Lavest: {da_list(notice[:3])}."
        )

    c = ctx.complaints
    if c is not None:
        late = _units_under(c.by_unit, "compliance_pct", "complaints", t.complaints, below, name)
        if late:
            out.append(
                f"Klager besvaret inden for fristen er under målet på {da_pct_number(t.complaints)} % "
                f"i {da_list(late)}."
            )
        appeals = c.appeals_by_unit.assign(
            decided=c.appeals_by_unit[["confirmed", "changed", "remitted", "annulled"]].sum(axis=1)
        )
        appeal_units = [
            u for u in _units_under(appeals, "confirmed_pct", "decided", t.appeal_confirmed, below, name) if u
        ]
        if appeal_units:
            out.append(
                f"Ankestyrelsen stadfæstede færre end {da_pct_number(t.appeal_confirmed)} % af "
                f"afgørelserne fra {da_list(appeal_units)}."
            )

    a = ctx.audit
    if a is not None:
        for column, of, label in AUDIT_MEASURES:
            value = a.total.get(f"{column}_pct")
            if status_of(value, t.audit) != NOT_MET or not published(a.total.get(of), below):
                continue
            units_low = _units_under(a.by_unit, f"{column}_pct", of, t.audit, below, name)
            what = label.split(": ", 1)[1]
            text = (
                f"Tilsynet: {what}: {da_pct(shown_value(value, t.audit))} for hele forvaltningen "
                f"(mål {da_pct_number(t.audit)} %)"
            )
            out.append(text + (f"; lavest: {da_list(units_low[:3])}." if units_low else "."))

    k = ctx.contract
    if k is not None:
        h = k.handling
        over = h[h["status"].to_numpy() == "over_max"]
        if len(over):
            parts = [
                f"{name(str(u))} ({da_number(r)} mod højst {da_number(m)})"
                for u, r, m in zip(over["unit_code"], over["received"], over["max"], strict=True)
            ]
            out.append(
                f"{da_list(parts)} har modtaget flere formalitetsklager end resultatkontraktens maksimum."
            )
        off = h[h["status"].to_numpy() == "off_course"]
        if len(off):
            parts = [
                f"{name(str(u))} ({da_number(r)} til dato, forventet højst {da_number(e)})"
                for u, r, e in zip(off["unit_code"], off["received"], off["expected_so_far"], strict=True)
            ]
            out.append(f"Ikke på kurs mod resultatkontraktens maksimum: {da_list(parts)}.")

    s = ctx.surge
    if s is not None:
        months = s.months
        flagged = months[months["flagged"].fillna(False).to_numpy(dtype=bool)]
        if len(flagged):
            parts = [
                f"{name(str(u))} i {_month_text(str(m))} ({da_number(n)} mod normalt "
                f"{da_number(b)} om måneden)"
                for u, m, n, b in zip(
                    flagged["unit_code"], flagged["month"], flagged["count"], flagged["baseline"], strict=True
                )
            ]
            out.append(f"Usædvanligt mange klager modtaget: {da_list(parts)}.")

    held = ctx.held
    if held is not None:
        by_unit = held.by_unit
        flagged_units = by_unit[by_unit["flagged"].fillna(False).to_numpy(dtype=bool)]
        if len(flagged_units):
            parts = [
                f"{name(str(u))} ({_int(n)} af de sidste {_int(w)} uger)"
                for u, n, w in zip(
                    flagged_units["unit_code"],
                    flagged_units["suspicious_in_window"],
                    flagged_units["window_weeks"],
                    strict=True,
                )
            ]
            out.append(
                "Mønster: sene afgørelser holdes tilbage, så andelen af sene afgørelser ligger lige "
                f"under grænsen, i {da_list(parts)}. Det bør undersøges, ikke konkluderes."
            )

    snap = ctx.snapshot
    if snap is not None:
        states = snap.open_decisions["state"].astype(str).to_numpy()
        n_open, n_over = len(states), int((states == "overdue").sum())
        if n_open:
            out.append(
                f"Pr. {da_date(snap.as_of)} var {da_number(n_open)} afgørelser endnu ikke truffet; "
                f"{da_number(n_over)} af dem havde overskredet fristen."
            )
    return out


def unit_names_below_general(ctx: RunMeasurement) -> list[str]:
    """The names of the published units under the general target (for tests and checks)."""
    d, below = ctx.current, ctx.suppress_below
    ok = d.by_unit[(d.by_unit["decisions"].to_numpy() >= max(below, 1)) & d.by_unit["compliance_pct"].notna()]
    codes: Sequence[str] = ok[ok["compliance_pct"].to_numpy() < ctx.targets.general - 1e-9][
        "unit_code"
    ].tolist()
    return [ctx.unit_name(str(c)) for c in codes]
