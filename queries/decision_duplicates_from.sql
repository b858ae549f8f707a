-- The last part of decision_duplicates.sql, read side by side with the others
-- (source/history.py): the rows whose decision_id, from id_from on, occurs more than once.
-- The parts' bounds meet (decision_id_bounds.sql).
SELECT d.decision_id, d.unit_code, d.decided_date
FROM decisions d
WHERE d.decision_id IN (
    SELECT decision_id FROM decisions
    WHERE decision_id >= :id_from
    GROUP BY decision_id HAVING COUNT(*) > 1
)
