-- The decisions the backlog trend and the expected wait are measured from (docs/flow.md):
-- every decision received on or before the period's last day (date_to) and open or decided
-- from the trend's first day (date_from) on. Only the dates, unit and area are read.
-- Whether a decision_id occurs more than once in the whole table (duplicate_id) is added
-- after reading, from the repeated ids decision_duplicates.sql gives (source/extract.py).
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT d.decision_id, d.unit_code, d.case_area_code, d.received_date, d.decided_date
FROM decisions d
WHERE d.received_date <= :date_to
  AND (d.decided_date IS NULL OR d.decided_date >= :date_from)
