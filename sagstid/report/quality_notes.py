"""The data-quality notes on the Datakvalitet sheets: placeholder dates read as empty and codes
read without the spaces around them, per source table and column (docs/results.md).

The rows are counted in the tables above them on the sheet (nothing is dropped); this table
says which values were read differently from how they stand in the database.
"""

from __future__ import annotations

from sagstid.measure.run import RunMeasurement
from sagstid.report.xlsx import Layout, Sheet
from sagstid.validate.rows import Notes


def _tables(ctx: RunMeasurement, unit_code: str | None) -> list[tuple[str, Notes]]:
    """(table label key, counts) of every table measured; a unit workbook shows the unit's own
    decisions (the other tables' rows are not kept per unit in its cut)."""
    tables: list[tuple[str, Notes]] = [("decisions", ctx.current.note_counts(unit_code))]
    if unit_code is not None:
        return tables
    if ctx.complaints is not None:
        tables.append(("complaints", ctx.complaints.note_counts()))
    if ctx.audit is not None:
        tables.append(("audit", ctx.audit.note_counts()))
    if ctx.snapshot is not None:
        tables.append(("open_decisions", ctx.snapshot.notes("decision")))
        tables.append(("open_complaints", ctx.snapshot.notes("complaint")))
    return tables


def write_data_notes(
    sheet: Sheet, layout: Layout, ctx: RunMeasurement, unit_code: str | None = None, wrap: bool = False
) -> None:
    """Tabel | Kolonne | Note | Rækker for every note and column, zeros included; ``wrap``: the
    note wrapped over the sheet's columns (the unit's Datakvalitet)."""
    sheet.skip()
    sheet.section(layout.text("data_notes.title"))
    (sheet.note_wrapped if wrap else sheet.note)(layout.text("data_notes.note"))
    sheet.header([layout.text(f"data_notes.columns.{c}") for c in ("table", "column", "kind", "rows")])
    for table, notes in _tables(ctx, unit_code):
        for kind, counts in notes.items():
            for column, rows in counts.items():
                sheet.values(
                    [
                        layout.text(f"data_notes.tables.{table}"),
                        column,
                        layout.text(f"data_notes.kinds.{kind}"),
                        rows,
                    ],
                    ["text", "text", "text", "int"],
                )
