-- The complaints table, read whole: it is small (thousands of rows a year) and the rules need
-- all of it: duplicate ids over the whole table, answered_date for the period, and
-- appeal_decided_date for Ankestyrelsen's confirmation rate, which is counted by its own date.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT complaint_id, case_id, unit_code, complaint_kind, via_ombudsman, insured_unemployed,
       five_day_rule, received_date, deadline_date, answered_date, outcome,
       delay_notice_date, forwarded_date, appeal_outcome, appeal_decided_date
FROM complaints
