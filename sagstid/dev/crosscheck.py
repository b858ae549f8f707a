"""The decision rules written a second, independent way: in DuckDB SQL.

Used by the benchmark (the measure stage must be within 2x of this) and by the tests as an
independent method: pandas/numpy and SQL must agree on every count. Working days come from a
calendar table with a running count of working days, not from numpy's business-day functions.
Needs the optional ``duckdb`` package (extras ``bench`` and ``test``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sagstid.config import Config
from sagstid.periods import Period
from sagstid.rules.workdays import WorkCalendar

_SQL = """
WITH raw AS (
    SELECT *, count(*) OVER (PARTITION BY decision_id) AS id_rows FROM all_rows
), parsed AS (
    SELECT *,
        try_strptime(received_date, '%Y-%m-%d')::DATE AS r,
        try_strptime(decided_date, '%Y-%m-%d')::DATE AS d,
        try_strptime(delay_notice_date, '%Y-%m-%d')::DATE AS n,
        (received_date IS NOT NULL AND (r IS NULL OR length(received_date) <> 10))
        OR (decided_date IS NOT NULL AND (d IS NULL OR length(decided_date) <> 10))
        OR (sent_date IS NOT NULL AND (try_strptime(sent_date, '%Y-%m-%d') IS NULL
                                       OR length(sent_date) <> 10))
        OR (delay_notice_date IS NOT NULL AND (n IS NULL OR length(delay_notice_date) <> 10))
            AS bad_date
    FROM raw
), population AS (
    SELECT * FROM parsed
    WHERE (d BETWEEN $date_from AND $date_to)
       OR (decided_date IS NOT NULL AND (d IS NULL OR length(decided_date) <> 10))
), candidates AS (
    -- the variant's entry (rank 1), the area's general entry (2), or the default entry (3)
    -- for an area without any general entry
    SELECT p.*, c.value, c.unit, c.roll, c.t_value, c.t_unit, c.t_roll,
           CASE WHEN c.is_default THEN 3 WHEN c.variant IS NULL THEN 2 ELSE 1 END AS rank
    FROM population p
    JOIN catalogue c ON p.r BETWEEN c.valid_from AND c.valid_to AND (
        (c.area = p.case_area_code AND c.variant = p.case_variant)
        OR (c.area = p.case_area_code AND c.variant IS NULL AND NOT c.is_default)
        OR (c.is_default AND NOT EXISTS (
            SELECT 1 FROM catalogue g
            WHERE g.area = p.case_area_code AND g.variant IS NULL AND NOT g.is_default)))
    WHERE p.id_rows = 1 AND NOT p.bad_date AND p.r IS NOT NULL AND p.d >= p.r
      AND p.unit_code IN (SELECT unit_code FROM units)
), included AS (
    SELECT * FROM candidates QUALIFY row_number() OVER (PARTITION BY decision_id ORDER BY rank) = 1
), rules AS (
    SELECT decision_id, r, value, unit, roll, 'legal' AS kind FROM included
    UNION ALL
    SELECT decision_id, r, t_value, t_unit, t_roll, 'service' FROM included WHERE t_value IS NOT NULL
), plain AS (
    SELECT i.*, CASE
        WHEN i.unit = 'calendar_days' THEN i.r + i.value::INTEGER
        WHEN i.unit = 'hours' THEN i.r + (i.value::INTEGER // 24)
        WHEN i.unit = 'weeks' THEN i.r + 7 * i.value::INTEGER
        WHEN i.unit = 'months' THEN (i.r + to_months(i.value::INTEGER))::DATE
        ELSE w.day END AS d0
    FROM rules i
    LEFT JOIN workdays s ON s.day = i.r
    -- the n-th working day after r; n = 0: r itself if a working day, else the next one
    LEFT JOIN workdays w ON i.unit = 'working_days' AND w.working
        AND w.ordinal = s.ordinal + CASE WHEN i.value = 0 AND NOT s.working THEN 1 ELSE i.value END
), dated AS (
    SELECT p.decision_id, p.kind, CASE WHEN p.roll AND p.unit <> 'working_days' AND NOT c.working
                     THEN nx.day ELSE p.d0 END AS dl
    FROM plain p
    JOIN workdays c ON c.day = p.d0
    LEFT JOIN workdays nx ON nx.working AND nx.ordinal = c.ordinal + 1
), deadline AS (
    SELECT i.*, l.dl, s.dl AS sl
    FROM included i
    JOIN dated l ON l.decision_id = i.decision_id AND l.kind = 'legal'
    LEFT JOIN dated s ON s.decision_id = i.decision_id AND s.kind = 'service'
)
SELECT {key} AS key,
       count(*) AS decisions,
       sum(CASE WHEN d <= dl THEN 1 ELSE 0 END) AS within_deadline,
       sum(CASE WHEN d > dl THEN 1 ELSE 0 END) AS exceeded,
       sum(CASE WHEN d > dl AND n <= dl THEN 1 ELSE 0 END) AS exceeded_notified,
       avg(d - r) AS mean_days,
       median(d - r) AS median_days,
       quantile_cont(d - r, 0.8) AS p80_days,
       quantile_cont(d - r, 0.9) AS p90_days,
       count(sl) AS service_target_decisions,
       sum(CASE WHEN d <= sl THEN 1 ELSE 0 END) AS within_service_target
FROM deadline GROUP BY ALL ORDER BY key
"""


def _calendar_table(config: Config, first: dt.date, last: dt.date) -> pd.DataFrame:
    calendar = WorkCalendar.covering(config.calendar, first, last)
    days = np.arange(
        np.datetime64(f"{calendar.years[0]}-01-01"),
        np.datetime64(f"{calendar.years[-1] + 1}-01-01"),
        dtype="datetime64[D]",
    )
    closed = set(calendar.closed_days.tolist())
    working = np.array([d.weekday() < 5 and d not in closed for d in days.tolist()])
    return pd.DataFrame({"day": days, "working": working, "ordinal": np.cumsum(working)})


def duckdb_metrics(
    rows: pd.DataFrame,
    units: pd.DataFrame,
    config: Config,
    period: Period,
    key: str = "case_area_code",
    threads: int | None = None,
) -> pd.DataFrame:
    """Decision metrics per ``key`` ('case_area_code', 'unit_code' or "'all'") by DuckDB SQL.

    ``rows`` holds the raw extracted rows (ISO text dates) of the whole decisions table.
    """
    import duckdb

    if "case_variant" not in rows:  # an optional source column (docs/contract.md §1.3)
        rows = rows.assign(case_variant=None)

    catalogue = pd.DataFrame(
        [
            {
                "area": e.area,
                "variant": e.variant,
                "is_default": e.default,
                "valid_from": e.valid_from,
                "valid_to": e.valid_to or dt.date(9999, 12, 31),
                "value": e.value,
                "unit": e.unit,
                "roll": e.roll_to_working_day,
                "t_value": e.service_target.value if e.service_target else None,
                "t_unit": e.service_target.unit if e.service_target else None,
                "t_roll": e.service_target.roll_to_working_day if e.service_target else None,
            }
            for e in config.catalogue.deadlines
        ]
    )
    received = pd.to_datetime(rows["received_date"], format="%Y-%m-%d", errors="coerce")
    first = min(received.min().date(), period.start) if received.notna().any() else period.start
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # no bar in a log or the benchmark's output
    if threads is not None:  # the benchmark pins DuckDB to the cores the pandas path uses
        con.execute(f"SET threads = {int(threads)}")
    try:
        con.register("all_rows", rows.astype({c: "object" for c in rows.columns if "date" in c}))
        con.register("units", units)
        con.register("catalogue", catalogue)
        con.register("workdays", _calendar_table(config, first, period.end))
        sql = _SQL.replace("{key}", key)
        return con.execute(sql, {"date_from": period.start, "date_to": period.end}).df()
    finally:
        con.close()
