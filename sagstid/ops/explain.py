"""``sagstid explain``: read one case, explain its deadline, word it in Danish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sagstid.config import load_config
from sagstid.errors import InputError
from sagstid.measure.explain import CaseNotFound, explain_complaint, explain_decision
from sagstid.report.explain_text import render_explanation
from sagstid.rules.deadlines import CatalogueArrays
from sagstid.source.db import check_schema, connect
from sagstid.source.extract import extract_units
from sagstid.source.one_case import read_complaint, read_decision


class UnknownCase(InputError):
    """No decision or complaint with the id asked for (exit 2)."""


def explain_case(db_url: str, config_dir: Path, kind: str, key: str, as_of: dt.date) -> str:
    """The Danish explanation of decision or complaint ``key`` (``kind``) as of ``as_of``."""
    config = load_config(config_dir)
    engine = connect(db_url)
    try:
        table = "decisions" if kind == "decision" else "complaints"
        check_schema(engine, ["units", table])
        units = extract_units(engine)
        try:
            if kind == "decision":
                catalogue = CatalogueArrays.from_catalogue(config.catalogue)
                explanation = explain_decision(read_decision(engine, key), units, config, catalogue, as_of)
            else:
                explanation = explain_complaint(read_complaint(engine, key), units, config, as_of)
        except CaseNotFound:
            what = "decision_id" if kind == "decision" else "complaint_id"
            raise UnknownCase(f"no {table} row has {what} {key}") from None
    finally:
        engine.dispose()
    return render_explanation(explanation)
