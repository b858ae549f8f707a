-- Every row of one decision id, for `sagstid explain --decision` (more than one row means the
-- id is duplicated, which excludes it). citizen_ref is deliberately not read.
-- case_variant is optional (docs/contract.md §1.3): a database without it reads NULL.
SELECT decision_id, case_id, unit_code, case_area_code,
       received_date, decided_date, sent_date, delay_notice_date
       , case_variant  -- optional: decisions.case_variant
FROM decisions
WHERE decision_id = :decision_id
