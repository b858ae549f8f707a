"""The decisions table beyond the rows a run reads: duplicate ids and the rows only counted.

A run reads the rows decided in the periods it measures (docs/database.md, What a run reads);
the rest of the table is counted by the database per ``unit_code`` and ``decided_date`` value,
and the ids occurring more than once are read on their own. From these, without reading the
table's history row by row:

* the duplicate-id rule (docs/contract.md §3.3): a row is a duplicate when its decision_id
  occurs more than once in the whole table (two rows without an id are duplicates of each other,
  as ``pandas.Series.duplicated`` counts them);
* the accounting of the rows not read: a NULL decided_date is open, a readable one is out of the
  period, and an unreadable one (text that is no ISO date; only text date columns can hold one)
  is counted in every measurement, excluded as a duplicate or as an unreadable date;
* the rows read for the two periods of a run (one query) that belong to the other period are
  counted as out of the period after validation (sagstid/validate/decisions.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.periods import Period
from sagstid.validate.rows import DateWindow, parse_dates, text_codes

COUNTED_COLUMNS = ["unit_code", "decided_date", "row_count"]
DUPLICATE_COLUMNS = ["decision_id", "unit_code", "decided_date"]


@dataclass(frozen=True)
class DecisionExtract:
    """The decisions of one run (or period).

    ``in_period``: the rows read, with every column the rules need (those decided in the
    periods read, and any whose decided_date is there but unreadable). ``outside``: every other
    row of the table, counted: ``unit_code``, ``decided_date`` (a value; NULL for open rows),
    ``row_count``. ``duplicates``: ``decision_id``, ``unit_code``, ``decided_date`` of every row
    whose decision_id occurs more than once in the table, and of every row without one.
    """

    in_period: pd.DataFrame
    outside: pd.DataFrame
    duplicates: pd.DataFrame

    @property
    def rows(self) -> int:
        return len(self.in_period) + int(self.outside["row_count"].sum())

    @classmethod
    def from_rows(cls, rows: pd.DataFrame) -> DecisionExtract:
        """The extract of a whole table held as rows (the benchmark, tests): nothing counted,
        the duplicates found in the rows themselves."""
        repeated = (
            rows["decision_id"].duplicated(keep=False).to_numpy() | rows["decision_id"].isna().to_numpy()
        )
        return cls(
            in_period=rows,
            outside=pd.DataFrame({c: pd.Series(dtype=object) for c in COUNTED_COLUMNS}).astype(
                {"row_count": "int64"}
            ),
            duplicates=rows.loc[repeated, DUPLICATE_COLUMNS],
        )


def repeated_ids(ids: pd.Series, duplicates: pd.DataFrame) -> np.ndarray:
    """Per id in ``ids``: does it occur more than once in the whole table?"""
    known = duplicates["decision_id"]
    out: np.ndarray = ids.isin(known.dropna().unique()).to_numpy()
    if int(known.isna().sum()) > 1:
        out = out | ids.isna().to_numpy()
    return out


def own_rows(extract: DecisionExtract, period: Period, window: DateWindow | None) -> DecisionExtract:
    """The extract with only the rows ``period`` validates one by one: those decided in it and
    those whose decided date is unreadable or outside ``window`` (in every population); the
    other rows read (decided in the other period read with it) are counted in ``outside`` per
    unit_code and decided_date value, as out of the period."""
    rows = extract.in_period
    decided, invalid = parse_dates(rows["decided_date"], window)
    day = decided.to_numpy()
    start, end = np.datetime64(period.start, "s"), np.datetime64(period.end, "s")
    mine = invalid | ((day >= start) & (day <= end)) | np.isnat(day)
    if mine.all():
        return extract
    counted = (
        rows.loc[~mine, ["unit_code", "decided_date"]]
        .groupby(["unit_code", "decided_date"], dropna=False, sort=False)
        .size()
        .rename("row_count")
        .reset_index()
        .astype({"unit_code": object, "decided_date": object})
    )
    outside = pd.concat([extract.outside.astype({"unit_code": object, "decided_date": object}), counted])
    return DecisionExtract(rows[mine], outside.reset_index(drop=True), extract.duplicates)


def counted_rows(
    extract: DecisionExtract,
    statuses: tuple[str, ...],
    reasons: tuple[str, ...],
    window: DateWindow | None = None,
) -> pd.DataFrame:
    """The rows of ``extract.outside`` by unit_code (trimmed text, as validation makes it),
    status and reason (the accounting table's columns, with ``rows``): NULL decided_date open,
    a readable one in ``window`` out of the period, an unreadable one or one outside the window
    excluded as a duplicate id or an unreadable date (docs/contract.md §3.3)."""
    groups = extract.outside
    _, invalid = parse_dates(groups["decided_date"], window)
    present = groups["decided_date"].notna().to_numpy()
    count = groups["row_count"].to_numpy(dtype=np.int64)
    repeated = np.zeros(len(groups), dtype=np.int64)
    if invalid.any():
        dup = extract.duplicates
        dup = dup[repeated_ids(dup["decision_id"], dup)]
        per_value = (
            dup.groupby(["unit_code", "decided_date"], dropna=False, sort=False).size().rename("repeated")
        )
        # compared as the values they are: a column of only NULLs comes back from the
        # grouping as float, and pandas will not join text on float
        keys = {"unit_code": object, "decided_date": object}
        looked_up = (
            groups[["unit_code", "decided_date"]]
            .astype(keys)
            .merge(per_value.reset_index().astype(keys), on=["unit_code", "decided_date"], how="left")
        )
        repeated = np.where(invalid, looked_up["repeated"].fillna(0).to_numpy(dtype=np.int64), 0)
    status = np.where(invalid, "excluded", np.where(present, "out_of_period", "open"))
    parts = pd.DataFrame(
        {
            "unit_code": np.concatenate([groups["unit_code"].to_numpy(dtype=object)] * 2),
            "status": np.concatenate([status, status]),
            "reason": np.concatenate(
                [np.where(invalid, "invalid_date", ""), np.where(invalid, "duplicate_id", "")]
            ),
            "rows": np.concatenate([count - repeated, repeated]),
        }
    )
    parts = parts[parts["rows"].to_numpy() > 0].reset_index(drop=True)
    text_codes(parts, ("unit_code",))
    return pd.DataFrame(
        {
            "unit_code": parts["unit_code"].to_numpy(dtype=object),
            "status": pd.Categorical(parts["status"].to_numpy(), categories=statuses),
            "reason": pd.Categorical(
                np.where(parts["reason"].to_numpy() == "", None, parts["reason"].to_numpy()),  # type: ignore[call-overload]
                categories=reasons,
            ),
            "rows": parts["rows"].to_numpy(dtype=np.int64),
        }
    )
