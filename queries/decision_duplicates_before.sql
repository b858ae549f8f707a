-- The first part of decision_duplicates.sql, read side by side with the others
-- (source/history.py): the rows whose decision_id, below id_before, occurs more than once,
-- and the rows with no decision_id. The parts' bounds meet (decision_id_bounds.sql).
SELECT d.decision_id, d.unit_code, d.decided_date
FROM decisions d
WHERE d.decision_id IN (
    SELECT decision_id FROM decisions
    WHERE decision_id < :id_before
    GROUP BY decision_id HAVING COUNT(*) > 1
)
   OR d.decision_id IS NULL
