"""Measurement periods: both ends inclusive, with the period before for comparison."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sagstid.errors import InputError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_HALF = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InputError(f"the period ends ({self.end}) before it starts ({self.start})")

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
        one, else the same number of days immediately before."""
        if self._is_whole_months():
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            first = _add_months(self.start, -months)
            return Period(first, self.start - dt.timedelta(days=1))
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def _is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == _month_end(self.end.year, self.end.month)

    @property
    def slug(self) -> str:
        """A folder name: '2025', '2025Q3', '2025H1' or '2025-02-01_2025-03-15'."""
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
        '01.02.2025-15.03.2025'."""
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
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


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
