"""The expected wait for citizens (docs/flow.md): ``forventet-sagsbehandlingstid.csv`` and a
static Danish HTML page the municipality can publish on its website.

One row per case area with a deadline published on the as-of date: the published deadline, the
measured figure ("9 af 10 fik svar inden for N dage", from the decisions of the window) and the
projected wait for an application received that day, each labelled as measured (målt) or
projected (skøn). An area with too few decisions in the window shows "for få sager".

The page needs no JavaScript and no external files: a real table with a caption and header
cells (``scope``), ``lang="da"``, dark text on white (contrast above 7:1), and a layout that
fits a phone's width.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from fractions import Fraction
from html import escape
from pathlib import Path

import pandas as pd

from sagstid.measure.flow_figures import FlowFigures, days_in_window
from sagstid.report.labels import rule_text
from sagstid.report.xlsx import load_layout

CSV_FILE = "forventet-sagsbehandlingstid.csv"
HTML_FILE = "forventet-sagsbehandlingstid.html"
TOO_FEW = "for få sager"
NO_QUEUE = "ingen sager venter"


def danish_date(day: dt.date) -> str:
    months = load_layout().get("months")
    return f"{day.day}. {months[day.month - 1]} {day.year}"


def danish_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def share_words(share: float) -> str:
    """0.9 -> "9 af 10", 0.8 -> "8 af 10", 0.75 -> "75 %"."""
    exact = Fraction(str(share))
    tenths = exact * 10
    if tenths.denominator == 1:
        return f"{tenths.numerator} af 10"
    return f"{float(exact * 100):g} %".replace(".", ",")


def days_words(days: float) -> str:
    n = int(days)
    return "1 dag" if n == 1 else f"{danish_int(n)} dage"


def deadline_words(value: object, unit: object) -> str:
    """The published deadline as the reports write it ("7 arbejdsdage", "samme dag"): the
    value is a whole number, though the frame may carry it as a float."""
    return rule_text(int(float(str(value))), str(unit))


def citizen_rows(figures: FlowFigures, suppress_below: int) -> pd.DataFrame:
    """One row per published area, in the catalogue's name order, with the texts shown.

    The page is published, so it carries no small count (docs/privacy.md): it shows no count
    of waiting cases, and no projected wait where 1 to ``suppress_below`` - 1 cases wait (the
    wait and the recent pace would give their number away)."""
    waits = figures.expected_wait
    rows = waits[waits["published"].to_numpy(dtype=bool)].sort_values("area_name", kind="stable")
    enough = rows["enough"].to_numpy(dtype=bool)
    measured = [days_words(d) if ok else TOO_FEW for d, ok in zip(rows["days_within"], enough, strict=True)]
    projected = [
        (NO_QUEUE if o == 0 else f"ca. {days_words(p)}") if ok and not 0 < o < suppress_below else TOO_FEW
        for p, o, ok in zip(rows["projected_days"], rows["open"], enough, strict=True)
    ]
    deadline = [
        deadline_words(v, u) for v, u in zip(rows["deadline_value"], rows["deadline_unit"], strict=True)
    ]
    return rows.assign(deadline_text=deadline, measured_text=measured, projected_text=projected)


def write_csv(path: Path, figures: FlowFigures, suppress_below: int) -> None:
    """Semicolons, decimal commas, UTF-8 with BOM, CRLF: opens cleanly in a Danish Excel."""
    rows = citizen_rows(figures, suppress_below)
    share = share_words(figures.wait_settings.share)
    window_from = figures.wait_from + dt.timedelta(days=1)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Sagsområde",
            "Områdekode",
            "Offentliggjort frist",
            f"Målt: {share} fik svar inden for (dage)",
            "Skøn: forventet ventetid for en ny ansøgning (dage)",
            "Afgørelser i perioden",
            "Periode fra",
            "Periode til",
            "Opgjort pr.",
        ]
    )
    for row in rows.to_dict("records"):  # one row per published area (a few dozen)
        ok = bool(row["enough"])
        waiting_few = 0 < int(row["open"]) < suppress_below
        writer.writerow(
            [
                row["area_name"],
                row["case_area_code"],
                row["deadline_text"],
                int(row["days_within"]) if ok else TOO_FEW,
                int(row["projected_days"]) if ok and not waiting_few else TOO_FEW,
                int(row["decisions"]) if ok else TOO_FEW,
                window_from.isoformat(),
                figures.as_of.isoformat(),
                figures.as_of.isoformat(),
            ]
        )
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 0;
  color: #1a1a1a; background: #ffffff; line-height: 1.5; font-size: 1rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 0.75rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
p.dato { font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.5rem; }
th, td { border-bottom: 1px solid #8a8a8a; padding: 0.5rem 0.5rem; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
thead th { background: #0b3d59; color: #ffffff; }
tbody th { font-weight: 600; }
.type { display: block; font-size: 0.85rem; font-weight: 400; }
thead .type { color: #ffffff; }
.faa { font-style: italic; color: #4a4a4a; }
.label { display: none; }
@media (max-width: 40rem) {
  main { padding: 0.75rem; }
  h1 { font-size: 1.4rem; }
  /* one block per area; the column headers are repeated as labels in each cell */
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
    white-space: nowrap; }
  table, caption, tbody, tr, th, td { display: block; }
  tr { border-bottom: 1px solid #8a8a8a; padding: 0.5rem 0; }
  th, td { border: 0; padding: 0.15rem 0; }
  tbody th { font-size: 1.05rem; }
  td { display: grid; grid-template-columns: 58% 42%; gap: 0.5rem; }
  .label { display: block; color: #4a4a4a; }
}
"""


def page_html(figures: FlowFigures, suppress_below: int) -> str:
    rows = citizen_rows(figures, suppress_below)
    w = figures.wait_settings
    share = share_words(w.share)
    as_of = danish_date(figures.as_of)
    window_from = danish_date(figures.wait_from + dt.timedelta(days=1))
    body = []
    for row in rows.itertuples(index=False):  # one row per published area (a few dozen)
        ok = bool(row.enough)
        cls = "tal" if ok else "faa"
        body.append(
            '<tr role="row">'
            f'<th scope="row" role="rowheader">{escape(str(row.area_name))}</th>'
            f'<td role="cell"><span class="label" aria-hidden="true">Frist (fastsat)</span>'
            f"<span>{escape(str(row.deadline_text))}</span></td>"
            f'<td role="cell" class="{cls}"><span class="label" aria-hidden="true">{share} fik svar '
            f"inden for (målt)</span><span>{escape(str(row.measured_text))}</span></td>"
            f'<td role="cell" class="{cls}"><span class="label" aria-hidden="true">Ventetid, hvis du '
            f"søger nu (skøn)</span><span>{escape(str(row.projected_text))}</span></td>"
            "</tr>"
        )
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Forventet sagsbehandlingstid</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<h1>Forventet sagsbehandlingstid</h1>
<p>Her kan du se, hvor lang tid Beskæftigelses- og Integrationsforvaltningen i praksis er om at
træffe afgørelse, når du har søgt om noget. Kommunen har for hvert område fastsat en frist for,
hvornår du senest skal have svar. Tabellen viser fristen, og hvor lang tid det faktisk har
taget.</p>
<p class="dato">Tallene er opgjort pr. {as_of} ud fra afgørelser truffet fra {window_from} til
{as_of}.</p>
<table role="table">
<caption>Sagsbehandlingstid pr. område pr. {as_of}</caption>
<thead role="rowgroup">
<tr role="row">
<th scope="col" role="columnheader">Område</th>
<th scope="col" role="columnheader">Frist<span class="type">fastsat af kommunen</span></th>
<th scope="col" role="columnheader">{share} fik svar inden for<span class="type">målt</span></th>
<th scope="col" role="columnheader">Ventetid, hvis du søger nu<span class="type">skøn</span></th>
</tr>
</thead>
<tbody role="rowgroup">
{chr(10).join(body)}
</tbody>
</table>
<h2>Sådan er tallene lavet</h2>
<p><strong>Målt:</strong> Vi har set på alle afgørelser i området fra {window_from} til {as_of}
({w.months} måneder, {days_in_window(figures)} dage). For hver afgørelse har vi talt dagene
fra ansøgningen kom ind, til afgørelsen blev truffet. {share} af dem blev truffet inden for
det antal dage, der står i tabellen. Alle dage tæller med, også weekender og helligdage.</p>
<p><strong>Skøn:</strong> Ventetiden, hvis du søger nu, er et skøn. Vi har taget antallet af
sager, der venter på en afgørelse pr. {as_of}, og delt det med, hvor mange afgørelser der i
gennemsnit er truffet pr. dag i perioden. Skønnet forudsætter, at sagerne behandles i den
rækkefølge, de kommer ind, og at der træffes lige så mange afgørelser som hidtil. Tiden til at
behandle din egen sag kommer oven i.</p>
<p><strong>For få sager:</strong> Hvis der er truffet færre end {w.min_count} afgørelser i et
område i perioden, viser vi ingen tal, fordi de ikke ville være retvisende.</p>
<p>Fristen er den frist, kommunen har offentliggjort efter retssikkerhedslovens § 3, stk. 2.
Kan kommunen ikke overholde fristen i din sag, skal du have skriftlig besked om, hvornår du kan
forvente en afgørelse.</p>
</main>
</body>
</html>
"""


def write_citizen_pages(folder: Path, figures: FlowFigures, suppress_below: int) -> list[str]:
    """Write the CSV and the HTML page into ``folder``; returns their names."""
    write_csv(folder / CSV_FILE, figures, suppress_below)
    (folder / HTML_FILE).write_text(page_html(figures, suppress_below), encoding="utf-8")
    return [CSV_FILE, HTML_FILE]
