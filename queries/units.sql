-- The units (enheder) that decide cases or are complained about.
SELECT unit_code, unit_name, unit_type
FROM units
