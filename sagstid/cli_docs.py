"""docs/cli.md, the command-line reference, generated from the commands' own --help.

Regenerate with ``python -m sagstid.cli_docs > docs/cli.md``; tests/test_cli_docs.py fails
when the file and the commands disagree.
"""

from __future__ import annotations

import click
from click.testing import CliRunner

from sagstid.cli import cli

HEADER = """# Command-line reference

Generated from each command's `--help` by `python -m sagstid.cli_docs > docs/cli.md`; do not
edit by hand. Exit status, settings and the run store are described in docs/contract.md §4
and docs/operations.md.
"""


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="sagstid", terminal_width=100)
    return result.output.rstrip()


def render() -> str:
    """The whole reference: the group's help, then each command's, in alphabetical order."""
    parts = [HEADER, "## sagstid\n\n```\n" + _help() + "\n```\n"]
    group = click.Context(cli)
    for name in cli.list_commands(group):
        parts.append(f"## sagstid {name}\n\n```\n" + _help(name) + "\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(render(), nl=False)
