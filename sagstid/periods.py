"""Measurement periods: both ends inclusive, with the period before for comparison."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sagstid.errors import InputError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_HALF = re.compile(r"^(\d{4})H([12])$")

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
"""The days a period (and the period before it, for comparison) may cover: wide enough for any
real measurement, far enough inside the calendar's limits (year 1, 9999) for every date sum."""


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    # A period that has begun but not ended, measured only up to ``end`` (today): the last day
    # it would have had (docs/operations.md, "Periods in the future"). None for a whole period.
    nominal_end: dt.date | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InputError(f"the period ends ({self.end}) before it starts ({self.start})")
        if self.start < FIRST_DAY or self.end > LAST_DAY:
            raise InputError(
                f"the period {self.start.isoformat()} to {self.end.isoformat()} lies outside the days "
                f"sagstid measures ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}, the comparison "
                "period included)"
            )
        if self.nominal_end is not None and self.nominal_end <= self.end:
            raise ValueError("a partial period's nominal end must lie after its measured end")

    @property
    def partial(self) -> bool:
        """True for a period measured only up to ``end`` although it runs to ``nominal_end``."""
        return self.nominal_end is not None

    @property
    def nominal(self) -> Period:
        """The whole period (itself unless partial)."""
        return Period(self.start, self.nominal_end) if self.nominal_end is not None else self

    def up_to(self, today: dt.date) -> Period:
        """The period measured up to ``today``: itself if it has ended by then, else the part
        from its start to ``today``, marked partial. The caller refuses a period not begun."""
        if self.end <= today or today < self.start:
            return self
        return Period(self.start, today, nominal_end=self.end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, text: str) -> Period:
        match = _QUARTER.match(text.strip().upper())
        if not match:
            raise InputError(f"--quarter {text!r}: expected YYYYQn, e.g. 2025Q3")
        year, quarter = int(match[1]), int(match[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        end = _month_end(year, 3 * quarter)
        return cls(start, end)

    @classmethod
    def half(cls, text: str) -> Period:
        """'2025H1' is January to June 2025, '2025H2' July to December."""
        match = _HALF.match(text.strip().upper())
        if not match:
            raise InputError(f"--half {text!r}: expected YYYYHn, e.g. 2025H1")
        year, half = int(match[1]), int(match[2])
        return cls(dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half))

    def last_year(self) -> Period:
        """The same dates a year earlier (29 February becomes 28 February; a period ending on
        the last day of February ends on last year's last day of February)."""
        end = _year_back(self.end)
        if self.end.month == 2 and self.end == _month_end(self.end.year, 2):
            end = _month_end(self.end.year - 1, 2)
        return Period(_year_back(self.start), end)

    def year_to_date(self) -> Period:
        """From 1 January of the period's last year to its last day."""
        return Period(dt.date(self.end.year, 1, 1), self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The comparable period before: the year, quarter or month before when the period is
        one, else the same number of days immediately before. For a partial period: the same
        stretch of the whole period before (1 January to 29 November 2025 for 2026 measured up
        to 29 November 2026)."""
        if self.nominal_end is not None:
            whole = self.nominal.previous()
            months = (self.start.year - whole.start.year) * 12 + self.start.month - whole.start.month
            return Period(whole.start, min(whole.end, _shift_months(self.end, -months)))
        if self._is_whole_months():
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            first = _add_months(self.start, -months)
            return Period(first, self.start - dt.timedelta(days=1))
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def same_dates_last_year(self) -> Period:
        """The same dates a year earlier (29 February becomes the 28th)."""
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def comparison(self) -> Period:
        """The period a report compares with: :meth:`previous` for whole months (the year,
        quarter or month before), else the same dates last year (the nightly year to date is
        compared with the same days of last year, so the seasons match)."""
        return self.previous() if self._is_whole_months() else self.same_dates_last_year()

    def _is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == _month_end(self.end.year, self.end.month)

    @property
    def slug(self) -> str:
        """A folder name: '2025', '2025Q3', '2025H1' or '2025-02-01_2025-03-15' (a partial
        period: the whole period's name)."""
        if self.nominal_end is not None:
            return self.nominal.slug
        label = self.label
        if label.isdigit():
            return label
        if "kvartal" in label:
            return f"{self.start.year}Q{(self.start.month + 2) // 3}"
        if "halvår" in label:
            return f"{self.start.year}H{(self.start.month + 5) // 6}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """A Danish label: '2025', '3. kvartal 2025', '1. halvår 2025' or
        '01.02.2025-15.03.2025'; a partial period adds '(foreløbig, til og med 29-11-2026)'."""
        if self.nominal_end is not None:
            return f"{self.nominal.label} (foreløbig, til og med {self.end:%d-%m-%Y})"
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return str(self.start.year)
        if (
            self._is_whole_months()
            and self.start.month % 3 == 1
            and self.start.year == self.end.year
            and self.end.month == self.start.month + 2
        ):
            return f"{(self.start.month + 2) // 3}. kvartal {self.start.year}"
        if (
            self._is_whole_months()
            and self.start.month in (1, 7)
            and self.start.year == self.end.year
            and self.end.month == self.start.month + 5
        ):
            return f"{(self.start.month + 5) // 6}. halvår {self.start.year}"
        return f"{self.start:%d.%m.%Y}-{self.end:%d.%m.%Y}"


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _shift_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (earlier if negative), or that month's last day."""
    first = _add_months(day.replace(day=1), months)
    return min(
        dt.date(first.year, first.month, 1) + dt.timedelta(days=day.day - 1),
        _month_end(first.year, first.month),
    )


def _year_back(day: dt.date) -> dt.date:
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r}: expected a date as YYYY-MM-DD") from None


def _year_earlier(day: dt.date) -> dt.date:
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)
