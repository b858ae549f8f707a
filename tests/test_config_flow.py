"""The flow, lateness, expected-wait, goal and alert settings (docs/contract.md §2): defaults,
the shipped files, and every rule break refused naming the file, the entry and the reason."""

from __future__ import annotations

import pytest

from sagstid.config import load_config
from sagstid.errors import ConfigError

KH = '  - {area: KH-ANS, name: "Kontanthjælp, ansøgning", value: 3, unit: weeks, valid_from: 2024-07-01}\n'
DEADLINES = "deadlines:\n" + KH


def refused(folder) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(folder)
    message = str(info.value)
    assert "\n" not in message.strip()
    return message


def test_defaults_without_the_files(make_config):
    config = load_config(make_config(deadlines=DEADLINES))
    m = config.measurement
    assert m.flow_months == 24
    assert m.lateness_bands == [1, 8, 22, 64]
    assert m.very_late_after_days == 21
    assert (m.expected_wait.months, m.expected_wait.share, m.expected_wait.min_count) == (6, 0.9, 20)
    assert config.targets.goals == []
    assert config.alerts.smtp is None and not config.alerts.enabled


def test_shipped_files_hold_the_defaults_and_three_goals(config_dir):
    config = load_config(config_dir)
    assert config.measurement.lateness_bands == [1, 8, 22, 64]
    assert config.measurement.expected_wait.share == 0.9
    goals = [(g.measure, g.baseline_year, g.reduction, g.level, g.target_year) for g in config.targets.goals]
    assert goals == [
        ("handling_medhold", 2023, 0.5, None, 2027),
        ("handling_complaints", 2023, 0.4, None, 2027),
        ("upheld_pct", 2024, None, 80, 2026),
    ]
    assert not config.alerts.enabled  # shipped commented out: nothing is sent


def test_settings_are_read(make_config):
    folder = make_config(deadlines=DEADLINES)
    (folder / "measurement.yaml").write_text(
        "flow_months: 12\nlateness_bands: [1, 15]\nvery_late_after_days: 14\n"
        "expected_wait: {months: 3, share: 0.8, min_count: 5}\n",
        encoding="utf-8",
    )
    m = load_config(folder).measurement
    assert (m.flow_months, m.lateness_bands, m.very_late_after_days) == (12, [1, 15], 14)
    assert (m.expected_wait.months, m.expected_wait.share, m.expected_wait.min_count) == (3, 0.8, 5)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("lateness_bands: [1, 8, 8]\n", "ascending"),
        ("lateness_bands: [0, 8]\n", "at least 1"),
        ("lateness_bands: [1, 7.5]\n", "whole numbers"),
        ("lateness_bands: []\n", "at least 1"),
        ("flow_months: 0\n", "flow_months"),
        ("very_late_after_days: -1\n", "very_late_after_days"),
        ("expected_wait: {share: 1.2}\n", "expected_wait.share"),
        ("expected_wait: {share: 0}\n", "expected_wait.share"),
        ("expected_wait: {min_count: 0}\n", "expected_wait.min_count"),
        ("expected_wait: {window: 6}\n", "unknown setting"),
    ],
)
def test_bad_measurement_settings(make_config, text, shown):
    folder = make_config(deadlines=DEADLINES)
    (folder / "measurement.yaml").write_text(text, encoding="utf-8")
    message = refused(folder)
    assert "measurement.yaml" in message and shown in message


@pytest.mark.parametrize(
    "entry, shown",
    [
        ({"measure": "klager", "baseline_year": 2023, "level": 5, "target_year": 2027}, "must be one of"),
        (
            {"measure": "upheld_pct", "baseline_year": 2024, "reduction": 0.2, "target_year": 2026},
            "reduction",
        ),
        ({"measure": "upheld_pct", "baseline_year": 2024, "level": 120, "target_year": 2026}, "at most 100"),
        (
            {
                "measure": "handling_complaints",
                "baseline_year": 2023,
                "reduction": 0.4,
                "level": 5,
                "target_year": 2027,
            },
            "exactly one",
        ),
        ({"measure": "handling_complaints", "baseline_year": 2023, "target_year": 2027}, "exactly one"),
        (
            {"measure": "handling_complaints", "baseline_year": 2023, "reduction": 1.0, "target_year": 2027},
            "reduction",
        ),
        (
            {"measure": "handling_complaints", "baseline_year": 2023, "reduction": 0.4, "target_year": 2023},
            "target_year",
        ),
        (
            {
                "measure": "handling_complaints",
                "baseline_year": 2023,
                "reduction": 0.4,
                "target_year": 2027,
                "unit": "X",
            },
            "unknown",
        ),
    ],
)
def test_bad_goals_name_the_entry(make_config, entry, shown):
    good = {"measure": "handling_medhold", "baseline_year": 2023, "reduction": 0.5, "target_year": 2027}
    message = refused(make_config(deadlines=DEADLINES, targets={"goals": [good, entry]}))
    assert "targets.yaml" in message
    assert "goals[1]" in message, message
    assert shown in message, message


@pytest.mark.parametrize(
    "text, shown",
    [
        ("smtp: {port: 25, sender: a@b.dk}\n", "smtp.host"),
        ("smtp: {host: localhost, sender: nobody}\n", "smtp.sender"),
        ("smtp: {host: localhost, sender: a@b.dk, password: hemmelig}\n", "unknown setting"),
        ("contacts: {JC-NORD: [ikke-en-adresse]}\n", "contacts"),
        ("overdue_above: -1\n", "overdue_above"),
    ],
)
def test_bad_alert_settings(make_config, text, shown):
    folder = make_config(deadlines=DEADLINES)
    (folder / "alerts.yaml").write_text(text, encoding="utf-8")
    message = refused(folder)
    assert "alerts.yaml" in message and shown in message, message
    assert "hemmelig" not in message


def test_alerts_enabled_only_with_smtp_and_a_contact(make_config):
    folder = make_config(deadlines=DEADLINES)
    (folder / "alerts.yaml").write_text(
        "smtp: {host: localhost, sender: sagstid@kommune.dk}\n", encoding="utf-8"
    )
    assert not load_config(folder).alerts.enabled
    (folder / "alerts.yaml").write_text(
        "smtp: {host: localhost, port: 2525, sender: sagstid@kommune.dk}\ncontacts: {JC-NORD: [leder@kommune.dk]}\n",
        encoding="utf-8",
    )
    alerts = load_config(folder).alerts
    assert alerts.enabled and alerts.smtp is not None and alerts.smtp.port == 2525
