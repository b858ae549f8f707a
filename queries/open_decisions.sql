-- Decisions not decided on the as-of date: the candidates for the open-case snapshot.
-- A decision is open as of A when received_date <= A and (decided_date IS NULL or
-- decided_date > A); the received_date test is made after the dates are read (an unreadable
-- received date must be counted, not lost), so re-running for a past A gives the same answer.
-- Whether a decision_id occurs more than once in the whole table (duplicate_id) is added
-- after reading, from the repeated ids decision_duplicates.sql gives (source/extract.py):
-- the table's ids are grouped once a run, not once for every snapshot day.
-- case_variant is optional (docs/contract.md §1.3): a database without it reads NULL.
-- citizen_ref is deliberately not read: no rule needs it, so no report can leak it.
SELECT d.decision_id, d.case_id, d.unit_code, d.case_area_code,
       d.received_date, d.decided_date, d.delay_notice_date
       , d.case_variant  -- optional: decisions.case_variant
FROM decisions d
WHERE d.decided_date IS NULL
   OR d.decided_date > :as_of
