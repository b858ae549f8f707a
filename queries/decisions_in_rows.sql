-- SQLite only: decisions_in_period.sql's rows whose rowid is from row_from to row_to
-- (source/extract.py). The rowid ranges of a read meet and together cover every rowid that
-- queries/decisions_row_span.sql found in the period, so every row of the period is in exactly
-- one range; the decided_date condition is decisions_in_period.sql's own. SQLite reads a
-- rowid range straight from the table, in the table's order.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT decision_id, case_id, unit_code, case_area_code,
       received_date, decided_date, sent_date, delay_notice_date
       , case_variant  -- optional: decisions.case_variant
FROM decisions
WHERE rowid >= :row_from
  AND rowid <= :row_to
  AND decided_date >= :date_from
  AND decided_date <= :date_to
