"""The source tables and columns of docs/contract.md §1 (the DBA's side of the contract)."""

from __future__ import annotations

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("unit_code", "unit_name", "unit_type"),
    "decisions": (
        "decision_id",
        "case_id",
        "citizen_ref",
        "unit_code",
        "case_area_code",
        "received_date",
        "decided_date",
        "sent_date",
        "delay_notice_date",
    ),
    "complaints": (
        "complaint_id",
        "case_id",
        "citizen_ref",
        "unit_code",
        "complaint_kind",
        "via_ombudsman",
        "insured_unemployed",
        "five_day_rule",
        "received_date",
        "deadline_date",
        "answered_date",
        "outcome",
        "delay_notice_date",
        "forwarded_date",
        "appeal_outcome",
        "appeal_decided_date",
    ),
    "audit_samples": (
        "sample_id",
        "case_id",
        "unit_code",
        "case_area_code",
        "audit_date",
        "resource_profile",
        "citizen_involved",
        "deadline_met_or_notified",
    ),
}

# Columns a database may have or lack (docs/contract.md §1): read when present, never required;
# a query reads NULL where one is absent (lines marked ``-- optional:``, docs/contract.md §1.6).
# decisions.case_variant: the kind of case within its area (the catalogue's variant entries);
# decisions.promised_date: the date the delay notice told the citizen to expect a decision.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"decisions": ("case_variant", "promised_date")}

DECISION_DATE_COLUMNS = ("received_date", "decided_date", "sent_date", "delay_notice_date")

UNIT_TYPES = ("jobcenter", "beskaeftigelsescenter", "ydelsesservice", "klageenhed")

# DDL for the embedded SQLite demo database and the test fixtures. Dates are ISO text, as
# docs/contract.md §1 accepts from SQLite; a real case system maps its own tables onto these.
SQLITE_DDL = """
CREATE TABLE units (
    unit_code TEXT PRIMARY KEY,
    unit_name TEXT NOT NULL,
    unit_type TEXT NOT NULL
);
CREATE TABLE decisions (
    decision_id INTEGER,
    case_id TEXT,
    citizen_ref TEXT,
    unit_code TEXT,
    case_area_code TEXT,
    received_date DATE,
    decided_date DATE,
    sent_date DATE,
    delay_notice_date DATE,
    case_variant TEXT
);
CREATE TABLE complaints (
    complaint_id INTEGER,
    case_id TEXT,
    citizen_ref TEXT,
    unit_code TEXT,
    complaint_kind TEXT,
    via_ombudsman INTEGER,
    insured_unemployed INTEGER,
    five_day_rule INTEGER,
    received_date DATE,
    deadline_date DATE,
    answered_date DATE,
    outcome TEXT,
    delay_notice_date DATE,
    forwarded_date DATE,
    appeal_outcome TEXT,
    appeal_decided_date DATE
);
CREATE TABLE audit_samples (
    sample_id INTEGER,
    case_id TEXT,
    unit_code TEXT,
    case_area_code TEXT,
    audit_date DATE,
    resource_profile INTEGER,
    citizen_involved INTEGER,
    deadline_met_or_notified INTEGER
);
CREATE INDEX ix_decisions_decided ON decisions (decided_date, unit_code);
CREATE INDEX ix_decisions_id ON decisions (decision_id);
CREATE INDEX ix_complaints_answered ON complaints (answered_date);
CREATE INDEX ix_decisions_case ON decisions (case_id);
"""
