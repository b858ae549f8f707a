"""docs/cli.md is the commands' own --help (sqlite-utils style): it cannot drift."""

from __future__ import annotations

from pathlib import Path

from sagstid.cli import cli
from sagstid.cli_docs import render

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run python -m sagstid.cli_docs > docs/cli.md"
    )


def test_every_command_is_documented_with_its_options() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"## sagstid {name}\n" in text
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("--"):
                    assert option in text, (name, option)
