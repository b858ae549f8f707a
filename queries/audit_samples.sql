-- The work-capacity audit samples (ledelsestilsyn), read whole: a few thousand rows a year, and
-- duplicate sample ids are found over the whole table. A row whose audit_date cannot be read
-- is counted in every measurement, so the period is applied after reading (sagstid/audit.py).
SELECT sample_id, case_id, unit_code, case_area_code, audit_date,
       resource_profile, citizen_involved, deadline_met_or_notified
FROM audit_samples
