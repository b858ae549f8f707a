-- The rows whose decision_id occurs more than once in the whole table (the duplicate-id rule,
-- docs/contract.md §3.3), and the rows with no decision_id (two of them are duplicates of each
-- other): a handful of rows, found through an index on decision_id without reading the table.
SELECT d.decision_id, d.unit_code, d.decided_date
FROM decisions d
WHERE d.decision_id IN (
    SELECT decision_id FROM decisions GROUP BY decision_id HAVING COUNT(*) > 1
)
   OR d.decision_id IS NULL
