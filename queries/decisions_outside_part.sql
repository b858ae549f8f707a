-- One part of decisions_outside_period.sql's rows before the periods, counted side by side
-- with the other parts (source/history.py): the rows decided from date_from up to, not
-- including, date_before, per unit_code and decided_date value. The parts' bounds meet, and
-- the first part is decisions_outside_period.sql itself (NULL, before its date_from, after the
-- periods), so with text dates too every row is counted in exactly one part.
SELECT unit_code, decided_date, COUNT(*) AS row_count
FROM decisions
WHERE decided_date >= :date_from
  AND decided_date < :date_before
GROUP BY unit_code, decided_date
