-- Every row of one complaint id, for `sagstid explain --complaint` (more than one row means
-- the id is duplicated, which excludes it). citizen_ref is deliberately not read.
SELECT complaint_id, case_id, unit_code, complaint_kind, via_ombudsman, insured_unemployed,
       five_day_rule, received_date, deadline_date, answered_date, outcome,
       delay_notice_date, forwarded_date, appeal_outcome, appeal_decided_date
FROM complaints
WHERE complaint_id = :complaint_id
