"""measure_at: decided | sent (docs/contract.md §2.6) and the measurement.yaml settings.

Catalogue: area A, 10 calendar days. Period 2025-03-01..2025-03-31, by hand:
 id received   decided    sent        D      at decided  at sent
  1 03-01      03-05      03-05       03-11  within      within
  2 03-01      03-10      03-14       03-11  within      not (sent 3 days after D)
  3 03-01      03-11      NULL        03-11  within      not (never sent)
  4 03-01      03-12      03-12       03-11  not (1)     not (1 day over)
  5 02-01      02-20      03-03       02-11  (decided before the period: not measured either way)
decided: 3 of 4 within = 75 %; sent: 1 of 4 = 25 %. The population is the same 4 decisions.
days_over at sent: 2 -> 03-14 - 03-11 = 3; 3 (never sent) -> from its decision date 03-11 = 0;
4 -> 1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sagstid.config import load_config
from sagstid.errors import ConfigError
from sagstid.measure.decisions import measure_decisions
from sagstid.periods import Period
from sagstid.rules.deadlines import CatalogueArrays
from sagstid.rules.workdays import WorkCalendar
from sagstid.source.db import connect
from sagstid.source.extract import extract_decisions, extract_units
from sagstid.validate.decisions import validate_decisions

DEADLINES = (
    "deadlines:\n  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
)
PERIOD = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
ROWS = [
    (1, "2025-03-01", "2025-03-05", "2025-03-05"),
    (2, "2025-03-01", "2025-03-10", "2025-03-14"),
    (3, "2025-03-01", "2025-03-11", None),
    (4, "2025-03-01", "2025-03-12", "2025-03-12"),
    (5, "2025-02-01", "2025-02-20", "2025-03-03"),
]


def _measure(db_url, folder, measure_at=None):
    config = load_config(folder)
    catalogue = CatalogueArrays.from_catalogue(config.catalogue)
    engine = connect(db_url)
    try:
        validated = validate_decisions(
            extract_decisions(engine, PERIOD), extract_units(engine), PERIOD, catalogue
        )
    finally:
        engine.dispose()
    calendar = WorkCalendar.covering(config.calendar, dt.date(2025, 1, 1), PERIOD.end)
    return measure_decisions(validated, catalogue, calendar, measure_at or config.measurement.measure_at)


@pytest.fixture
def source(make_db):
    return make_db(
        decisions=[
            {
                "decision_id": i,
                "case_id": f"S-{i}",
                "unit_code": "JC-NORD",
                "case_area_code": "A",
                "received_date": r,
                "decided_date": d,
                "sent_date": s,
            }
            for i, r, d, s in ROWS
        ]
    )


def _folder(make_config, text=None):
    folder = make_config(deadlines=DEADLINES)
    if text is not None:
        (folder / "measurement.yaml").write_text(text, encoding="utf-8")
    return folder


def test_default_is_the_decided_date(source, make_config):
    m = _measure(source, _folder(make_config))
    assert (m.total["decisions"], m.total["within_deadline"]) == (4, 3)
    assert m.total["compliance_pct"] == 75.0


def test_measure_at_sent(source, make_config):
    m = _measure(source, _folder(make_config, "measure_at: sent\n"))
    assert (m.total["decisions"], m.total["within_deadline"]) == (4, 1)
    assert m.total["compliance_pct"] == 25.0
    cases = m.cases.set_index("decision_id")
    assert cases["within"].to_dict() == {1: True, 2: False, 3: False, 4: False}
    assert cases["within_decided"].to_dict() == {1: True, 2: True, 3: True, 4: False}
    assert cases["days_over"].to_dict() == {1: 0, 2: 3, 3: 0, 4: 1}
    assert m.status_counts()["measured"] == 4 and m.status_counts()["out_of_period"] == 1


def test_shipped_measurement_yaml_has_the_documented_defaults(config_dir):
    settings = load_config(config_dir).measurement
    assert settings.measure_at == "decided"
    assert settings.due_soon_working_days == 5 and settings.held_after_working_days == 2
    assert settings.gaming.model_dump() == {
        "threshold_pct": 10.0,
        "band_pct": 3.0,
        "window_weeks": 8,
        "min_weeks": 4,
        "min_sent": 20,
        "min_waiting": 5,
        "max_hold_weeks": 8,
    }


def test_measurement_yaml_is_optional(make_config):
    assert load_config(_folder(make_config)).measurement.measure_at == "decided"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("measure_at: afsendt\n", "measure_at: must be one of decided, sent (got 'afsendt')"),
        ("due_soon_working_days: 0\n", "due_soon_working_days: Input should be greater than 0"),
        ("gaming: {window_weeks: 4, min_weeks: 5}\n", "cannot exceed window_weeks (4)"),
        ("gaming: {treshold_pct: 20}\n", "gaming.treshold_pct: unknown setting"),
    ],
)
def test_bad_settings_are_refused_naming_the_file(make_config, text, expected):
    folder = _folder(make_config, text)
    with pytest.raises(ConfigError) as info:
        load_config(folder)
    message = str(info.value)
    assert "measurement.yaml" in message and expected in message, message
