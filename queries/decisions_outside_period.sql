-- Every other decision row (open, decided outside the periods read, or an unreadable
-- decided_date), counted by the database, not read: how many rows per unit_code and
-- decided_date value. Accounting needs no more (results.json decisions.rows counts each as
-- open, out_of_period or excluded), and the distinct values show which decided_dates cannot
-- be read (text dates only), rows counted in every measurement (docs/database.md). With an
-- index on decided_date the cost is one pass of the database over an index, no rows sent.
-- Together with decisions_in_period this counts each row exactly once.
SELECT unit_code, decided_date, COUNT(*) AS row_count
FROM decisions
WHERE decided_date IS NULL
   OR decided_date < :date_from
   OR decided_date > :date_to
GROUP BY unit_code, decided_date
