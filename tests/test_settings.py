"""Every setting is declared once (sagstid/settings.py) and documented: in the README's
configuration table and in docs/operations.md; and the code reads no environment variable
that is not declared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sagstid import settings

REPO = Path(__file__).resolve().parent.parent
NAMES = [s.env for s in settings.SETTINGS]


@pytest.mark.parametrize("env", NAMES)
def test_setting_is_in_the_readme_configuration_table(env: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert f"| `{env}` |" in section


@pytest.mark.parametrize("env", NAMES)
def test_setting_is_in_the_operations_table(env: str) -> None:
    operations = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    assert f"| `{env}` |" in operations


def test_the_code_reads_only_declared_variables() -> None:
    used = set()
    for path in (REPO / "sagstid").rglob("*.py"):
        used |= set(re.findall(r"SAGSTID_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert used - set(NAMES) - set(settings.TEST_HOOKS) == set()


def test_the_cli_options_take_their_help_from_the_registry() -> None:
    from click.testing import CliRunner

    from sagstid.cli import cli

    text = " ".join(CliRunner().invoke(cli, ["run", "--help"], terminal_width=1000).output.split())
    assert settings.option_help("db") in text
    assert settings.option_help("config") in text
