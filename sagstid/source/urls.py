"""Database URLs without their secrets: for operators' messages, for the journal and for readers.

Three forms, one per audience (docs/operations.md, "Secrets"):

* ``redact(url)``: the URL with every credential replaced by ``***`` (the URL's own password,
  and any query-string value that is a credential: ``password=``, ``pwd=``, ``odbc_connect``
  strings with ``PWD=...;``, plain or URL-encoded), for the operator's one-line errors;
* ``describe(url)``: the kind of database and its name only, e.g. ``PostgreSQL, database
  sagstid``: no host, port, login or path, for everything written into the reports, the
  manifest and the journal;
* ``scrub(text)``: any text (a driver's error message) with every secret this process has seen
  in a URL (``remember_secrets``) replaced by ``***``, in every spelling it may take there;
  with ``address=True`` (a driver's own words) also the URL's host and login.

Messages name the database as ``describe`` does; ``redact`` is for whoever needs the URL's
shape (the port, the driver options) without its secrets.

This module imports SQLAlchemy's URL parser only: no engine, no driver.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote_plus

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from sagstid.errors import DatabaseError

MASK = "***"

_SECRET_KEY = re.compile(r"(?i)^(pwd|pass|passwd|password|sslpassword|secret|token|access_?token|api_?key)$")
# key=value pairs inside a connection string (ODBC's ``PWD={se;cret};``, libpq's ``password=x``)
_PAIR = re.compile(r"(?i)(?P<key>[a-z_][a-z0-9_ ]*?)\s*=\s*(?P<value>\{(?:[^}]|\}\})*\}|[^;&\s]*)")
# the same in a raw, unparsed URL, plain or URL-encoded (``PWD%3Dsecret%3B``)
_RAW_PAIR = re.compile(
    r"(?i)(?P<key>pwd|pass|passwd|password|sslpassword|secret|token|access_?token|api_?key)"
    r"(?P<eq>=|%3D|%253D)(?P<value>\{[^}]*\}|(?:(?!%3B|%253B|%26)[^;&\s])*)"
)
_USERINFO = re.compile(r"(?P<head>://[^:/@\s]*:)(?P<value>[^@\s]*)(?P<tail>@)")

_KIND = {
    "postgresql": "PostgreSQL",
    "mssql": "SQL Server",
    "sqlite": "SQLite",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "oracle": "Oracle",
    "duckdb": "DuckDB",
}

_seen: set[str] = set()
_address: set[str] = set()


def _is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.match(key.strip()))


def _mask_pairs(text: str) -> str:
    """``key=value`` pairs of a connection string with each credential's value masked."""

    def one(match: re.Match[str]) -> str:
        if _is_secret_key(match["key"]):
            return f"{match['key']}={MASK}"
        return match[0]

    return _PAIR.sub(one, text)


def _secret_values(url: URL) -> list[str]:
    found = [url.password] if url.password else []
    for key, values in url.query.items():
        for value in (values,) if isinstance(values, str) else values:
            if _is_secret_key(key):
                found.append(value)
            for match in _PAIR.finditer(value):
                if _is_secret_key(match["key"]):
                    found.append(match["value"])
    return [str(value) for value in found if value]


def _raw_mask(text: str) -> str:
    """Credentials masked in text that does not parse as a URL (and a second guard after)."""
    text = _USERINFO.sub(lambda m: f"{m['head']}{MASK}{m['tail']}", text)
    return _RAW_PAIR.sub(lambda m: f"{m['key']}{m['eq']}{MASK}", text)


def redact(url: str) -> str:
    """The URL with every credential replaced by ``***``: for messages to the operator."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "<unreadable URL>"
    query: dict[str, str | tuple[str, ...]] = {}
    for key, values in parsed.query.items():
        if isinstance(values, str):
            query[key] = MASK if _is_secret_key(key) else _mask_pairs(values)
        else:
            query[key] = tuple(MASK if _is_secret_key(key) else _mask_pairs(v) for v in values)
    masked = parsed.set(query=query)
    if masked.password:
        masked = masked.set(password=MASK)
    text = masked.render_as_string(hide_password=False)
    return scrub(_raw_mask(text))


def _connect_string_field(url: URL, names: tuple[str, ...]) -> str | None:
    for values in url.query.values():
        for value in (values,) if isinstance(values, str) else values:
            for match in _PAIR.finditer(value):
                if match["key"].strip().lower() in names:
                    return match["value"].strip("{}") or None
    return None


def describe(url: str) -> str:
    """The kind of database and its name, e.g. ``PostgreSQL, database sagstid``: no host, port,
    login, password or folder. For the reports, the manifest and the journal."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "ukendt database"
    kind = _KIND.get(parsed.get_backend_name(), parsed.get_backend_name())
    name = parsed.database
    if parsed.get_backend_name() == "sqlite" and name:
        name = Path(sqlite_file(name) or name).name
    if not name:
        name = _connect_string_field(parsed, ("database", "initial catalog", "dbname"))
    if not name and parsed.get_backend_name() == "mssql" and parsed.host and not parsed.username:
        # mssql+pyodbc://@DSN: the DSN's name is the only name there is; it holds no address
        return f"{kind}, datakilde {parsed.host}"
    return f"{kind}, database {name}" if name else kind


def sqlite_file(database: str) -> str | None:
    """The file a SQLite URL's database part names (``file:`` URIs too), or None for memory."""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return database


def remember_secrets(url: str) -> None:
    """Note the secrets of ``url`` so that ``scrub`` removes them from any text later."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        values = [m["value"] for m in _RAW_PAIR.finditer(url)] + [m["value"] for m in _USERINFO.finditer(url)]
    else:
        values = _secret_values(parsed)
        for part in (parsed.host, parsed.username):
            if part and len(part) >= 3:
                _address.update({part, quote(part, safe="")})
    for value in values:
        value = value.strip("{}")
        if len(value) < 3:  # masking a one- or two-letter password everywhere would garble text
            continue
        decoded = unquote_plus(value)
        _seen.update({value, decoded, quote(decoded, safe=""), quote_plus(decoded)})


def scrub(text: str, address: bool = False) -> str:
    """``text`` with every secret seen in a URL (``remember_secrets``) replaced by ``***``;
    with ``address`` also the hosts and logins seen (for a driver's own error message)."""
    hidden = _seen | _address if address else _seen
    for secret in sorted(hidden, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def check_sqlite_exists(url: str) -> None:
    """A SQLite URL must name a file that exists: SQLite would create an empty one instead,
    and the run would then fail on missing tables."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    path = sqlite_file(parsed.database)
    if path is None or "mode=rwc" in parsed.database or "mode=memory" in parsed.database:
        return
    if not Path(path).is_file():
        what = "is a folder" if Path(path).is_dir() else "does not exist"
        raise DatabaseError(f"the SQLite database file {path} {what}")
