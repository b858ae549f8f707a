"""Load and validate the configuration folder (docs/contract.md §2) before any data is read.

Every rule break becomes a ConfigError naming the file, the entry and what is wrong, e.g.
``config/deadlines.yaml: deadlines[3] (area KH-ANS): unit: must be one of ...``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sagstid.errors import ConfigError

DeadlineUnit = Literal["calendar_days", "working_days", "weeks", "months"]
DEADLINE_UNITS: tuple[str, ...] = ("calendar_days", "working_days", "weeks", "months")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _iso_date_only(value: Any) -> Any:
    """Dates come from YAML as text (see _Loader); refuse numbers that pydantic would take."""
    if value is not None and not isinstance(value, (str, dt.date)):
        raise ValueError(f"expected a date as YYYY-MM-DD (got {value!r})")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


class _Loader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as text, so an impossible date such as 2024-13-01
    reaches validation (which names the entry) instead of failing the whole file."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class DuplicateKey(yaml.YAMLError):
    """A mapping repeats a key (a second ``deadlines:`` would silently replace the first)."""

    def __init__(self, key: object, line: int, first_line: int) -> None:
        super().__init__(f"line {line}: duplicate key {key!r} (first given on line {first_line})")


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    """As SafeLoader's mapping constructor, but a key given twice in one mapping is refused."""
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, (str, int, float, bool)) and key in seen:
            raise DuplicateKey(key, line, seen[key])
        if isinstance(key, (str, int, float, bool)):
            seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)

# Upper bounds of a deadline length by unit (ten years), so that a typo such as 10**18 months
# is refused with a clear message instead of giving 0 % or failing in the date arithmetic.
DEADLINE_MAX: dict[str, int] = {"calendar_days": 3650, "working_days": 3650, "weeks": 520, "months": 120}


def _code_text(value: Any) -> Any:
    """A case area or unit code written as a whole number in YAML (``area: 17``) is the code
    '17', as the source's integer codes are read as text (docs/contract.md §1.1)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


CodeText = Annotated[str, BeforeValidator(_code_text)]


class DeadlineEntry(_Strict):
    area: CodeText = Field(min_length=1)
    name: str = Field(min_length=1)
    value: int = Field(gt=0, strict=True)
    unit: DeadlineUnit
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    roll_to_working_day: bool = Field(default=False, strict=True)

    @model_validator(mode="after")
    def _bounded(self) -> DeadlineEntry:
        limit = DEADLINE_MAX[self.unit]
        if self.value > limit:
            raise ValueError(f"value: at most {limit} {self.unit} (got {self.value})")
        return self


class DeadlineCatalogue(_Strict):
    catalogue_version: str | None = None
    deadlines: list[DeadlineEntry] = Field(min_length=1)


GoalMeasure = Literal["handling_complaints", "handling_medhold", "upheld_pct"]
GOAL_MEASURES: tuple[str, ...] = ("handling_complaints", "handling_medhold", "upheld_pct")
GOAL_DOWN: frozenset[str] = frozenset({"handling_complaints", "handling_medhold"})


class GoalEntry(_Strict):
    """One goal against a baseline year (docs/flow.md): exactly one of ``reduction`` (a fraction,
    0.4 = 40 % fewer; only for a measure that should go down) and ``level``."""

    measure: GoalMeasure
    baseline_year: int = Field(ge=1900, le=2200, strict=True)
    target_year: int = Field(ge=1900, le=2200, strict=True)
    reduction: float | None = Field(default=None, gt=0, lt=1)
    level: float | None = Field(default=None, ge=0)
    unit_code: str | None = Field(default=None, min_length=1)

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, value: Any) -> Any:
        return _one_of(value, GOAL_MEASURES)

    @model_validator(mode="after")
    def _consistent(self) -> GoalEntry:
        if (self.reduction is None) == (self.level is None):
            raise ValueError("give exactly one of reduction and level")
        if self.target_year <= self.baseline_year:
            raise ValueError(
                f"target_year ({self.target_year}) must be after baseline_year ({self.baseline_year})"
            )
        if self.reduction is not None and self.measure not in GOAL_DOWN:
            raise ValueError(
                f"a reduction needs a measure that should go down; give a level for {self.measure}"
            )
        if self.level is not None and self.measure == "upheld_pct" and self.level > 100:
            raise ValueError(f"level: a share is at most 100 (got {self.level})")
        return self


class Targets(_Strict):
    general: float = Field(default=90, ge=0, le=100)
    concrete: float = Field(default=80, ge=0, le=100)
    delay_notice: float = Field(default=100, ge=0, le=100)
    complaints: float = Field(default=95, ge=0, le=100)
    audit: float = Field(default=95, ge=0, le=100)
    appeal_confirmed: float = Field(default=80, ge=0, le=100)
    handling_complaints_max: dict[CodeText, dict[int, int]] = Field(default_factory=dict)
    goals: list[GoalEntry] = Field(default_factory=list)  # docs/flow.md, targets against a baseline

    @field_validator("handling_complaints_max")
    @classmethod
    def _non_negative(cls, value: dict[str, dict[int, int]]) -> dict[str, dict[int, int]]:
        for unit, years in value.items():
            for year, count in years.items():
                if count < 0:
                    raise ValueError(f"{unit} {year}: a maximum cannot be negative ({count})")
        return value


class ComplaintDeadlines(_Strict):
    """complaints.yaml (optional): the complaint processing deadlines (docs/contract.md §3.4)."""

    decision_weeks: int = Field(default=4, gt=0, le=520, strict=True)  # realitetsklage: genvurdering
    five_day_working_days: int = Field(default=5, gt=0, le=3650, strict=True)  # forsikrede ledige, fastholdt
    handling_weeks: int = Field(default=4, gt=0, le=520, strict=True)  # formalitetsklage, intern frist
    ombudsman_weeks: int = Field(default=3, gt=0, le=520, strict=True)  # via Borgerrådgiveren
    # The complaint surge alert (sagstid/surge.py): a month is flagged when
    # P(X >= count | Poisson(mean of the previous surge_baseline_months)) < surge_alpha and
    # count >= surge_min_count, given at least surge_min_history months of history.
    surge_alpha: float = Field(default=0.001, gt=0, lt=1)
    surge_min_count: int = Field(default=5, gt=0, strict=True)
    surge_baseline_months: int = Field(default=12, gt=0, strict=True)
    surge_min_history: int = Field(default=6, gt=0, strict=True)

    @model_validator(mode="after")
    def _history_fits_baseline(self) -> ComplaintDeadlines:
        if self.surge_min_history > self.surge_baseline_months:
            raise ValueError(
                f"surge_min_history ({self.surge_min_history}) cannot exceed "
                f"surge_baseline_months ({self.surge_baseline_months})"
            )
        return self


_MM_DD = re.compile(r"^(\d{2})-(\d{2})$")


class CalendarConfig(_Strict):
    closed_every_year: list[str] = Field(default_factory=list)
    closed_dates: list[IsoDate] = Field(default_factory=list)

    @field_validator("closed_every_year")
    @classmethod
    def _month_days(cls, value: list[str]) -> list[str]:
        for item in value:
            match = _MM_DD.match(item)
            if not match:
                raise ValueError(f"{item!r} is not MM-DD")
            month, day = int(match[1]), int(match[2])
            try:
                dt.date(2024, month, day)  # a leap year, so 02-29 is allowed
            except ValueError:
                raise ValueError(f"{item!r} is not a day of the year") from None
        return value


class SmtpSettings(_Strict):
    """The mail server alerts are sent through (alerts.yaml). The password is never written in
    the file: ``password_env`` names the environment variable that holds it."""

    host: str = Field(min_length=1)
    port: int = Field(default=25, gt=0, lt=65536, strict=True)
    sender: str = Field(min_length=3, pattern=r"^[^@\s]+@[^@\s]+$")
    starttls: bool = Field(default=False, strict=True)
    ssl: bool = Field(default=False, strict=True)
    username: str | None = None
    password_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    timeout_seconds: float = Field(default=30, gt=0)


class AlertSettings(_Strict):
    """alerts.yaml (optional; docs/alerts.md): who is e-mailed when the nightly run finds a new
    surge alert, a new held-decision flag, or more overdue open decisions than ``overdue_above``.
    Nothing is sent without ``smtp`` or without a contact for the unit."""

    smtp: SmtpSettings | None = None
    contacts: dict[str, list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]]] = Field(
        default_factory=dict
    )
    overdue_above: int | None = Field(default=None, ge=0, strict=True)  # None: no overdue alert

    @property
    def enabled(self) -> bool:
        return self.smtp is not None and any(self.contacts.values())


@dataclass(frozen=True)
class Config:
    """The validated configuration folder."""

    directory: Path
    catalogue: DeadlineCatalogue
    targets: Targets
    calendar: CalendarConfig
    file_hashes: dict[str, str]
    complaints: ComplaintDeadlines = field(default_factory=ComplaintDeadlines)
    measurement: MeasurementSettings = field(default_factory=lambda: MeasurementSettings())  # defined below
    alerts: AlertSettings = field(default_factory=AlertSettings)

    @property
    def catalogue_version(self) -> str:
        return self.catalogue.catalogue_version or f"sha256:{self.file_hashes['deadlines.yaml'][:12]}"


def _read_yaml(path: Path, required: bool) -> tuple[Any, str | None]:
    raw = _read_bytes(path)
    if raw is None:
        if required:
            raise ConfigError(f"{path}: required configuration file is missing")
        return {}, None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except DuplicateKey as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return data, hashlib.sha256(raw).hexdigest()


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None if there is no file there; a folder, a device or socket, or a
    file that cannot be read is a ConfigError naming it (docs/operations.md)."""
    try:
        if not path.exists() and not path.is_symlink():
            return None
        if path.is_dir():
            raise ConfigError(f"{path}: is a folder, expected a configuration file")
        if not path.is_file():
            raise ConfigError(f"{path}: not a regular file (a broken link, a device, a pipe or a socket)")
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _describe(path: Path, data: dict[str, Any], error: ValidationError) -> ConfigError:
    # An unknown key (a typo such as valid_form) explains the "missing" error it causes.
    errors = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = list(first["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "deadlines" and isinstance(loc[1], int):
        entry = data.get("deadlines", [])[loc[1]]
        area = entry.get("area") if isinstance(entry, dict) else None
        where = f"deadlines[{loc[1]}]" + (f" (area {area})" if area else "")
        loc = loc[2:]
    elif len(loc) >= 2 and loc[0] == "goals" and isinstance(loc[1], int):
        entry = data.get("goals", [])[loc[1]]
        measure = entry.get("measure") if isinstance(entry, dict) else None
        where = f"goals[{loc[1]}]" + (f" (measure {measure})" if measure else "")
        loc = loc[2:]
    field = ".".join(str(part) for part in loc)
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown setting"
    elif first["type"] == "literal_error":
        message = f"must be one of {', '.join(DEADLINE_UNITS)} (got {first['input']!r})"
    elif "input" in first and first["type"] not in ("missing", "value_error"):
        message = f"{message} (got {first['input']!r})"
    elif first["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    parts = [p for p in (where, field) if p]
    return ConfigError(f"{path}: {': '.join(parts)}: {message}" if parts else f"{path}: {message}")


def _check_versions(path: Path, catalogue: DeadlineCatalogue) -> None:
    by_area: dict[str, list[tuple[int, DeadlineEntry]]] = {}
    for index, entry in enumerate(catalogue.deadlines):
        if entry.valid_to is not None and entry.valid_to < entry.valid_from:
            raise ConfigError(
                f"{path}: deadlines[{index}] (area {entry.area}): valid_to {entry.valid_to} "
                f"is before valid_from {entry.valid_from}"
            )
        by_area.setdefault(entry.area, []).append((index, entry))
    for area, entries in by_area.items():
        entries.sort(key=lambda item: item[1].valid_from)
        for (i, earlier), (j, later) in itertools.pairwise(entries):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise ConfigError(
                    f"{path}: deadlines[{j}] (area {area}): valid from {later.valid_from} "
                    f"overlaps deadlines[{i}] valid {earlier.valid_from} to "
                    f"{earlier.valid_to or 'open end'}"
                )


def load_config(directory: Path) -> Config:
    """Read and validate deadlines.yaml (required), targets.yaml, calendar.yaml,
    complaints.yaml, measurement.yaml and alerts.yaml (optional)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ConfigError(f"{directory}: configuration folder not found")
    hashes: dict[str, str] = {}
    models: dict[str, BaseModel] = {}
    for name, model, required in (
        ("deadlines.yaml", DeadlineCatalogue, True),
        ("targets.yaml", Targets, False),
        ("calendar.yaml", CalendarConfig, False),
        ("complaints.yaml", ComplaintDeadlines, False),
        ("measurement.yaml", MeasurementSettings, False),
        ("alerts.yaml", AlertSettings, False),
    ):
        path = directory / name
        data, digest = _read_yaml(path, required)
        if digest:
            hashes[name] = digest
        try:
            models[name] = model.model_validate(data)
        except ValidationError as exc:
            raise _describe(path, data, exc) from None
    catalogue = models["deadlines.yaml"]
    assert isinstance(catalogue, DeadlineCatalogue)
    _check_versions(directory / "deadlines.yaml", catalogue)
    targets, calendar = models["targets.yaml"], models["calendar.yaml"]
    assert isinstance(targets, Targets) and isinstance(calendar, CalendarConfig)
    complaints = models["complaints.yaml"]
    assert isinstance(complaints, ComplaintDeadlines)
    measurement, alerts = models["measurement.yaml"], models["alerts.yaml"]
    assert isinstance(measurement, MeasurementSettings) and isinstance(alerts, AlertSettings)
    return Config(directory, catalogue, targets, calendar, hashes, complaints, measurement, alerts)


# --- measurement.yaml (docs/contract.md §2.6) ------------------------------------------------


def _one_of(value: Any, allowed: tuple[str, ...]) -> Any:
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)} (got {value!r})")
    return value


class GamingRule(_Strict):
    """The rule that flags a unit holding late decisions back (docs/held.md).

    A week (ISO week of the sent date) is suspicious when at least ``min_sent`` decisions were
    sent, the share of late ones among them lies in [threshold_pct - band_pct, threshold_pct],
    at least ``min_waiting`` late decisions were held back at the week's end (decided at most
    ``max_hold_weeks`` weeks before it), and sending those too would have lifted the share
    above threshold_pct. A unit is flagged when at least ``min_weeks`` of the last
    ``window_weeks`` complete weeks of the period are suspicious.
    """

    threshold_pct: float = Field(default=10, gt=0, le=100)
    band_pct: float = Field(default=3, gt=0, le=100)
    window_weeks: int = Field(default=8, gt=0, strict=True)
    min_weeks: int = Field(default=4, gt=0, strict=True)
    min_sent: int = Field(default=20, gt=0, strict=True)
    min_waiting: int = Field(default=5, gt=0, strict=True)
    max_hold_weeks: int = Field(default=8, gt=0, strict=True)

    @field_validator("min_weeks")
    @classmethod
    def _within_window(cls, value: int, info: Any) -> int:
        window = info.data.get("window_weeks")
        if window is not None and value > window:
            raise ValueError(f"cannot exceed window_weeks ({window}) (got {value})")
        return value


class PlausibleDates(_Strict):
    """The window a source date must lie in (docs/contract.md §1.1): from ``earliest`` to
    ``years_after_period`` years after the end of the period measured (never relative to the
    clock). A date outside it is a placeholder such as 0001-01-01 or 9999-12-31."""

    earliest: IsoDate = dt.date(1990, 1, 1)
    years_after_period: int = Field(default=5, ge=0, le=100, strict=True)

    @field_validator("earliest")
    @classmethod
    def _not_too_early(cls, value: dt.date) -> dt.date:
        if value.year < 1800:
            raise ValueError(f"must be 1800-01-01 or later (got {value})")
        return value

    def window(self, end: dt.date) -> tuple[dt.date, dt.date]:
        """(earliest, latest) plausible date for a period ending ``end``; the latest is the
        same day ``years_after_period`` years on (28 February for 29 February), at most
        9000-12-31."""
        year = min(end.year + self.years_after_period, 9000)
        latest = dt.date(year, end.month, min(end.day, 28) if end.month == 2 else end.day)
        return self.earliest, latest


class ExpectedWaitSettings(_Strict):
    """The expected wait for citizens (docs/flow.md): "9 af 10 får svar inden for N dage" from
    the decisions of the last ``months`` months; areas with fewer than ``min_count`` show none."""

    months: int = Field(default=6, gt=0, le=60, strict=True)
    share: float = Field(default=0.9, gt=0, le=1)
    min_count: int = Field(default=20, gt=0, strict=True)


MeasureAt = Literal["decided", "sent"]
MEASURE_AT: tuple[str, ...] = ("decided", "sent")


class MeasurementSettings(_Strict):
    """measurement.yaml (optional): when a decision counts as made, the open-case horizon and
    the held-decision rules (docs/contract.md §2.6)."""

    measure_at: MeasureAt = "decided"
    due_soon_working_days: int = Field(default=5, gt=0, le=3650, strict=True)
    held_after_working_days: int = Field(default=2, ge=0, le=3650, strict=True)
    registration_check_days: int = Field(
        default=90, gt=0, le=3650, strict=True
    )  # action list: "tjek registreringen"
    suppress_below: int = Field(default=5, ge=0, strict=True)  # committee workbook; 0 = off
    gaming: GamingRule = Field(default_factory=GamingRule)
    plausible_dates: PlausibleDates = Field(default_factory=PlausibleDates)
    # docs/flow.md: the backlog trend's months (ending with the period's last month), the
    # lateness bands' lower bounds in days over the deadline, "very late", the expected wait.
    flow_months: int = Field(default=24, gt=0, le=120, strict=True)
    lateness_bands: list[int] = Field(default_factory=lambda: [1, 8, 22, 64], min_length=1)
    very_late_after_days: int = Field(default=21, ge=0, strict=True)
    expected_wait: ExpectedWaitSettings = Field(default_factory=ExpectedWaitSettings)

    @field_validator("measure_at", mode="before")
    @classmethod
    def _measure_at(cls, value: Any) -> Any:
        return _one_of(value, MEASURE_AT)

    @field_validator("lateness_bands", mode="before")
    @classmethod
    def _bands(cls, value: Any) -> Any:
        if not isinstance(value, list) or any(isinstance(b, bool) or not isinstance(b, int) for b in value):
            raise ValueError(f"must be a list of whole numbers of days (got {value!r})")
        if not value or value[0] < 1 or any(b <= a for a, b in itertools.pairwise(value)):
            raise ValueError(f"lower bounds must be ascending and the first at least 1 (got {value!r})")
        return value
