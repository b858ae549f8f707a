-- SQLite only: decisions_in_rows.sql with the optional column promised_date, as
-- decisions_in_period_promised.sql is decisions_in_period.sql with it.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT decision_id, case_id, unit_code, case_area_code,
       received_date, decided_date, sent_date, delay_notice_date, promised_date
       , case_variant  -- optional: decisions.case_variant
FROM decisions
WHERE rowid >= :row_from
  AND rowid <= :row_to
  AND decided_date >= :date_from
  AND decided_date <= :date_to
