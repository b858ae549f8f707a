-- SQLite only (source/history.py): the decision_id of rows spread evenly over the table's
-- rowids, at most parts - 1 distinct ids in the column's own order. They split the duplicate
-- ids' grouping (decision_duplicates.sql) into ranges of decision_id read side by side: the
-- ranges meet at these ids, so each id is in exactly one. Each id is one look-up by rowid.
WITH RECURSIVE step(n) AS (
    SELECT 1
    UNION ALL
    SELECT n + 1 FROM step WHERE n < :parts - 1
), span(low, high) AS (
    SELECT (SELECT MIN(rowid) FROM decisions), (SELECT MAX(rowid) FROM decisions)
)
SELECT DISTINCT d.decision_id
FROM decisions d
WHERE d.decision_id IS NOT NULL
  AND d.rowid IN (
      SELECT (
          SELECT MIN(e.rowid) FROM decisions e
          WHERE e.rowid >= span.low + (span.high - span.low) * step.n / :parts
      )
      FROM step, span
  )
ORDER BY d.decision_id
