-- The decisions the backlog trend and the expected wait are measured from (docs/flow.md):
-- every decision received on or before the period's last day (date_to) and open or decided
-- from the trend's first day (date_from) on. Only the dates, unit and area are read.
-- duplicate_id marks a decision_id that occurs more than once in the whole table.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT d.decision_id, d.unit_code, d.case_area_code, d.received_date, d.decided_date,
       CASE WHEN dup.decision_id IS NULL THEN 0 ELSE 1 END AS duplicate_id
FROM decisions d
LEFT JOIN (
    SELECT decision_id FROM decisions GROUP BY decision_id HAVING COUNT(*) > 1
) dup ON dup.decision_id = d.decision_id
WHERE d.received_date <= :date_to
  AND (d.decided_date IS NULL OR d.decided_date >= :date_from)
