-- The first decided_date on or after not_before (source/history.py): where the table's
-- history begins, to split the count of the rows before the periods into parts of equal days.
-- An index on decided_date answers it with one look-up. not_before keeps a placeholder such
-- as 0001-01-01 from stretching the parts over centuries; a row before it is still counted.
SELECT MIN(decided_date) AS first_day
FROM decisions
WHERE decided_date >= :not_before
