-- SQLite only (source/extract.py): where in the table the rows decided in the period lie, as
-- the first and last rowid among them and how many they are. With an index on decided_date
-- the database answers from the index alone. When the rows fill at least half of that span
-- of rowids (a table written roughly in time order), the run reads the span straight from the
-- table, in rowid ranges side by side (decisions_in_rows.sql), instead of looking every row
-- up through the index: on a million rows the look-ups are more than half the read.
SELECT MIN(rowid) AS first_row, MAX(rowid) AS last_row, COUNT(*) AS row_count
FROM decisions
WHERE decided_date >= :date_from
  AND decided_date <= :date_to
