-- The case area of complaints: complaints carry no case area, so the decisions that share a
-- case number with a complaint are read (only those: a few thousand rows, whatever the size of
-- the decisions table). sagstid/contract.py picks, per complaint, the case's latest decision
-- decided on or before the complaint was received. citizen_ref is not read.
SELECT d.case_id, d.case_area_code, d.decided_date
FROM decisions d
WHERE d.case_id IN (SELECT c.case_id FROM complaints c)
