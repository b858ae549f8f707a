"""The catalogue's part of the data-quality sheets: case areas measured against the default
entry (docs/contract.md §2.2), so an area code the catalogue does not list never hides."""

from __future__ import annotations

import pandas as pd

from sagstid.report.labels import deadline_text
from sagstid.report.xlsx import Layout, Sheet


def write_default_areas(
    sheet: Sheet, layout: Layout, areas: pd.DataFrame, unit_code: str | None = None, below: int = 0
) -> None:
    """Sagsområde | Enhed | Antal for the decisions that fell back to the default entry (one
    unit's), or Sagsområde | Antal for the whole administration with counts from 1 to
    ``below`` - 1 shown as "under {below}" (the committee workbook's suppression), or a line
    saying there were none."""
    if unit_code is not None and len(areas):
        areas = areas[areas["unit_code"].to_numpy() == unit_code]
    sheet.skip()
    sheet.section(layout.text("titles.default_areas"))
    if areas.empty:
        sheet.note(layout.text("titles.default_areas_none"))
        return
    sheet.note(layout.text("titles.default_areas_note"))
    if unit_code is None:
        per_area = areas.groupby("case_area_code", sort=True)["decisions"].sum()
        sheet.header([layout.text("columns.case_area"), layout.text("columns.count")])
        for code, value in per_area.items():  # one row per unlisted area: a handful
            count = int(value)
            small = 0 < count < below
            shown = layout.text("default_areas_below", below=below) if small else count
            sheet.values([str(code), shown], ["text", "text" if small else "int"])
        return
    sheet.header(
        [layout.text("columns.case_area"), layout.text("columns.unit_code"), layout.text("columns.count")]
    )
    rows = zip(
        areas["case_area_code"].tolist(),
        areas["unit_code"].tolist(),
        areas["decisions"].tolist(),
        strict=True,
    )
    for code, unit, count in rows:  # one row per (unit, unlisted area): a handful
        sheet.values([str(code), str(unit), int(count)], ["text", "text", "int"])


def write_service_targets(sheet: Sheet, layout: Layout, by_area: pd.DataFrame, below: int = 0) -> None:
    """Sagsområde | Navn | Servicemål | Afgørelser med servicemål | Overholdt | Overholdt (%) |
    Fristen overholdt (%) for the areas whose catalogue entries set a service target (docs/
    contract.md §2.2), beside the legal deadline's compliance; nothing when no area has one.
    Counts from 1 to ``below`` - 1 hide the area's figures (the committee's suppression)."""
    if "service_target_decisions" not in by_area or by_area.empty:
        return
    areas = by_area[by_area["service_target_decisions"].to_numpy() > 0]
    if areas.empty:
        return
    sheet.skip()
    sheet.section(layout.text("titles.service_targets"))
    sheet.note(layout.text("titles.service_targets_note"))
    sheet.header(
        [
            layout.text(f"columns.{c}")
            for c in (
                "case_area",
                "area_name",
                "service_target",
                "service_target_decisions",
                "service_target_within",
                "service_target_pct",
                "compliance",
            )
        ]
    )
    for row in areas.to_dict("records"):  # one row per area with a target: a handful
        count = int(row["service_target_decisions"])
        rules = deadline_text(row.get("service_rules") or (), layout)
        head = [str(row["case_area_code"]), str(row.get("area_name") or ""), rules]
        if 0 < count < below:
            hidden = layout.text("default_areas_below", below=below)
            sheet.values([*head, hidden, None, None, None], ["text"] * 7)
            continue
        pct = row["service_target_pct"]
        legal = row["compliance_pct"]
        sheet.values(
            [
                *head,
                count,
                int(row["within_service_target"]),
                None if pd.isna(pct) else pct / 100,
                None if pd.isna(legal) else legal / 100,
            ],
            ["text", "text", "text", "int", "int", "pct", "pct"],
        )
