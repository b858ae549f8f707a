"""Danish number, date and week wording for everything a manager or committee member reads.

One place for the way the reports write figures in text (notes, generated sentences, footers,
chart titles):

* numbers with '.' for thousands and ',' for decimals (``da_number(11870) == "11.870"``), never
  in scientific notation (``f"{x:,.Nf}"`` is fixed-point for every finite float);
* percentages with a space before the sign (``da_pct(91.66) == "91,7 %"``), missing as "–";
* percentage points with a sign (``da_pp(1.23) == "+1,2 pp"``);
* dates as dd-mm-yyyy, ISO weeks as "uge 2, 2025";
* counted nouns ("1 afgørelse", "2 afgørelser") and lists ("A, B og C") for generated sentences.

Cells keep numbers as numbers; their Excel formats are :data:`EXCEL_FORMATS` (locale-neutral
codes, so a Danish Excel shows 11.870 and 84,4 %).

``da_number``, ``da_pct_number`` and ``da_date`` used to live in ``report/xlsx.py``, which now
imports them from here (same behaviour). ``manifest.da_pct`` is the same rule as
:func:`da_pct` and can import it once the package's layers settle.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sagstid.values import is_missing

MISSING = "–"  # en dash: no figure

# Locale-neutral Excel number formats ('.' and ',' are placeholders that Excel shows in the
# reader's locale). "0.0 %" puts the Danish space before the sign, as the texts do.
EXCEL_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "dec": "#,##0.0",
    "days": "#,##0",  # whole days: no ",0" after a median
    "pct": "0.0 %",  # the cell holds a fraction: 0.844 shows as 84,4 %
    "goal": "0 %",
    "pp": '+0.0" pp";-0.0" pp";0.0" pp"',
    "date": "dd-mm-yyyy",
    "datetime": "dd-mm-yyyy hh:mm",
}

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def da_number(value: Any, decimals: int = 0) -> str:
    """A number the Danish way: 1.234 and 92,5; "–" where missing or infinite."""
    if is_missing(value) or not math.isfinite(float(value)):
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and text.strip("-0.,") == "":  # -0.04 with one decimal: "0,0"
        text = text[1:]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def da_pct_number(value: float) -> str:
    """A target such as 80 or 92.5 written as '80' or '92,5' (no sign)."""
    return da_number(value, 0 if float(value).is_integer() else 1)


def da_pct(value: Any, decimals: int = 1) -> str:
    """A 0-100 percentage as '91,7 %'; "–" where missing."""
    text = da_number(value, decimals)
    return text if text == MISSING else f"{text} %"


def da_pp(value: Any, decimals: int = 1) -> str:
    """A change in percentage points with its sign: '+1,2 pp', '-0,8 pp', '0,0 pp'."""
    text = da_number(value, decimals)
    if text == MISSING:
        return text
    if text.strip("0,") == "":  # rounds to zero: no sign
        return f"{text} pp"
    return f"{'+' if float(value) > 0 else ''}{text} pp"


def da_date(day: Any) -> str:
    """A date as dd-mm-yyyy (date, datetime, Timestamp or datetime64); "–" where missing."""
    if is_missing(day):
        return MISSING
    if isinstance(day, np.datetime64):
        day = pd.Timestamp(day)
    return f"{day:%d-%m-%Y}"


def da_week(value: Any, week: int | None = None) -> str:
    """An ISO week as 'uge 2, 2025'.

    Takes ``da_week(2025, 2)``, an ISO label ``"2025-W02"`` (as held.py writes it), or any day
    of the week (the ISO year, which differs from the calendar year around New Year:
    29-12-2025 is in "uge 1, 2026").
    """
    if week is not None:
        year = int(value)
    elif isinstance(value, str) and _ISO_WEEK.match(value):
        found = _ISO_WEEK.match(value)
        assert found is not None
        year, week = int(found.group(1)), int(found.group(2))
    elif is_missing(value):
        return MISSING
    else:
        day = pd.Timestamp(value)
        year, week = int(day.isocalendar()[0]), int(day.isocalendar()[1])
    if not 1 <= int(week) <= 53:
        raise ValueError(f"no ISO week {week}")
    return f"uge {int(week)}, {year}"


def da_count(n: int, singular: str, plural: str) -> str:
    """'1 afgørelse', '2.968 afgørelser', '0 afgørelser'."""
    return f"{da_number(n)} {singular if int(n) == 1 else plural}"


def da_list(items: Sequence[str], last: str = "og") -> str:
    """'A', 'A og B', 'A, B og C' (no Oxford comma, as Danish writes it); '' for none."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def da_period(start: dt.date, end: dt.date) -> str:
    """'01-01-2025 til 31-12-2025' (one date style everywhere, no dotted dates)."""
    return f"{da_date(start)} til {da_date(end)}"


MONTHS: tuple[str, ...] = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
"""The Danish month names, lower case, January first (the one copy the reports and alerts use)."""
