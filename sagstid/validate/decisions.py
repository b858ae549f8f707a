"""Validate: types and exclusions by reason (docs/contract.md §3.3); every row accounted for.

Each extracted row gets a ``status``: ``measured``, ``excluded`` (with the first ``reason``
that applies, in the order of §3.3), ``open`` (not yet decided) or ``out_of_period``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.periods import Period
from sagstid.rules.deadlines import NO_ENTRY, VIA, CatalogueArrays
from sagstid.schema import DECISION_DATE_COLUMNS
from sagstid.validate.decision_table import DecisionExtract, counted_rows, own_rows, repeated_ids
from sagstid.validate.rows import (
    DateWindow,
    as_text,
    count_values,
    first_reason,
    parse_date_columns,
    reason_column,
    status_column,
    text_codes,
    unknown_unit,
)

DECISION_REASONS: tuple[str, ...] = (
    "duplicate_id",
    "invalid_date",
    "missing_received",
    "decided_before_received",
    "unknown_unit",
    "no_deadline",
)
STATUSES: tuple[str, ...] = ("measured", "excluded", "open", "out_of_period")
__all__ = ["DECISION_REASONS", "STATUSES", "DecisionExtract", "ValidatedDecisions", "validate_decisions"]
KEY_DATES = ("received_date", "decided_date")  # outside the plausible window: invalid_date
# The data-quality counts of results.json and the Datakvalitet sheets (docs/results.md).
NOTE_COLUMNS: dict[str, tuple[str, ...]] = {
    "placeholder_dates": ("sent_date", "delay_notice_date"),
    "padded_codes": ("unit_code", "case_area_code"),
}


@dataclass(frozen=True)
class ValidatedDecisions:
    """All extracted decision rows with parsed dates, status, reason and catalogue entry."""

    rows: pd.DataFrame
    counted: pd.DataFrame | None = None  # rows not kept, by unit_code, status, reason (rows)

    @property
    def measured(self) -> pd.DataFrame:
        return self.rows[self._is_measured()]

    def measured_values(self, column: str) -> pd.Series:
        """``column`` of the measured rows (only that column taken, not every column's rows)."""
        return self.rows[column][self._is_measured()]

    def _is_measured(self) -> np.ndarray:
        return (self.rows["status"] == "measured").to_numpy()

    def status_counts(self) -> dict[str, int]:
        return self._add_counted(count_values(self.rows["status"], STATUSES), "status")

    def reason_counts(self) -> dict[str, int]:
        return self._add_counted(count_values(self.rows["reason"], DECISION_REASONS), "reason")

    def _add_counted(self, counts: dict[str, int], column: str) -> dict[str, int]:
        if self.counted is not None:
            extra = self.counted.groupby(column, observed=True)["rows"].sum()
            counts = {name: n + int(extra.get(name, 0)) for name, n in counts.items()}
        return counts


def validate_decisions(
    extract: DecisionExtract,
    units: pd.DataFrame,
    period: Period,
    catalogue: CatalogueArrays,
    window: DateWindow | None = None,
) -> ValidatedDecisions:
    """``window``: the plausible dates (default: measurement.yaml's default for the period)."""
    window = window or DateWindow.default(period.end)
    own = own_rows(extract, period, window)
    rows = own.in_period.reset_index(drop=True)
    # from here on only ``rows`` holds the rows read: a column read as text is freed when it is
    # replaced by its parsed form (own_rows' filtered copy is not kept beside it)
    outside, duplicates = own.outside, own.duplicates
    del own
    text_codes(rows, ("unit_code", "case_area_code"), ids=("case_id",))
    for column in ("unit_code", "case_area_code"):
        rows[column] = rows[column].astype("category")
    decided_present = rows["decided_date"].notna().to_numpy()
    invalid_any, invalid = parse_date_columns(rows, DECISION_DATE_COLUMNS, window, KEY_DATES)
    decided_invalid = invalid["decided_date"]

    decided = rows["decided_date"]
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    day = decided.to_numpy()
    in_period = (day >= start) & (day <= end)
    population = in_period | decided_invalid

    received = rows["received_date"].to_numpy()
    entry = np.full(len(rows), NO_ENTRY, dtype=np.int64)
    via = np.zeros(len(rows), dtype=np.int8)
    if "case_variant" not in rows:  # optional source column (docs/contract.md §1.3)
        rows["case_variant"] = None
    variant = as_text(rows["case_variant"]).str.strip()  # as the codes: text, trimmed
    rows["case_variant"] = variant.where(variant.notna() & (variant != ""), None).astype("category")
    entry[population], via[population] = catalogue.lookup_via(
        rows.loc[population, "case_area_code"], received[population], rows.loc[population, "case_variant"]
    )
    conditions = [
        repeated_ids(rows["decision_id"], duplicates),
        invalid_any,
        pd.isna(received),
        day < received,
        unknown_unit(rows, units),
        entry == NO_ENTRY,
    ]
    reason = first_reason(population, conditions, DECISION_REASONS)
    rows["status"] = status_column(
        [population & (reason >= 0), population, ~decided_present],
        ["excluded", "measured", "open"],
        "out_of_period",
        STATUSES,
    )
    rows["reason"] = reason_column(reason, DECISION_REASONS)
    rows["entry"] = entry
    rows["entry_via"] = pd.Categorical.from_codes(via, categories=VIA)  # type: ignore[call-overload]
    # Rows read but decided in the other period read with this one are counted, not kept.
    other = (rows["status"] == "out_of_period").to_numpy()
    counted = counted_rows(
        DecisionExtract(rows.iloc[:0], outside, duplicates), STATUSES, DECISION_REASONS, window
    )
    if other.any():
        kept = rows.loc[other, ["unit_code", "status", "reason"]]
        counted = pd.concat(
            [
                counted,
                kept.groupby(["unit_code", "status", "reason"], observed=True, dropna=False)
                .size()
                .rename("rows")
                .reset_index()
                .astype({"unit_code": object}),
            ],
            ignore_index=True,
        )
        rows = rows[~other]
    return ValidatedDecisions(rows, counted)
