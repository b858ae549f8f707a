-- One part of decisions_in_period.sql's rows, read side by side with the other parts on an
-- Arrow path (source/extract.py): decided from date_from up to, not including, date_before.
-- The parts' bounds meet (each part's date_before is the next part's date_from, and the
-- last part is decisions_in_period.sql itself, up to and including date_to), so with text
-- dates too every row in the period is in exactly one part, whatever its text
-- (2024-02-30, or a date with a time after it).
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT decision_id, case_id, unit_code, case_area_code,
       received_date, decided_date, sent_date, delay_notice_date
       , case_variant  -- optional: decisions.case_variant
FROM decisions
WHERE decided_date >= :date_from
  AND decided_date < :date_before
