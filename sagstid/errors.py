"""Errors that mean "bad input": the CLI turns these into one line on stderr and exit 2."""

from __future__ import annotations


class InputError(Exception):
    """Bad input or configuration: the message is one clear line saying what and where."""


class ConfigError(InputError):
    """A configuration file breaks the rules of docs/contract.md §2."""


class SchemaError(InputError):
    """The source database lacks a required table or column."""


class QueryFileError(InputError):
    """A file in queries/ is missing or does not parse."""


class DatabaseError(InputError):
    """The database cannot be reached or answers with an error."""
