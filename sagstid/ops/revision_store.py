"""What earlier complete runs in the run store published (docs/operations.md): the baselines a
scheduled run's revisions are found against, and the folders ``sagstid diff`` compares.

A baseline is a published stamp (``<root>/<job>/<stamp>``) whose manifest says the run
completed; an ad hoc ``--unit`` run never is one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sagstid.errors import InputError
from sagstid.ops import manifest
from sagstid.ops.runstore import RUNS_DIR, RunStore
from sagstid.report.publish import RESULTS_FILE
from sagstid.report.revisions import Publication


class RunNotFound(InputError):
    """``sagstid diff``: neither a folder with results.json nor a run id in the run store."""


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _publication(folder: Path, job: str, stamp: str) -> Publication | None:
    record = _read(folder / manifest.MANIFEST_FILE)
    results = _read(folder / RESULTS_FILE)
    if record is None or results is None or record.get("outcome") != manifest.OUTCOME_OK:
        return None
    if (record.get("parameters") or {}).get("units"):
        return None  # an ad hoc --unit run is never a baseline
    return Publication(
        run_id=str(record.get("run_id")),
        job=job,
        stamp=stamp,
        finished=str(record.get("finished") or record.get("started") or ""),
        results=results,
    )


def earlier_publications(root: Path) -> list[Publication]:
    """Every published, complete, whole-administration run under the output root."""
    root = Path(root)
    if not root.is_dir():
        return []
    store = RunStore(root)
    out = []
    for job_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for stamp in store.stamps(job_dir.name):
            publication = _publication(job_dir / stamp, job_dir.name, stamp)
            if publication is not None:
                out.append(publication)
    return out


def find_run(root: Path, name: str) -> Path:
    """A run's folder: ``name`` as a folder holding results.json, else a run id in the store."""
    folder = Path(name)
    if (folder / RESULTS_FILE).is_file():
        return folder
    root = Path(root)
    if root.is_dir():
        for runs in sorted(root.glob(f"*/{RUNS_DIR}")):
            for candidate in sorted(runs.glob(f"*.{name}")):
                if (candidate / RESULTS_FILE).is_file():
                    return candidate
    raise RunNotFound(f"{name}: neither a folder with {RESULTS_FILE} nor a run id under {root}")


def read_results(folder: Path) -> dict[str, Any]:
    results = _read(folder / RESULTS_FILE)
    if results is None:
        raise RunNotFound(f"{folder / RESULTS_FILE}: not a readable results.json")
    return results
