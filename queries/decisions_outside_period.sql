-- Every other decision row (open, decided outside the periods read, or an unreadable
-- decided_date), counted by the database, not read: how many rows per unit_code and
-- decided_date value. Accounting needs no more (results.json decisions.rows counts each as
-- open, out_of_period or excluded), and the distinct values show which decided_dates cannot
-- be read (text dates only), rows counted in every measurement (docs/database.md).
-- Three parts joined, each a range of an index on decided_date (NULL, before the periods,
-- after them): one condition with OR made SQLite scan the whole index, the periods' rows too.
-- The parts' conditions do not overlap, so each row is counted once, and together with
-- decisions_in_period this counts each row exactly once. source/history.py may read the rows
-- before the periods in parts side by side (decisions_outside_part.sql).
SELECT unit_code, decided_date, COUNT(*) AS row_count
FROM decisions
WHERE decided_date IS NULL
GROUP BY unit_code, decided_date
UNION ALL
SELECT unit_code, decided_date, COUNT(*) AS row_count
FROM decisions
WHERE decided_date < :date_from
GROUP BY unit_code, decided_date
UNION ALL
SELECT unit_code, decided_date, COUNT(*) AS row_count
FROM decisions
WHERE decided_date > :date_to
GROUP BY unit_code, decided_date
