"""Where the top-level folders config/, queries/ and reports/ are.

In a checkout (and an editable install) they sit beside the package; a wheel carries them
inside the package as ``_bundled/`` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``config``, ``queries`` or ``reports``) shipped with sagstid."""
    bundled = _PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name
