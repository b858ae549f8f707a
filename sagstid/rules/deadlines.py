"""Deadline dates (docs/contract.md §3.2), vectorised over whole columns.

The catalogue is turned into arrays once; each row finds the entry valid on its start date by
a binary search over (area, valid_from), and the deadline is computed per unit with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.config import DEADLINE_UNITS, DeadlineCatalogue
from sagstid.rules.workdays import WorkCalendar

NO_ENTRY = -1
_FAR_FUTURE = np.datetime64("9999-12-31", "D")


@dataclass(frozen=True)
class CatalogueArrays:
    """The deadline catalogue as parallel arrays, sorted by (area, valid_from)."""

    areas: np.ndarray  # area code of each entry (object)
    names: np.ndarray  # Danish name of each entry (object)
    valid_from: np.ndarray  # datetime64[D]
    valid_to: np.ndarray  # datetime64[D], far future when open-ended
    value: np.ndarray  # int64
    unit: np.ndarray  # index into DEADLINE_UNITS (int8)
    roll: np.ndarray  # bool
    area_index: dict[str, int]  # area code -> position in sorted unique areas
    entry_area: np.ndarray  # int64 area position of each entry

    @classmethod
    def from_catalogue(cls, catalogue: DeadlineCatalogue) -> CatalogueArrays:
        entries = sorted(catalogue.deadlines, key=lambda e: (e.area, e.valid_from))
        codes = sorted({e.area for e in entries})
        area_index = {code: i for i, code in enumerate(codes)}
        return cls(
            areas=np.array([e.area for e in entries], dtype=object),
            names=np.array([e.name for e in entries], dtype=object),
            valid_from=np.array([e.valid_from for e in entries], dtype="datetime64[D]"),
            valid_to=np.array(
                [e.valid_to if e.valid_to else _FAR_FUTURE for e in entries], dtype="datetime64[D]"
            ),
            value=np.array([e.value for e in entries], dtype=np.int64),
            unit=np.array([DEADLINE_UNITS.index(e.unit) for e in entries], dtype=np.int8),
            roll=np.array([e.roll_to_working_day for e in entries], dtype=bool),
            area_index=area_index,
            entry_area=np.array([area_index[e.area] for e in entries], dtype=np.int64),
        )

    def lookup(self, area: pd.Series, start: np.ndarray) -> np.ndarray:
        """Index of the entry for each row's area valid on its start date, or NO_ENTRY."""
        known = pd.Index(list(self.area_index))
        if isinstance(area.dtype, pd.CategoricalDtype):  # map the few categories, then the codes
            per_category = np.append(known.get_indexer(area.cat.categories), -1)
            codes = per_category[area.cat.codes.to_numpy()].astype(np.int64)
        else:
            codes = known.get_indexer(pd.Index(area)).astype(np.int64)
        day = start.astype("datetime64[D]").astype(np.int64)
        span = np.int64(1) << 32  # days fit easily; keeps (area, day) ordered as one key
        entry_keys = self.entry_area * span + self.valid_from.astype(np.int64)
        row_keys = codes * span + np.where(np.isnat(start), 0, day)
        found = np.searchsorted(entry_keys, row_keys, side="right") - 1
        safe = np.clip(found, 0, None)
        ok = (
            (codes >= 0)
            & ~np.isnat(start)
            & (found >= 0)
            & (self.entry_area[safe] == codes)
            & (start.astype("datetime64[D]") <= self.valid_to[safe])
        )
        return np.where(ok, found, NO_ENTRY)


def add_months(start: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The same day n months later, or that month's last day if it has no such day."""
    start = start.astype("datetime64[D]")
    month_start = start.astype("datetime64[M]")
    day_offset = start - month_start.astype("datetime64[D]")
    target = month_start + months.astype("timedelta64[M]")
    last_day = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(target.astype("datetime64[D]") + day_offset, last_day)


def deadline_dates(
    start: np.ndarray, value: np.ndarray, unit: np.ndarray, roll: np.ndarray, calendar: WorkCalendar
) -> np.ndarray:
    """Deadline date D per row: the last day on which the action is on time.

    ``unit`` holds indexes into DEADLINE_UNITS; ``start`` must not contain NaT.
    """
    start = start.astype("datetime64[D]")
    value = value.astype(np.int64)
    result = start + value.astype("timedelta64[D]")  # calendar_days
    weeks = unit == DEADLINE_UNITS.index("weeks")
    result[weeks] = start[weeks] + (7 * value[weeks]).astype("timedelta64[D]")
    months = unit == DEADLINE_UNITS.index("months")
    result[months] = add_months(start[months], value[months])
    working = unit == DEADLINE_UNITS.index("working_days")
    result[working] = calendar.add_working_days(start[working], value[working])
    to_roll = roll & ~working
    result[to_roll] = calendar.roll_forward(result[to_roll])
    return result


def deadlines_for(
    catalogue: CatalogueArrays, entry: np.ndarray, start: np.ndarray, calendar: WorkCalendar
) -> np.ndarray:
    """Deadline dates for rows whose catalogue entry is known (entry >= 0)."""
    return deadline_dates(
        start, catalogue.value[entry], catalogue.unit[entry], catalogue.roll[entry], calendar
    )
