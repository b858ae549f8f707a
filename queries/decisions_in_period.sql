-- Decisions whose decided_date falls in the period, with every column the rules need.
-- case_variant is optional (docs/contract.md §1.3): a database without it reads NULL.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
-- With ISO text dates (SQLite) the comparison is textual, which orders ISO dates correctly;
-- a text that only looks like a date in range (2024-02-30) is caught by validation.
SELECT decision_id, case_id, unit_code, case_area_code,
       received_date, decided_date, sent_date, delay_notice_date
       , case_variant  -- optional: decisions.case_variant
FROM decisions
WHERE decided_date >= :date_from
  AND decided_date <= :date_to
