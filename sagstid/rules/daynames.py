"""Why a day is not a working day (docs/contract.md §3.1), for explaining one deadline: a
weekend, a Danish public holiday by its Danish name (the ``holidays`` package), or a day
closed in calendar.yaml."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

from sagstid.config import CalendarConfig

WEEKEND, HOLIDAY, CLOSED = "weekend", "holiday", "closed"


@cache
def _holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("DK", years=year, language="da").items())


def closed_reason(day: dt.date, calendar: CalendarConfig) -> tuple[str, str | None] | None:
    """None for a working day, else (WEEKEND | HOLIDAY | CLOSED, the holiday's name or None).
    A holiday on a weekend is named as the holiday (Påskedag, Pinsedag)."""
    name = _holidays(day.year).get(day)
    if name is not None:
        return HOLIDAY, name
    if day.weekday() >= 5:
        return WEEKEND, None
    if day.strftime("%m-%d") in calendar.closed_every_year or day in calendar.closed_dates:
        return CLOSED, None
    return None
