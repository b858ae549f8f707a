"""``sagstid explain`` in Danish: one case's deadline as a caseworker shows it to a citizen or
the ombudsman (the structured explanation comes from sagstid.measure.explain)."""

from __future__ import annotations

import datetime as dt

from sagstid.measure.explain import Explanation, Working
from sagstid.report.labels import rule_text
from sagstid.report.xlsx import Layout, LayoutError, load_layout

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
SKIPPED = {"weekend": "weekend", "holiday": "helligdag", "closed": "lukkedag i calendar.yaml"}
COMPLAINT_KINDS = {"decision": "realitetsklage", "handling": "formalitetsklage"}
COMPLAINT_RULES = {
    "own_deadline": "fristen står på klagen (deadline_date)",
    "five_day": (
        "{value} arbejdsdage: forsikret ledig, afgørelsen fastholdt (complaints.yaml five_day_working_days)"
    ),
    "ombudsman": "{value} uger: formalitetsklage via Borgerrådgiveren (complaints.yaml ombudsman_weeks)",
    "handling": "{value} uger: formalitetsklage (complaints.yaml handling_weeks)",
    "decision": "{value} uger: realitetsklage, genvurdering (complaints.yaml decision_weeks)",
}


def da_date(day: dt.date, layout: Layout | None = None) -> str:
    """E.g. "tirsdag 1. april 2025"."""
    months = (layout or load_layout()).get("months")
    return f"{WEEKDAYS[day.weekday()]} {day.day}. {months[day.month - 1]} {day.year}"


def _days(n: int) -> str:
    return f"{n} dag" if n == 1 else f"{n} dage"


def _why(e: Explanation) -> str:
    entry = e.entry
    assert entry is not None
    if entry.via == "variant":
        return f"afgørelsens variant {e.variant} har sin egen frist i kataloget"
    if entry.via == "default":
        if not entry.area_listed:
            return f"katalogets standardfrist: sagsområdet {e.area} har ingen egen frist i kataloget"
        which = f"varianten {e.variant}" if e.variant else "afgørelser uden variant"
        return (
            f"katalogets standardfrist: sagsområdet {e.area} har kun frister for bestemte varianter, "
            f"ikke for {which}"
        )
    if e.variant:
        return f"sagsområdets generelle frist (varianten {e.variant} har ingen egen frist)"
    return "sagsområdets generelle frist (afgørelsen har ingen variant)"


def _skipped(day: dt.date, kind: str, name: str | None, layout: Layout) -> str:
    why = SKIPPED[kind] + (f": {name}" if name else "")
    return f"  {da_date(day, layout)}: tælles ikke ({why})"


def working_lines(w: Working, layout: Layout) -> list[str]:
    """The count from the start date to the deadline, one line per day for working days."""
    lines: list[str] = []
    if w.unit == "working_days":
        if w.value == 0:
            lines.append("  0 arbejdsdage: fristen er modtagelsesdagen, hvis den er en arbejdsdag")
        else:
            lines.append("  Arbejdsdagene tælles fra dagen efter modtagelsen:")
        for step in w.steps:
            if step.skipped is not None:
                lines.append(_skipped(step.day, step.skipped, step.name, layout))
            elif w.value:
                lines.append(f"  {da_date(step.day, layout)}: arbejdsdag {step.counted}")
        if w.value == 0 and w.steps and w.steps[0].skipped is not None:
            lines.append(f"  Første arbejdsdag: {da_date(w.deadline, layout)}")
        return lines
    if w.unit == "months":
        length = rule_text(w.value, w.unit, layout)
        lines.append(
            f"  {da_date(w.start, layout)} + {length} = {da_date(w.plain, layout)}"
            " (samme dato, eller månedens sidste dag hvis datoen ikke findes)"
        )
    elif w.value == 0:
        lines.append(f"  {rule_text(0, w.unit, layout)}: fristen er modtagelsesdagen")
    else:
        days = (w.plain - w.start).days
        length = rule_text(w.value, w.unit, layout)
        extra = f" = {_days(days)}" if w.unit != "calendar_days" else ""
        lines.append(f"  {da_date(w.start, layout)} + {length}{extra} = {da_date(w.plain, layout)}")
    if w.deadline != w.plain:
        for step in w.steps:
            lines.append(_skipped(step.day, step.skipped or "weekend", step.name, layout))
        lines.append(f"  Rykkes til første arbejdsdag: {da_date(w.deadline, layout)}")
    elif not w.roll and w.steps:
        step = w.steps[0]
        why = SKIPPED[step.skipped or "weekend"] + (f": {step.name}" if step.name else "")
        lines.append(
            f"  Fristdagen er ikke en arbejdsdag ({why}), men rykkes ikke (roll_to_working_day er ikke sat)"
        )
    return lines


def _head(e: Explanation, layout: Layout) -> list[str]:
    what = "Afgørelse" if e.kind == "decision" else "Klage"
    parts = [f"{what} {e.case_key}"]
    if e.case_id:
        parts.append(f"sag {e.case_id}")
    parts.append(f"enhed {e.unit_code or '(ingen)'}")
    if e.kind == "decision":
        parts.append(f"sagsområde {e.area or '(intet)'}")
        if e.variant:
            parts.append(f"variant {e.variant}")
    else:
        parts.append(
            f"klagetype {COMPLAINT_KINDS.get(e.complaint_kind or '', e.complaint_kind or '(ingen)')}"
        )
    return [", ".join(parts)]


def _dates(e: Explanation, layout: Layout) -> list[str]:
    lines = []
    if e.received is not None:
        lines.append(f"Modtaget: {da_date(e.received, layout)} (startdato)")
    return lines


def _verdict(e: Explanation, layout: Layout) -> list[str]:
    assert e.legal is not None
    deadline = e.legal.deadline
    lines = [f"Frist: {da_date(deadline, layout)}"]
    if e.status == "open":
        lines.append(f"Status pr. {da_date(e.as_of, layout)}: åben")
        left = e.days_left or 0
        if left > 0:
            lines.append(f"Tilbage: {_days(left)} ({e.working_days_left} arbejdsdage) til fristen")
        elif left == 0:
            lines.append("Tilbage: fristen er i dag")
        else:
            lines.append(f"Overskredet: fristen er overskredet med {_days(-left)}")
        if e.notice is not None:
            timely = "rettidigt" if e.notice_in_time else "efter fristen"
            lines.append(f"Underretning om forsinkelse: givet {da_date(e.notice, layout)} ({timely})")
        elif left < 0:
            lines.append("Underretning om forsinkelse: ikke givet")
        return lines
    assert e.done is not None
    done = "Afgjort" if e.kind == "decision" else "Besvaret"
    lines.append(f"{done}: {da_date(e.done, layout)}")
    measured = e.done
    if e.kind == "decision" and e.measure_at == "sent":
        sent = da_date(e.sent, layout) if e.sent else "ikke sendt"
        lines.append(f"Sendt: {sent} (measurement.yaml: measure_at: sent; afsendelsesdatoen måles)")
        measured = e.sent or e.done
    if e.within:
        lines.append("Resultat: inden for fristen")
    else:
        over = e.days_over if e.days_over else max((measured - deadline).days, 0)
        lines.append(f"Resultat: fristen er overskredet med {_days(over)}")
    if e.within:
        lines.append("Underretning om forsinkelse: ikke nødvendig")
    elif e.notice is None:
        lines.append("Underretning om forsinkelse: ikke givet")
    else:
        timely = "rettidigt (senest på fristdagen)" if e.notice_in_time else "for sent (efter fristdagen)"
        lines.append(f"Underretning om forsinkelse: givet {da_date(e.notice, layout)}, {timely}")
    if e.kind == "complaint" and not e.within:
        kept = "overholdt" if e.complaint_on_time else "ikke overholdt"
        lines.append(f"Klagefristen er dermed {kept} (rettidig underretning tæller som overholdt)")
    return lines


def _service(e: Explanation, layout: Layout) -> list[str]:
    if e.service is None:
        return []
    s = e.service
    lines = ["", f"Servicemål: {rule_text(s.value, s.unit, layout)} (internt mål, målt ved siden af fristen)"]
    lines += working_lines(s, layout)
    lines.append(f"Servicemålets dato: {da_date(s.deadline, layout)}")
    if e.status == "measured":
        lines.append("Servicemål: " + ("overholdt" if e.within_service else "ikke overholdt"))
    return lines


def render_explanation(e: Explanation, layout: Layout | None = None) -> str:
    """The explanation as Danish text, one fact per line."""
    layout = layout or load_layout()
    lines = _head(e, layout)
    if e.rows > 1:
        lines.append(f"Id'et står {e.rows} gange i kildetabellen")
    if e.status not in ("measured", "open"):
        lines += _dates(e, layout)
        if e.status == "not_received":
            lines.append(f"Ikke modtaget pr. {da_date(e.as_of, layout)}")
            return "\n".join(lines) + "\n"
        reason = e.reason or ""
        group = "reasons" if e.kind == "decision" else "follow_up.complaint_reasons"
        title = _label(layout, f"{group}.{reason}", reason)
        explanation = _label(layout, f"reason_explanations.{reason}", "") if e.kind == "decision" else ""
        lines.append(f"Udeladt af målingen: {title}" + (f". {explanation}" if explanation else ""))
        return "\n".join(lines) + "\n"
    if e.kind == "decision":
        entry = e.entry
        assert entry is not None and e.legal is not None
        lines.append(f"Fristkatalog: {e.catalogue_version}")
        who = "standardfristen" if entry.default else (entry.area or "")
        if entry.variant:
            who += f", variant {entry.variant}"
        until = f"til {da_date(entry.valid_to, layout)}" if entry.valid_to else "uden slutdato"
        lines.append(
            f'Anvendt post: {who} "{entry.name}", gyldig fra {da_date(entry.valid_from, layout)} {until}'
            " (den version, der gælder på modtagelsesdatoen)"
        )
        lines.append(f"Hvorfor: {_why(e)}")
        rule = f"Fristregel: {rule_text(e.legal.value, e.legal.unit, layout)}"
        if entry.published_text:
            rule += f" (offentliggjort som: {entry.published_text})"
        lines.append(rule)
        if entry.legal_basis:
            lines.append(f"Hjemmel: {entry.legal_basis}")
    else:
        assert e.legal is not None and e.complaint_rule is not None
        lines.append("Fristregel: " + COMPLAINT_RULES[e.complaint_rule].format(value=e.legal.value))
    lines += _dates(e, layout)
    if not (e.kind == "complaint" and e.complaint_rule == "own_deadline"):
        lines += working_lines(e.legal, layout)
    lines += _verdict(e, layout)
    lines += _service(e, layout)
    return "\n".join(lines) + "\n"


def _label(layout: Layout, key: str, fallback: str) -> str:
    try:
        return layout.text(key)
    except LayoutError:  # a reason without a label of its own: show its code
        return fallback
