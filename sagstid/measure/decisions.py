"""Measure: pure functions from validated decisions to compliance metrics (docs/contract.md §3.3).

DataFrames in, DataFrames out, no I/O. ``evaluate_decisions`` adds the deadline and its
outcome to every measured row; ``group_metrics`` turns rows into the §3.3 metrics for any
grouping; ``measure_decisions`` assembles the groupings the reports and results.json use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sagstid.config import DEADLINE_UNITS, MeasureAt
from sagstid.measure.accounting import ALL, accounting_counts, count_rows, group_keys
from sagstid.measure.metric_cube import metrics_by_groupings, with_shares
from sagstid.rules.deadlines import VIA, VIA_DEFAULT, CatalogueArrays, deadlines_for, service_deadlines_for
from sagstid.rules.workdays import WorkCalendar
from sagstid.validate.decisions import DECISION_REASONS, NOTE_COLUMNS, STATUSES, ValidatedDecisions
from sagstid.validate.rows import Notes, complete_notes
from sagstid.values import text_categorical

CONTRACT_METRICS: tuple[str, ...] = (
    "decisions",
    "within_deadline",
    "compliance_pct",
    "exceeded",
    "exceeded_notified",
    "notice_pct",
    "mean_days",
    "median_days",
)
COUNT_COLUMNS: tuple[str, ...] = (
    "decisions",
    "within_deadline",
    "exceeded",
    "exceeded_notified",
    "service_target_decisions",
    "within_service_target",
)
"""The metrics that are counts of decisions (whole numbers; the others are shares and days)."""
# The service target (docs/contract.md §2.2): decisions whose entry has one, how many of them
# kept it, and the share; measured beside the legal deadline.
SERVICE_METRICS: tuple[str, ...] = ("service_target_decisions", "within_service_target", "service_target_pct")
EXTRA_METRICS: tuple[str, ...] = (
    "p80_days",
    "p90_days",
    "mean_working_days",
    "median_working_days",
    *SERVICE_METRICS,
)
METRICS: tuple[str, ...] = CONTRACT_METRICS + EXTRA_METRICS


def evaluate_decisions(
    measured: pd.DataFrame,
    catalogue: CatalogueArrays,
    calendar: WorkCalendar,
    measure_at: MeasureAt = "decided",
) -> pd.DataFrame:
    """Each measured decision with its deadline date and whether it was kept.

    ``measure_at`` (measurement.yaml) says which date must be on or before the deadline: the
    decided date (docs/contract.md §3.3, the default) or the sent date, where a decision not
    sent is not within. The population is the same either way (decided in the period).
    ``within_decided`` and ``within_sent`` hold both answers whichever is measured.
    """
    entry = measured["entry"].to_numpy()
    received = measured["received_date"].to_numpy().astype("datetime64[D]")
    decided = measured["decided_date"].to_numpy().astype("datetime64[D]")
    sent = measured["sent_date"].to_numpy().astype("datetime64[D]")
    notice = measured["delay_notice_date"].to_numpy().astype("datetime64[D]")
    deadline = deadlines_for(catalogue, entry, received, calendar)
    within_decided = decided <= deadline
    within_sent = ~np.isnat(sent) & (sent <= deadline)
    within = within_sent if measure_at == "sent" else within_decided
    # days over the deadline at the measured date; a decision never sent counts from its
    # decision date (the first day it could have been sent).
    measured_day = np.where(np.isnat(sent), decided, sent) if measure_at == "sent" else decided
    cases = measured.drop(columns=["status", "reason"])  # copy-on-write: ``measured`` is kept as it is
    cases["deadline_date"] = deadline.astype("datetime64[s]")
    cases["within_decided"] = within_decided
    cases["within_sent"] = within_sent
    cases["within"] = within
    cases["exceeded"] = ~within
    cases["notice_in_time"] = ~np.isnat(notice) & (notice <= deadline)
    cases["exceeded_notified"] = ~within & cases["notice_in_time"].to_numpy()
    cases["days"] = (decided - received).astype(np.int64)
    cases["days_over"] = np.where(within, 0, np.maximum((measured_day - deadline).astype(np.int64), 0))
    cases["working_days"] = calendar.working_days_after(received, decided)
    months, month_index = np.unique(decided.astype("datetime64[M]"), return_inverse=True)
    cases["month"] = pd.Categorical.from_codes(month_index.ravel(), categories=months.astype(str))  # type: ignore[call-overload]
    return with_rule_columns(cases, catalogue, calendar, entry, received, decided)


def with_rule_columns(
    cases: pd.DataFrame,
    catalogue: CatalogueArrays,
    calendar: WorkCalendar,
    entry: np.ndarray,
    received: np.ndarray,
    decided: np.ndarray,
) -> pd.DataFrame:
    """The rule behind each deadline (``deadline_value``, ``deadline_unit``, the catalogue's
    ``published_text``) and the service target: ``service_deadline_date`` (NaT where the entry
    has none), ``has_service_target`` and ``within_service`` (decided on or before it)."""
    cases["deadline_value"] = catalogue.value[entry]
    cases["deadline_unit"] = pd.Categorical.from_codes(catalogue.unit[entry], categories=DEADLINE_UNITS)  # type: ignore[call-overload]
    cases["published_text"] = pd.Categorical(catalogue.published_text[entry])
    if "entry_via" not in cases:
        cases["entry_via"] = pd.Categorical(np.full(len(cases), "area"), categories=VIA)
    service = service_deadlines_for(catalogue, entry, received, calendar)
    cases["service_deadline_date"] = service.astype("datetime64[s]")
    cases["has_service_target"] = ~np.isnat(service)
    cases["within_service"] = ~np.isnat(service) & (decided <= service)
    return cases


def group_metrics(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The metrics for each group of ``keys`` (an empty list gives one row for all cases)."""
    if cases.empty:
        return pd.DataFrame(columns=keys + list(METRICS))
    frame, by = group_keys(cases, keys)
    grouped = frame.groupby(by, observed=True, sort=True)
    out = grouped.agg(
        decisions=("within", "size"),
        within_deadline=("within", "sum"),
        exceeded=("exceeded", "sum"),
        exceeded_notified=("exceeded_notified", "sum"),
        mean_days=("days", "mean"),
        median_days=("days", "median"),
        mean_working_days=("working_days", "mean"),
        median_working_days=("working_days", "median"),
    )
    if "has_service_target" in frame:
        service = grouped.agg(
            service_target_decisions=("has_service_target", "sum"),
            within_service_target=("within_service", "sum"),
        )
        out["service_target_decisions"] = service["service_target_decisions"]
        out["within_service_target"] = service["within_service_target"]
    else:
        out["service_target_decisions"] = 0
        out["within_service_target"] = 0
    quantiles = grouped["days"].quantile([0.8, 0.9]).unstack()  # type: ignore[arg-type]
    out["p80_days"] = quantiles[0.8].astype(float)
    out["p90_days"] = quantiles[0.9].astype(float)
    out = with_shares(out)
    for column in COUNT_COLUMNS:
        out[column] = out[column].astype(np.int64)
    out = out.reset_index()
    if not keys:
        out = out.drop(columns=ALL)
    for key in keys:  # group labels as plain text, whatever the grouping column's dtype
        out[key] = out[key].astype(str)
    return out[keys + list(METRICS)]


@dataclass(frozen=True)
class DecisionMeasurement:
    """Everything measured about decisions in one period."""

    cases: pd.DataFrame  # measured decisions with deadlines (evaluate_decisions)
    accounting: pd.DataFrame  # extracted rows counted by unit_code, status and reason
    total: pd.Series
    by_area: pd.DataFrame  # with area_name and deadline_rules
    by_unit: pd.DataFrame
    by_unit_area: pd.DataFrame  # with area_name and deadline_rules
    by_month: pd.DataFrame
    by_unit_month: pd.DataFrame
    by_unit_area_month: pd.DataFrame
    notes: pd.DataFrame = field(default_factory=pd.DataFrame)  # note_table: data-quality counts by unit
    # decisions that fell back to the default entry, per unit and case area (default_entry_areas)
    default_areas: pd.DataFrame = field(default_factory=lambda: default_entry_areas(pd.DataFrame()))

    @property
    def mean_area_compliance_pct(self) -> float | None:
        values = self.by_area["compliance_pct"]
        return float(values.mean()) if len(values) else None

    def _counts(self, column: str, names: tuple[str, ...], unit_code: str | None) -> dict[str, int]:
        return accounting_counts(self.accounting, column, names, unit_code)

    def status_counts(self, unit_code: str | None = None) -> dict[str, int]:
        return self._counts("status", STATUSES, unit_code)

    def reason_counts(self, unit_code: str | None = None) -> dict[str, int]:
        return self._counts("reason", DECISION_REASONS, unit_code)

    def note_counts(self, unit_code: str | None = None) -> Notes:
        """Data-quality counts of every row read (placeholder dates, padded codes), for one
        unit or all: ``{note: {column: rows}}``, zeros included."""
        return complete_notes(note_counts(self.notes, unit_code), NOTE_COLUMNS)


def area_labels(catalogue: CatalogueArrays, cases: pd.DataFrame) -> pd.DataFrame:
    """Per case area of ``cases``: the catalogue's name (of its latest entry used),
    ``deadline_rules``, the (value, unit) of each entry used, oldest first, e.g. ((4, "weeks"),
    (3, "weeks")) for an area whose deadline changed within the period; the ``published_text``
    and ``legal_basis`` of its latest entry; ``service_rules``, the (value, unit) of the service
    targets of the entries used (empty: none); and ``default_entry``, whether any of its decisions
    fell back to the default entry (an area the catalogue does not list keeps its own code)."""
    area, used = _area_entries(cases)
    frame = pd.DataFrame(
        {
            "case_area_code": area,
            "area_name": catalogue.names[used],
            "deadline_rule": list(
                zip(
                    catalogue.value[used].tolist(),
                    [DEADLINE_UNITS[u] for u in catalogue.unit[used]],
                    strict=False,
                )
            ),
            "service_rule": [
                (int(v), DEADLINE_UNITS[u]) if v >= 0 else None
                for v, u in zip(
                    catalogue.target_value[used].tolist(), catalogue.target_unit[used].tolist(), strict=True
                )
            ],
            "published_text": catalogue.published_text[used],
            "legal_basis": catalogue.legal_basis[used],
            "default_entry": catalogue.is_default[used],
        }
    )
    # variants of one area share its general entry's name; keep distinct rules in order
    return (
        frame.groupby("case_area_code", sort=True)
        .agg(
            area_name=("area_name", "last"),
            deadline_rules=("deadline_rule", lambda r: tuple(dict.fromkeys(r))),
            service_rules=("service_rule", lambda r: tuple(dict.fromkeys(x for x in r if x is not None))),
            published_text=("published_text", "last"),
            legal_basis=("legal_basis", "last"),
            default_entry=("default_entry", "any"),
        )
        .reset_index()
    )


def _area_entries(cases: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (case area as text, catalogue entry) pairs of ``cases`` (a missing area
    left out), by area text, then entry: found over the areas' codes, not a million strings."""
    area = text_categorical(cases["case_area_code"])
    codes = area.codes.astype(np.int64)
    entry = cases["entry"].to_numpy().astype(np.int64)
    known = codes >= 0
    if not known.any():
        return np.array([], dtype=object), np.array([], dtype=np.int64)
    low = int(entry[known].min())
    span = int(entry[known].max()) - low + 1
    pairs = np.unique(codes[known] * span + (entry[known] - low))
    return np.asarray(area.categories, dtype=object)[pairs // span], pairs % span + low


def default_entry_areas(cases: pd.DataFrame) -> pd.DataFrame:
    """Decisions that fell back to the default entry, per unit and case area: the case area
    codes the catalogue does not list (for the data-quality sheets)."""
    if "entry_via" not in cases:
        cases = pd.DataFrame({"entry_via": []})
    fell_back = cases[cases["entry_via"].to_numpy() == VIA[VIA_DEFAULT]]
    if fell_back.empty:
        return pd.DataFrame({"unit_code": [], "case_area_code": [], "decisions": []}).astype(
            {"unit_code": str, "case_area_code": str, "decisions": np.int64}
        )
    return (
        fell_back.assign(
            unit_code=fell_back["unit_code"].astype(str),
            case_area_code=fell_back["case_area_code"].astype(str),
        )
        .groupby(["unit_code", "case_area_code"], sort=True)
        .size()
        .rename("decisions")
        .reset_index()
    )


# The groupings of DecisionMeasurement, in its order: all cases, area, unit, unit and area,
# month, unit and month, unit, area and month.
GROUPINGS: tuple[list[str], ...] = (
    [],
    ["case_area_code"],
    ["unit_code"],
    ["unit_code", "case_area_code"],
    ["month"],
    ["unit_code", "month"],
    ["unit_code", "case_area_code", "month"],
)


def measure_decisions(
    validated: ValidatedDecisions,
    catalogue: CatalogueArrays,
    calendar: WorkCalendar,
    measure_at: MeasureAt = "decided",
) -> DecisionMeasurement:
    cases = evaluate_decisions(validated.measured, catalogue, calendar, measure_at)
    # one pass over the rows for all seven groupings where it applies (measure/metric_cube.py)
    tables = metrics_by_groupings(cases, GROUPINGS, METRICS) or [
        group_metrics(cases, keys) for keys in GROUPINGS
    ]
    every, by_area, by_unit, by_unit_area, by_month, by_unit_month, by_unit_area_month = tables
    total = (
        every.iloc[0]
        if len(cases)
        else pd.Series({"decisions": 0, "within_deadline": 0, "exceeded": 0, "exceeded_notified": 0}).reindex(
            list(METRICS)
        )
    )
    labels = area_labels(catalogue, cases)
    return DecisionMeasurement(
        cases=cases,
        accounting=count_rows(validated.rows, validated.counted),
        total=total,
        by_area=by_area.merge(labels, on="case_area_code"),
        by_unit=by_unit,
        by_unit_area=by_unit_area.merge(labels, on="case_area_code"),
        by_month=by_month,
        by_unit_month=by_unit_month,
        by_unit_area_month=by_unit_area_month,
        notes=note_table(validated.rows),
        default_areas=default_entry_areas(cases),
    )


def note_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The ``dq.<note>.<column>`` flags of validated rows counted per unit: unit_code, note,
    column, rows (zero counts kept, so every note column shows)."""
    flags = [c for c in rows.columns if isinstance(c, str) and c.startswith("dq.")]
    if not flags:
        return pd.DataFrame(columns=["unit_code", "note", "column", "rows"])
    # per unit as text, a missing unit as "", in text order: counted over the units' codes
    unit = text_categorical(rows["unit_code"])
    texts, group = np.unique(np.append(np.asarray(unit.categories, dtype=str), ""), return_inverse=True)
    number = group.ravel()[np.where(unit.codes >= 0, unit.codes, len(unit.categories))]
    present = np.bincount(number, minlength=len(texts)) > 0
    parts = []
    for flag in flags:  # a handful of flag columns, not rows
        _, note, column = flag.split(".", 2)
        counts = np.bincount(number, weights=rows[flag].to_numpy(dtype=np.int64), minlength=len(texts))
        parts.append(
            pd.DataFrame(
                {
                    "unit_code": texts[present].astype(object),
                    "note": note,
                    "column": column,
                    "rows": counts[present].astype(np.int64),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def note_counts(table: pd.DataFrame, unit_code: str | None = None) -> Notes:
    """``{note: {column: rows}}`` from a note_table, for one unit or all."""
    if table.empty:
        return {}
    if unit_code is not None:
        table = table[table["unit_code"].to_numpy() == unit_code]
    out: Notes = {}
    sums = table.groupby(["note", "column"], sort=False)["rows"].sum()
    for note, column, n in zip(
        sums.index.get_level_values(0), sums.index.get_level_values(1), sums.to_numpy(), strict=True
    ):
        out.setdefault(str(note), {})[str(column)] = int(n)
    return out
