"""The units table must name each unit once: a code listed twice or a unit without a code or a
name is bad input (one line, exit 2), found before any case row is read (docs/contract.md §1.2).

The other tables' rows are matched to units by code, and each unit's workbook is titled by its
name, so two rows for one code (which name?) or a blank name ("nan" as a title) cannot be
measured around.
"""

from __future__ import annotations

import pandas as pd

from sagstid.errors import InputError


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | (values.astype("string").str.strip().fillna("") == "")


def check_units(units: pd.DataFrame) -> pd.DataFrame:
    """``units`` unchanged if every row has a code and a name and no code occurs twice;
    otherwise InputError naming the first offending codes."""
    codes = units["unit_code"]
    no_code = _blank(codes)
    if no_code.any():
        raise InputError(f"the source table units has {int(no_code.sum())} row(s) without a unit_code")
    text = codes.astype("string").str.strip()
    twice = text[text.duplicated(keep=False)].drop_duplicates()
    if len(twice):
        shown = ", ".join(sorted(twice.astype(str))[:5])
        raise InputError(f"the source table units lists the unit_code {shown} more than once")
    no_name = _blank(units["unit_name"])
    if no_name.any():
        shown = ", ".join(sorted(text[no_name].astype(str))[:5])
        raise InputError(f"the source table units has no unit_name for the unit_code {shown}")
    return units
