"""Working days (docs/contract.md §3.1): Monday to Friday, not a Danish public holiday, not closed.

Public holidays come from the ``holidays`` package's Denmark calendar (so Store Bededag is a
holiday up to 2023 and not from 2024); closed days come from calendar.yaml. All functions take
and return numpy ``datetime64[D]`` arrays and are vectorised through numpy's business-day
functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays
import numpy as np
import pandas as pd

from sagstid.config import CalendarConfig

DAY = np.timedelta64(1, "D")


class WorkCalendar:
    """The administration's working days for a range of years."""

    def __init__(self, calendar: CalendarConfig, years: Iterable[int]) -> None:
        self.years = sorted(set(years))
        closed: set[dt.date] = set(holidays.country_holidays("DK", years=self.years))
        for year in self.years:
            for month_day in calendar.closed_every_year:
                month, day = (int(part) for part in month_day.split("-"))
                if month == 2 and day == 29 and not _is_leap(year):
                    continue
                closed.add(dt.date(year, month, day))
        closed.update(calendar.closed_dates)
        self.closed_days = np.array(sorted(closed), dtype="datetime64[D]")
        self.busdaycal = np.busdaycalendar(weekmask="1111100", holidays=self.closed_days)

    @classmethod
    def covering(cls, calendar: CalendarConfig, first: dt.date, last: dt.date) -> WorkCalendar:
        """A calendar for the years from ``first`` to ``last`` plus two years of deadlines
        (within the years a date can have, 1 to 9999)."""
        return cls(calendar, range(max(first.year - 1, dt.MINYEAR), min(last.year + 3, dt.MAXYEAR + 1)))

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        return np.is_busday(days, busdaycal=self.busdaycal)

    def add_working_days(self, start: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """The n-th working day strictly after each start (n >= 1; start may be a non-working day).

        Rolling a non-working start *backward* first means that a Saturday counts from the
        Friday before, whose next working day is the Saturday's next working day too.
        """
        return np.busday_offset(start, n, roll="backward", busdaycal=self.busdaycal)

    def roll_forward(self, days: np.ndarray) -> np.ndarray:
        """Each day if it is a working day, else the next working day."""
        return np.busday_offset(days, 0, roll="forward", busdaycal=self.busdaycal)

    def working_days_after(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days in (start, end]: the working days used from receipt to ``end``."""
        return np.busday_count(start + DAY, end + DAY, busdaycal=self.busdaycal)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def calendar_for(
    calendar: CalendarConfig, received: Iterable[pd.Series], first: dt.date, last: dt.date
) -> WorkCalendar:
    """The one calendar a run needs: from the earliest readable date in ``received`` (parsed
    ``datetime64`` columns; or ``first``, if earlier) to ``last`` and the deadlines after it."""
    start = first
    for dates in received:
        if dates.notna().any():
            start = min(start, pd.Timestamp(dates.min()).date())
    return WorkCalendar.covering(calendar, start, last)
