-- Decisions not decided on the as-of date: the candidates for the open-case snapshot.
-- A decision is open as of A when received_date <= A and (decided_date IS NULL or
-- decided_date > A); the received_date test is made after the dates are read (an unreadable
-- received date must be counted, not lost), so re-running for a past A gives the same answer.
-- duplicate_id marks a decision_id that occurs more than once in the whole table.
-- case_variant is optional (docs/contract.md §1.3): a database without it reads NULL.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT d.decision_id, d.case_id, d.unit_code, d.case_area_code,
       d.received_date, d.decided_date, d.delay_notice_date,
       CASE WHEN dup.decision_id IS NULL THEN 0 ELSE 1 END AS duplicate_id
       , d.case_variant  -- optional: decisions.case_variant
FROM decisions d
LEFT JOIN (
    SELECT decision_id FROM decisions GROUP BY decision_id HAVING COUNT(*) > 1
) dup ON dup.decision_id = d.decision_id
WHERE d.decided_date IS NULL
   OR d.decided_date > :as_of
