-- Decisions whose decided_date falls in the period, with every column the rules need.
-- The variant with the optional column promised_date (docs/contract.md §1), read when the
-- table has it; decisions_in_period.sql otherwise.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
-- With ISO text dates (SQLite) the comparison is textual, which orders ISO dates correctly;
-- a text that only looks like a date in range (2024-02-30) is caught by validation.
SELECT decision_id, case_id, unit_code, case_area_code,
       received_date, decided_date, sent_date, delay_notice_date, promised_date
FROM decisions
WHERE decided_date >= :date_from
  AND decided_date <= :date_to
