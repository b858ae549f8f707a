"""Configuration (docs/contract.md §2): the shipped folder loads; every rule break is refused
before any data is read with a ConfigError naming the file, the entry and what is wrong."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sagstid.config import CalendarConfig, Targets, load_config
from sagstid.errors import ConfigError, InputError

KH_4W = (
    '  - {area: KH-ANS, name: "Kontanthjælp, ansøgning", value: 4, unit: weeks, '
    "valid_from: 2020-01-01, valid_to: 2024-06-30}\n"
)
KH_3W = '  - {area: KH-ANS, name: "Kontanthjælp, ansøgning", value: 3, unit: weeks, valid_from: 2024-07-01}\n'


def deadlines_text(*entries: str) -> str:
    return "deadlines:\n" + "".join(entries)


def refused(folder) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(folder)
    message = str(info.value)
    assert "\n" not in message.strip(), "one clear line"
    return message


# --- the shipped config ----------------------------------------------------------------------


def test_shipped_config_loads(config_dir):
    config = load_config(config_dir)
    kh = [e for e in config.catalogue.deadlines if e.area == "KH-ANS"]
    # two versions: 4 weeks to 2024-06-30, 3 weeks from 2024-07-01 (open-ended)
    assert sorted((e.valid_from, e.valid_to, e.value, e.unit) for e in kh) == [
        (dt.date(2015, 1, 1), dt.date(2024, 6, 30), 4, "weeks"),
        (dt.date(2024, 7, 1), None, 3, "weeks"),
    ]
    assert config.targets.general == 90
    assert config.targets.concrete == 80
    assert config.targets.delay_notice == 100
    assert set(config.calendar.closed_every_year) >= {"06-05", "12-24", "12-31"}
    assert dt.date(2025, 5, 30) in config.calendar.closed_dates
    assert set(config.file_hashes) == {
        "deadlines.yaml",
        "targets.yaml",
        "calendar.yaml",
        "complaints.yaml",
        "measurement.yaml",
        "alerts.yaml",
    }
    assert (
        config.complaints.decision_weeks,
        config.complaints.five_day_working_days,
        config.complaints.handling_weeks,
        config.complaints.ombudsman_weeks,
    ) == (4, 5, 4, 3)


def test_only_deadlines_yaml_is_required_and_defaults_apply(make_config):
    folder = make_config(deadlines=deadlines_text(KH_4W, KH_3W))
    config = load_config(folder)
    t = config.targets
    assert (t.general, t.concrete, t.delay_notice, t.complaints, t.audit, t.appeal_confirmed) == (
        90,
        80,
        100,
        95,
        95,
        80,
    )
    assert t.handling_complaints_max == {}
    assert config.calendar.closed_every_year == [] and config.calendar.closed_dates == []


def test_adjacent_versions_and_gaps_are_allowed(make_config):
    # 4 weeks to 2024-06-30, 3 weeks from 2024-07-01: adjacent, no overlap
    # a gap (UH-ANS to 2019-12-31, again from 2021-01-01) is not forbidden by the contract
    folder = make_config(
        deadlines=deadlines_text(
            KH_3W,
            KH_4W,  # given out of order on purpose
            "  - {area: UH-ANS, name: U, value: 3, unit: weeks, valid_from: 2015-01-01, valid_to: 2019-12-31}\n",
            "  - {area: UH-ANS, name: U, value: 2, unit: weeks, valid_from: 2021-01-01}\n",
        )
    )
    assert len(load_config(folder).catalogue.deadlines) == 4


def test_roll_and_every_unit_are_accepted(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: A, name: A, value: 10, unit: calendar_days, valid_from: 2020-01-01, roll_to_working_day: true}\n",
            "  - {area: B, name: B, value: 5, unit: working_days, valid_from: 2020-01-01}\n",
            "  - {area: C, name: C, value: 2, unit: weeks, valid_from: 2020-01-01, roll_to_working_day: false}\n",
            "  - {area: D, name: D, value: 1, unit: months, valid_from: 2020-01-01}\n",
        )
    )
    entries = load_config(folder).catalogue.deadlines
    assert [(e.area, e.unit, e.roll_to_working_day) for e in entries] == [
        ("A", "calendar_days", True),
        ("B", "working_days", False),
        ("C", "weeks", False),
        ("D", "months", False),
    ]


def test_calendar_29_february_is_a_valid_closed_day(make_config):
    folder = make_config(deadlines=deadlines_text(KH_3W), calendar={"closed_every_year": ["02-29"]})
    assert load_config(folder).calendar.closed_every_year == ["02-29"]


# --- deadlines.yaml rule breaks ------------------------------------------------------------


def test_overlapping_versions_of_one_area(make_config):
    # deadlines[0] valid 2020-01-01..2024-06-30; deadlines[1] from 2024-06-01 overlaps it
    folder = make_config(
        deadlines=deadlines_text(
            KH_4W,
            "  - {area: KH-ANS, name: K, value: 3, unit: weeks, valid_from: 2024-06-01}\n",
        )
    )
    message = refused(folder)
    assert "deadlines.yaml" in message
    assert "deadlines[1] (area KH-ANS)" in message
    assert "overlaps" in message
    assert "deadlines[0]" in message


def test_overlap_by_a_single_inclusive_day(make_config):
    # valid_to is inclusive: 4 weeks to 2024-07-01 and 3 weeks from 2024-07-01 share that day
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: KH-ANS, name: K, value: 4, unit: weeks, valid_from: 2020-01-01, valid_to: 2024-07-01}\n",
            KH_3W,
        )
    )
    message = refused(folder)
    assert "deadlines.yaml" in message and "overlaps" in message
    assert "deadlines[1] (area KH-ANS)" in message and "deadlines[0]" in message


def test_overlap_with_an_open_ended_earlier_version(make_config):
    # deadlines[0] open-ended from 2020; deadlines[1] from 2024-07-01 falls inside it
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: KH-ANS, name: K, value: 4, unit: weeks, valid_from: 2020-01-01}\n",
            KH_3W,
        )
    )
    message = refused(folder)
    assert "deadlines[1] (area KH-ANS)" in message and "overlaps" in message


def test_overlap_reported_when_entries_are_out_of_order(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            KH_3W,  # deadlines[0] from 2024-07-01
            "  - {area: KH-ANS, name: K, value: 4, unit: weeks, valid_from: 2020-01-01, valid_to: 2025-01-01}\n",
        )
    )
    message = refused(folder)
    assert "KH-ANS" in message and "overlaps" in message
    assert "deadlines[0]" in message and "deadlines[1]" in message


def test_same_dates_in_different_areas_do_not_overlap(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: A, name: A, value: 4, unit: weeks, valid_from: 2020-01-01}\n",
            "  - {area: B, name: B, value: 4, unit: weeks, valid_from: 2020-01-01}\n",
        )
    )
    assert len(load_config(folder).catalogue.deadlines) == 2


def test_valid_to_before_valid_from(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: KH-ANS, name: K, value: 4, unit: weeks, valid_from: 2024-06-01, valid_to: 2024-01-31}\n",
        )
    )
    message = refused(folder)
    assert "deadlines.yaml" in message
    assert "deadlines[0] (area KH-ANS)" in message
    assert "valid_to" in message and "2024-01-31" in message and "2024-06-01" in message
    assert "before" in message


@pytest.mark.parametrize(
    "entry, field, shown",
    [
        pytest.param("unit: days", "unit", "'days'", id="unknown-unit-days"),
        pytest.param("unit: Weeks", "unit", "'Weeks'", id="unit-case-matters"),
        pytest.param("value: -3", "value", "-3", id="negative-value"),
        pytest.param("value: 0", "value", "0", id="zero-value"),
        pytest.param("value: 2.5", "value", "2.5", id="fractional-value"),
        pytest.param("value: tre", "value", "tre", id="text-value"),
        pytest.param('valid_from: "31/02/2024"', "valid_from", "31/02/2024", id="valid-from-31-02-2024"),
        pytest.param("valid_to: 30-06-2024", "valid_to", "30-06-2024", id="valid-to-dd-mm-yyyy"),
        pytest.param("roll_to_working_day: maybe", "roll_to_working_day", "maybe", id="roll-not-bool"),
    ],
)
def test_bad_field_in_an_entry(make_config, entry, field, shown):
    # deadlines[0] is fine; deadlines[1] (area UH-ANS) carries the bad field
    fields = {
        "area": "UH-ANS",
        "name": "Uddannelseshjælp",
        "value": "3",
        "unit": "weeks",
        "valid_from": "2020-01-01",
    }
    key, _, value = entry.partition(": ")
    fields[key] = value
    line = "  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}\n"
    folder = make_config(deadlines=deadlines_text(KH_3W, line))
    message = refused(folder)
    assert "deadlines.yaml" in message
    assert "deadlines[1] (area UH-ANS)" in message
    assert re.search(rf"\b{field}\b", message), message
    assert shown in message


def test_unknown_unit_message_lists_the_allowed_units(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: KH-ANS, name: K, value: 4, unit: days, valid_from: 2020-01-01}\n"
        )
    )
    message = refused(folder)
    for unit in ("calendar_days", "working_days", "weeks", "months"):
        assert unit in message


@pytest.mark.parametrize(
    "bad_date", [pytest.param("2024-13-01", id="month-13"), pytest.param("2023-02-29", id="29-feb-2023")]
)
def test_impossible_unquoted_date_names_the_entry(make_config, bad_date):
    """YAML reads an unquoted ``valid_from: 2024-13-01`` as a date and fails; the message must
    still name the file and the entry (deadlines[1] / area UH-ANS, or its line 4)."""
    folder = make_config(
        deadlines=deadlines_text(
            KH_4W,
            KH_3W,
            f"  - {{area: UH-ANS, name: U, value: 3, unit: weeks, valid_from: {bad_date}}}\n",
        )
    )
    message = refused(folder)
    assert "deadlines.yaml" in message
    assert "valid_from" in message or bad_date in message, message
    assert "deadlines[2]" in message or "UH-ANS" in message or "line 4" in message, message


def test_missing_deadlines_yaml(make_config):
    folder = make_config(targets={"general": 90})
    message = refused(folder)
    assert "deadlines.yaml" in message
    assert "missing" in message


def test_missing_config_folder(tmp_path):
    message = refused(tmp_path / "findes-ikke")
    assert "findes-ikke" in message


def test_config_error_is_bad_input():
    # the CLI maps InputError to exit status 2
    assert issubclass(ConfigError, InputError)


def test_unknown_key_typo_valid_form(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            KH_4W,
            "  - {area: KH-ANS, name: K, value: 3, unit: weeks, valid_form: 2024-07-01}\n",
        )
    )
    message = refused(folder)
    assert "deadlines.yaml" in message
    assert "deadlines[1] (area KH-ANS)" in message
    # what is wrong: the misspelt key itself must be named
    assert "valid_form" in message, message


def test_unknown_key_in_an_otherwise_complete_entry(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: KH-ANS, name: K, value: 3, unit: weeks, valid_from: 2024-07-01, rolls: true}\n",
        )
    )
    message = refused(folder)
    assert "deadlines[0] (area KH-ANS)" in message
    assert "rolls" in message and "unknown" in message


def test_missing_required_field(make_config):
    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: KH-ANS, name: K, unit: weeks, valid_from: 2024-07-01}\n",
        )
    )
    message = refused(folder)
    assert "deadlines[0] (area KH-ANS)" in message and "value" in message


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("deadlines: []\n", "deadlines", id="empty-catalogue"),
        pytest.param("- {area: A}\n", "deadlines.yaml", id="top-level-list"),
        pytest.param("deadlines:\n  - {area: A, name: [\n", "deadlines.yaml", id="not-yaml"),
        pytest.param("", "deadlines", id="empty-file"),
    ],
)
def test_broken_deadlines_file(make_config, text, expected):
    message = refused(make_config(deadlines=text))
    assert "deadlines.yaml" in message
    assert expected in message


def test_yaml_syntax_error_names_the_line(make_config):
    # line 3 closes its flow mapping with ']' instead of '}'
    text = "deadlines:\n  - {area: A, name: A, value: 1, unit: weeks, valid_from: 2020-01-01}\n  - {area: B, name: B]\n"
    message = refused(make_config(deadlines=text))
    assert "deadlines.yaml" in message
    assert re.search(r"line 3\b", message), message


# --- targets.yaml --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "targets, key, shown",
    [
        pytest.param({"general": 120}, "general", "120", id="general-120"),
        pytest.param({"concrete": -1}, "concrete", "-1", id="concrete-negative"),
        pytest.param({"complaints": 100.5}, "complaints", "100.5", id="complaints-over-100"),
        pytest.param({"audit": "høj"}, "audit", "høj", id="audit-not-a-number"),
        pytest.param({"generel": 90}, "generel", "unknown", id="typo-generel"),
        pytest.param(
            {"handling_complaints_max": {"JC-NORD": {2024: -5}}},
            "handling_complaints_max",
            "-5",
            id="negative-maximum",
        ),
    ],
)
def test_bad_targets(make_config, targets, key, shown):
    message = refused(make_config(deadlines=deadlines_text(KH_3W), targets=targets))
    assert "targets.yaml" in message
    assert key in message
    assert shown in message


def test_targets_at_the_bounds_are_accepted(make_config):
    folder = make_config(deadlines=deadlines_text(KH_3W), targets={"general": 100, "concrete": 0})
    config = load_config(folder)
    assert (config.targets.general, config.targets.concrete) == (100, 0)


# --- calendar.yaml -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "calendar, key, shown",
    [
        pytest.param({"closed_every_year": ["13-01"]}, "closed_every_year", "13-01", id="month-13"),
        pytest.param({"closed_every_year": ["02-30"]}, "closed_every_year", "02-30", id="30-feb"),
        pytest.param({"closed_every_year": ["6-5"]}, "closed_every_year", "6-5", id="not-mm-dd"),
        pytest.param(
            {"closed_every_year": ["2025-06-05"]},
            "closed_every_year",
            "2025-06-05",
            id="full-date-in-every-year",
        ),
        pytest.param(
            {"closed_dates": ["05/02/2025"]}, "closed_dates", "05/02/2025", id="closed-date-not-iso"
        ),
        pytest.param({"closed": ["06-05"]}, "closed", "unknown", id="unknown-key"),
    ],
)
def test_bad_calendar(make_config, calendar, key, shown):
    message = refused(make_config(deadlines=deadlines_text(KH_3W), calendar=calendar))
    assert "calendar.yaml" in message
    assert key in message
    assert shown in message


def test_calendar_impossible_unquoted_closed_date_names_the_setting(make_config):
    # closed_dates: [2025-02-30] - YAML fails on the day; the message must still say where
    message = refused(make_config(deadlines=deadlines_text(KH_3W), calendar="closed_dates: [2025-02-30]\n"))
    assert "calendar.yaml" in message
    assert "closed_dates" in message or "line 1" in message, message


def test_models_defaults_match_the_contract():
    assert Targets().general == 90 and Targets().concrete == 80
    assert Targets().delay_notice == 100 and Targets().complaints == 95
    assert Targets().audit == 95 and Targets().appeal_confirmed == 80
    assert CalendarConfig().closed_every_year == [] and CalendarConfig().closed_dates == []


def test_config_is_checked_before_any_data_is_read(make_config, tmp_path):
    """A bad config is reported even when the database cannot be reached: the config comes
    first (docs/contract.md §2: rejected before any data is read)."""
    from sagstid.periods import Period
    from sagstid.pipeline import build_context

    folder = make_config(
        deadlines=deadlines_text(
            "  - {area: KH-ANS, name: K, value: 4, unit: days, valid_from: 2020-01-01}\n"
        )
    )
    missing_db = f"sqlite:///{tmp_path / 'no-such-folder' / 'source.sqlite'}"
    with pytest.raises(ConfigError) as info:
        build_context(missing_db, folder, Period.year(2024))
    assert "deadlines[0] (area KH-ANS)" in str(info.value)
