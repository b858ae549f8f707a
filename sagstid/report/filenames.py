"""Unit codes as file names: safe on Linux, Windows shares and in zip, distinct, and stable.

``enhed-<code>.xlsx`` when the code is already a safe name; otherwise the code made safe and a
short hash of the real code, ``enhed-<safe>-<8 hex>.xlsx``: a code with characters a file name
cannot hold (``/``, ``\\``, ``:``, spaces, control characters), a reserved Windows name (``CON``,
``NUL``, ``COM1`` ...), a code longer than 60 characters, or two codes that would otherwise
give the same name, compared as Windows does, without regard to case (``a/b`` and ``a_b``,
``JC-A`` and ``jc-a``). The hash depends only on the code, so a unit keeps its file name from
run to run. The real code stands in the workbook itself. Letters such as æ, ø and å are kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

PREFIX = "enhed-"
SUFFIX = ".xlsx"
MAX_STEM = 60

_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{kind}{n}" for kind in ("COM", "LPT") for n in range(10)}
_UNSAFE = re.compile(r"[^\w\-]", re.UNICODE)


def _safe(code: str) -> str:
    text = unicodedata.normalize("NFC", code)
    return _UNSAFE.sub("_", text).strip("._") or "_"


def _needs_hash(code: str, safe: str) -> bool:
    return (
        safe != code
        or len(safe) > MAX_STEM
        or safe.split(".")[0].upper() in _RESERVED
        or not safe.isprintable()
    )


def _hashed(code: str, safe: str, digits: int = 8) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()[:digits]
    return f"{safe[:MAX_STEM]}-{digest}"


def unit_files(codes: Iterable[str]) -> dict[str, str]:
    """A distinct, safe file name for each unit code (see the module's docstring)."""
    codes = list(dict.fromkeys(codes))
    stems = {}
    for code in codes:
        safe = _safe(code)
        stems[code] = _hashed(code, safe) if _needs_hash(code, safe) else safe
    clashes = Counter(stem.casefold() for stem in stems.values())
    for code in codes:
        if clashes[stems[code].casefold()] > 1 and stems[code] == code:
            stems[code] = _hashed(code, _safe(code))
    digits = 8
    while len({stem.casefold() for stem in stems.values()}) < len(stems):  # a hash clash: unlikely
        digits += 4
        stems = {code: _hashed(code, _safe(code), digits) for code in codes}
    return {code: f"{PREFIX}{stem}{SUFFIX}" for code, stem in stems.items()}
