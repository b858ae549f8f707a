"""Deadline dates (docs/contract.md §3.2), vectorised over whole columns.

The catalogue is turned into arrays once; each row finds the entry valid on its start date by
a binary search over (area, valid_from), and the deadline is computed per unit with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sagstid.config import DEADLINE_UNITS, DeadlineCatalogue, DeadlineEntry
from sagstid.rules.workdays import WorkCalendar

NO_ENTRY = -1
_FAR_FUTURE = np.datetime64("9999-12-31", "D")

# How a row found its entry (docs/contract.md §2.2): the entry of its area's variant, the
# area's general entry, or the default entry for areas the catalogue does not list.
VIA: tuple[str, ...] = ("none", "variant", "area", "default")
VIA_NONE, VIA_VARIANT, VIA_AREA, VIA_DEFAULT = range(4)
_NO_TARGET = -1


def _codes(values: pd.Series, known: pd.Index) -> np.ndarray:
    """Position of each value in ``known`` (-1 for a missing or unknown value)."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # map the few categories, then the codes
        per_category = np.append(known.get_indexer(values.cat.categories), -1)
        return per_category[values.cat.codes.to_numpy()].astype(np.int64)
    return known.get_indexer(pd.Index(values.astype(object))).astype(np.int64)


def _distinct_keys(
    a: np.ndarray, v: np.ndarray, day: np.ndarray, variants: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The distinct (area code, variant code, day) triples of the rows: (each row's triple,
    their area codes, variant codes, days), or None where one whole number cannot hold a
    triple (then the rows are looked up as they are)."""
    missing = np.isnat(day)
    number = day.astype(np.int64)
    low = int(number[~missing].min()) if (~missing).any() else 0
    span = (int(number[~missing].max()) - low + 2) if (~missing).any() else 1
    areas = int(a.max()) + 2 if len(a) else 1
    if areas * (variants + 1) * span >= 2**62:
        return None
    offset = np.where(missing, 0, number - low + 1)  # 0: no day
    key = ((a + 1) * (variants + 1) + (v + 1)) * span + offset
    rows, distinct = pd.factorize(key)
    offset, rest = np.divmod(np.asarray(distinct, dtype=np.int64), span)[::-1]
    days = np.where(offset == 0, np.datetime64("NaT", "D"), (offset - 1 + low).astype("datetime64[D]"))
    return rows, rest // (variants + 1) - 1, rest % (variants + 1) - 1, days


@dataclass(frozen=True)
class CatalogueArrays:
    """The deadline catalogue as parallel arrays, sorted by (key, valid_from), where a key is
    an area's general entry, one variant of an area, or the default entry."""

    areas: np.ndarray  # area code of each entry (object; None for the default entry)
    variants: np.ndarray  # variant of each entry (object; None for a general or default entry)
    is_default: np.ndarray  # bool
    names: np.ndarray  # Danish name of each entry (object)
    valid_from: np.ndarray  # datetime64[D]
    valid_to: np.ndarray  # datetime64[D], far future when open-ended
    value: np.ndarray  # int64
    unit: np.ndarray  # index into DEADLINE_UNITS (int8)
    roll: np.ndarray  # bool
    published_text: np.ndarray  # object, None where not given
    legal_basis: np.ndarray  # object, None where not given
    target_value: np.ndarray  # int64, -1 where the entry has no service target
    target_unit: np.ndarray  # int8 index into DEADLINE_UNITS (0 where no target)
    target_roll: np.ndarray  # bool
    area_index: dict[str, int]  # area code -> position in sorted unique areas
    variant_index: dict[str, int]  # variant -> position in sorted unique variants
    general_key: np.ndarray  # per area position: key of its general entries, or -1
    variant_key: np.ndarray  # per (area, variant) position: key of that variant's entries, or -1
    default_key: int  # key of the default entries, or -1
    entry_key: np.ndarray  # int64 key of each entry

    @classmethod
    def from_catalogue(cls, catalogue: DeadlineCatalogue) -> CatalogueArrays:
        def key_of(e: DeadlineEntry) -> tuple[int, str, str]:
            return (0, "", "") if e.default else (1, e.area or "", e.variant or "")

        entries = sorted(catalogue.deadlines, key=lambda e: (key_of(e), e.valid_from))
        keys = sorted({key_of(e) for e in entries})
        key_id = {k: i for i, k in enumerate(keys)}
        areas = sorted({e.area for e in entries if e.area is not None})
        variants = sorted({e.variant for e in entries if e.variant is not None})
        area_index = {code: i for i, code in enumerate(areas)}
        variant_index = {code: i for i, code in enumerate(variants)}
        general_key = np.full(len(areas), -1, dtype=np.int64)
        variant_key = np.full((len(areas), max(len(variants), 1)), -1, dtype=np.int64)
        for (_, area, variant), k in key_id.items():
            if area and variant:
                variant_key[area_index[area], variant_index[variant]] = k
            elif area:
                general_key[area_index[area]] = k
        targets = [e.service_target for e in entries]
        return cls(
            areas=np.array([e.area for e in entries], dtype=object),
            variants=np.array([e.variant for e in entries], dtype=object),
            is_default=np.array([e.default for e in entries], dtype=bool),
            names=np.array([e.name for e in entries], dtype=object),
            valid_from=np.array([e.valid_from for e in entries], dtype="datetime64[D]"),
            valid_to=np.array(
                [e.valid_to if e.valid_to else _FAR_FUTURE for e in entries], dtype="datetime64[D]"
            ),
            value=np.array([e.value for e in entries], dtype=np.int64),
            unit=np.array([DEADLINE_UNITS.index(e.unit) for e in entries], dtype=np.int8),
            roll=np.array([e.roll_to_working_day for e in entries], dtype=bool),
            published_text=np.array([e.published_text for e in entries], dtype=object),
            legal_basis=np.array([e.legal_basis for e in entries], dtype=object),
            target_value=np.array([t.value if t else _NO_TARGET for t in targets], dtype=np.int64),
            target_unit=np.array([DEADLINE_UNITS.index(t.unit) if t else 0 for t in targets], dtype=np.int8),
            target_roll=np.array([t.roll_to_working_day if t else False for t in targets], dtype=bool),
            area_index=area_index,
            variant_index=variant_index,
            general_key=general_key,
            variant_key=variant_key,
            default_key=key_id.get((0, "", ""), -1),
            entry_key=np.array([key_id[key_of(e)] for e in entries], dtype=np.int64),
        )

    def _find(self, keys: np.ndarray, start: np.ndarray) -> np.ndarray:
        """The entry of each row's key valid on its start date, or NO_ENTRY."""
        day = start.astype("datetime64[D]")
        missing = np.isnat(day)
        span = np.int64(1) << 32  # days fit easily; keeps (key, day) ordered as one key
        entry_keys = self.entry_key * span + self.valid_from.astype(np.int64)
        row_keys = keys * span + np.where(missing, 0, day.astype(np.int64))
        found = np.searchsorted(entry_keys, row_keys, side="right") - 1
        safe = np.clip(found, 0, None)
        ok = (
            (keys >= 0)
            & ~missing
            & (found >= 0)
            & (self.entry_key[safe] == keys)
            & (day <= self.valid_to[safe])
        )
        return np.where(ok, found, NO_ENTRY)

    def lookup_via(
        self, area: pd.Series, start: np.ndarray, variant: pd.Series | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each row's entry (or NO_ENTRY) and how it was found (an index into VIA).

        The variant's entry valid on the start date; else the area's general entry; else, for
        an area without general entries (not in the catalogue, or listed only by variant), the
        default entry (docs/contract.md §2.2).
        """
        if len(self.entry_key) == 0:
            empty = np.full(len(area), NO_ENTRY, dtype=np.int64)
            return empty, np.zeros(len(area), dtype=np.int8)
        a = _codes(area, pd.Index(list(self.area_index)))
        no_variant = variant is None or not self.variant_index
        v = (
            np.full(len(a), -1, dtype=np.int64)
            if no_variant
            else _codes(variant, pd.Index(list(self.variant_index)))  # type: ignore[arg-type]
        )
        day = np.asarray(start).astype("datetime64[D]")
        # A row's entry depends on its (area, variant, day) alone: each distinct one (a few
        # thousand, against a million rows) is looked up once and the rows take its answer.
        distinct = _distinct_keys(a, v, day, len(self.variant_index))
        if distinct is None:
            return self._lookup_codes(a, v, day)
        rows, a, v, day = distinct
        entry, via = self._lookup_codes(a, v, day)
        return entry[rows], via[rows]

    def _lookup_codes(self, a: np.ndarray, v: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """lookup_via for area codes ``a`` and variant codes ``v`` (-1: unknown or none) and
        the start days ``day`` (datetime64[D], NaT where missing)."""
        known = a >= 0
        safe_a = np.clip(a, 0, None)
        general = np.where(known, self.general_key[safe_a] if len(self.general_key) else -1, -1)
        if self.variant_index:
            by_variant = np.where(known & (v >= 0), self.variant_key[safe_a, np.clip(v, 0, None)], -1)
        else:
            by_variant = np.full(len(a), -1, dtype=np.int64)
        entry = np.full(len(a), NO_ENTRY, dtype=np.int64)
        via = np.zeros(len(a), dtype=np.int8)
        default_keys = np.where(general < 0, self.default_key, -1).astype(np.int64)
        # each step looks only at the rows still without an entry that have such a key
        for keys, how in ((by_variant, VIA_VARIANT), (general, VIA_AREA), (default_keys, VIA_DEFAULT)):
            rows = np.flatnonzero((entry == NO_ENTRY) & (keys >= 0))
            if len(rows) == 0:
                continue
            found = self._find(keys[rows], day[rows])
            hit = found != NO_ENTRY
            entry[rows[hit]] = found[hit]
            via[rows[hit]] = how
        return entry.astype(np.int64), via

    def lookup(self, area: pd.Series, start: np.ndarray, variant: pd.Series | None = None) -> np.ndarray:
        """Index of the entry for each row valid on its start date, or NO_ENTRY (see lookup_via)."""
        return self.lookup_via(area, start, variant)[0]


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
    hours = unit == DEADLINE_UNITS.index("hours")  # 24 * k hours: k calendar days (validated)
    result[hours] = start[hours] + (value[hours] // 24).astype("timedelta64[D]")
    weeks = unit == DEADLINE_UNITS.index("weeks")
    result[weeks] = start[weeks] + (7 * value[weeks]).astype("timedelta64[D]")
    months = unit == DEADLINE_UNITS.index("months")
    result[months] = add_months(start[months], value[months])
    working = (unit == DEADLINE_UNITS.index("working_days")) & (value > 0)
    result[working] = calendar.add_working_days(start[working], value[working])
    same_day = (unit == DEADLINE_UNITS.index("working_days")) & (value == 0)
    result[same_day] = calendar.roll_forward(start[same_day])  # 0 working days: receipt, or next
    to_roll = roll & (unit != DEADLINE_UNITS.index("working_days"))
    result[to_roll] = calendar.roll_forward(result[to_roll])
    return result


def deadlines_for(
    catalogue: CatalogueArrays, entry: np.ndarray, start: np.ndarray, calendar: WorkCalendar
) -> np.ndarray:
    """Deadline dates for rows whose catalogue entry is known (entry >= 0)."""
    return deadline_dates(
        start, catalogue.value[entry], catalogue.unit[entry], catalogue.roll[entry], calendar
    )


def service_deadlines_for(
    catalogue: CatalogueArrays, entry: np.ndarray, start: np.ndarray, calendar: WorkCalendar
) -> np.ndarray:
    """Service-target dates for rows whose catalogue entry is known; NaT where the entry has no
    service target (docs/contract.md §2.2)."""
    start = start.astype("datetime64[D]")
    has = catalogue.target_value[entry] >= 0
    out = np.full(len(entry), np.datetime64("NaT"), dtype="datetime64[D]")
    chosen = entry[has]
    out[has] = deadline_dates(
        start[has],
        catalogue.target_value[chosen],
        catalogue.target_unit[chosen],
        catalogue.target_roll[chosen],
        calendar,
    )
    return out
