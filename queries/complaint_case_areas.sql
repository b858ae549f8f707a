-- The case area of complaints: complaints carry no case area, so the decisions that share a
-- case number with a complaint received in the periods a run measures (from date_from to
-- before date_after, the day after the last; a text date with a time after it is in its day) are
-- read: only those, whatever the years the two tables keep. sagstid/measure/performance.py
-- picks, per complaint, the case's latest decision decided on or before the complaint was
-- received. citizen_ref is not read.
SELECT d.case_id, d.case_area_code, d.decided_date
FROM decisions d
WHERE d.case_id IN (
    SELECT c.case_id FROM complaints c
    WHERE c.received_date >= :date_from AND c.received_date < :date_after
)
