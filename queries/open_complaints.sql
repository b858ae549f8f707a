-- Complaints not answered on the as-of date: the candidates for the open-case snapshot.
-- A complaint is open as of A when received_date <= A and (answered_date IS NULL or
-- answered_date > A); the received_date test is made after the dates are read (an unreadable
-- received date must be counted, not lost), so re-running for a past A gives the same answer.
-- duplicate_id marks a complaint_id that occurs more than once in the whole table.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT c.complaint_id, c.case_id, c.unit_code, c.complaint_kind, c.via_ombudsman,
       c.insured_unemployed, c.five_day_rule, c.received_date, c.deadline_date,
       c.answered_date, c.delay_notice_date,
       CASE WHEN dup.complaint_id IS NULL THEN 0 ELSE 1 END AS duplicate_id
FROM complaints c
LEFT JOIN (
    SELECT complaint_id FROM complaints GROUP BY complaint_id HAVING COUNT(*) > 1
) dup ON dup.complaint_id = c.complaint_id
WHERE c.answered_date IS NULL
   OR c.answered_date > :as_of
