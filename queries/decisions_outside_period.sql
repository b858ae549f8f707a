-- Every other decision row (open, decided outside the period, or an unreadable
-- decided_date), with only what accounting and the whole-table rules need: duplicate ids are
-- found over the whole table, and a row whose decided_date cannot be read is counted in
-- every measurement. Together with decisions_in_period this reads each row exactly once.
SELECT decision_id, unit_code, case_area_code, decided_date
FROM decisions
WHERE decided_date IS NULL
   OR decided_date < :date_from
   OR decided_date > :date_to
