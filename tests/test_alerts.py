"""E-mail alerts (docs/alerts.md) against a real local SMTP server (aiosmtpd) started by the test:
the received message is read back (subject, recipient, Danish body with the unit's name and
figures, no citizen reference); nothing is sent without SMTP settings or a contact; the same
alert is never sent twice; the password comes from the environment and is never written."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from sagstid.cli import cli
from sagstid.config import AlertSettings, SmtpSettings
from sagstid.ops.alerts import SENT_FILE, find_alerts, send_alerts

# the local server takes a password without TLS (on 127.0.0.1 only), which aiosmtpd warns about
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

PASSWORD = "hemmeligt-kodeord-42"
NAMES = {"JC-NORD": "Jobcenter Nord", "JC-SYD": "Jobcenter Syd", "YS": "Ydelsesservice"}


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        user, password = data.login.decode(), data.password.decode()
        self.logins.append((user, password))
        return AuthResult(success=user == "sagstid" and password == PASSWORD)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def settings(port: int, **changes: Any) -> AlertSettings:
    smtp = SmtpSettings(
        host="127.0.0.1",
        port=port,
        sender="sagstid@kommune.example",
        username="sagstid",
        password_env="SAGSTID_TEST_SMTP_PASSWORD",
    )
    values: dict[str, Any] = {
        "smtp": smtp,
        "contacts": {"JC-NORD": ["chef.nord@kommune.example"], "YS": ["leder.ys@kommune.example"]},
        "overdue_above": 25,
    }
    values.update(changes)
    return AlertSettings(**values)


def results(overdue_syd: int = 30, overdue_ys: int = 40, held_ys: bool = True) -> dict[str, Any]:
    """The parts of a nightly results.json the alerts read (figures made up for the test)."""
    return {
        "period": {"from": "2025-01-01", "to": "2025-10-14"},
        "surge_alerts": {
            "alerts": [
                {"unit_code": "JC-NORD", "month": "2025-09", "count": 58, "baseline": 21.4, "p_value": 5e-11}
            ]
        },
        "held_decisions": {
            "by_unit": [
                {
                    "unit_code": "YS",
                    "decisions": 1200,
                    "held": 150,
                    "gaming": {"flagged": held_ys, "suspicious_weeks_in_window": 5, "window_weeks": 8},
                },
                {"unit_code": "JC-NORD", "decisions": 900, "held": 3, "gaming": {"flagged": False}},
            ]
        },
        "open_cases": {
            "as_of": "2025-10-14",
            "by_unit": [
                {"unit_code": "JC-NORD", "open": 300, "overdue": 25},  # at the level: no alert
                {"unit_code": "JC-SYD", "open": 120, "overdue": overdue_syd},  # no contact
                {"unit_code": "YS", "open": 410, "overdue": overdue_ys},
            ],
        },
    }


def by_subject(inbox: Inbox) -> dict[str, tuple[list[str], EmailMessage]]:
    return {str(m["Subject"]): (to, m) for to, m in inbox.messages}


def test_alerts_are_mailed_to_the_units_contacts(smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server
    monkeypatch.setenv("SAGSTID_TEST_SMTP_PASSWORD", PASSWORD)
    sent = send_alerts(results(), NAMES, settings(port), tmp_path)
    # JC-NORD: the surge (overdue 25 is not above 25); YS: the held flag and overdue 40 > 25;
    # JC-SYD: overdue 30 > 25 but no contact, so nothing
    assert sorted((a.kind, a.unit_code) for a in sent) == [
        ("held", "YS"),
        ("overdue", "YS"),
        ("surge", "JC-NORD"),
    ]
    mails = by_subject(inbox)
    assert set(mails) == {
        "Sagstid: markant stigning i klager i Jobcenter Nord",
        "Sagstid: tilbageholdte afgørelser i Ydelsesservice",
        "Sagstid: 40 åbne sager over fristen i Ydelsesservice",
    }
    to, surge = mails["Sagstid: markant stigning i klager i Jobcenter Nord"]
    assert to == ["chef.nord@kommune.example"]
    assert surge["To"] == "chef.nord@kommune.example" and surge["From"] == "sagstid@kommune.example"
    body = surge.get_content()
    assert "Jobcenter Nord" in body and "september 2025" in body
    assert "58 klager" in body and "21,4" in body and "14. oktober 2025" in body
    to, overdue = mails["Sagstid: 40 åbne sager over fristen i Ydelsesservice"]
    assert to == ["leder.ys@kommune.example"]
    text = overdue.get_content()
    assert "40 åbne sager" in text and "grænsen for en advarsel er 25" in text and "410 åbne sager" in text
    held = mails["Sagstid: tilbageholdte afgørelser i Ydelsesservice"][1].get_content()
    assert "5 af de seneste 8 uger" in held and "150 af 1.200" in held
    for _, message in inbox.messages:
        assert "010101" not in message.as_string() and PASSWORD not in message.as_string()
    assert inbox.logins == [("sagstid", PASSWORD)]  # the password from the environment
    assert PASSWORD not in (tmp_path / SENT_FILE).read_text(encoding="utf-8")


def test_the_same_alert_is_never_sent_twice_and_a_state_can_begin_anew(smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server
    monkeypatch.setenv("SAGSTID_TEST_SMTP_PASSWORD", PASSWORD)
    assert len(send_alerts(results(), NAMES, settings(port), tmp_path)) == 3
    # the next night: the same surge month, YS still flagged and still overdue: nothing new
    assert send_alerts(results(overdue_ys=45), NAMES, settings(port), tmp_path) == []
    # YS back at the level and no longer flagged: both states end, nothing sent
    assert send_alerts(results(overdue_ys=25, held_ys=False), NAMES, settings(port), tmp_path) == []
    # and above it again: a new overdue alert (the surge month is still not repeated)
    again = send_alerts(results(overdue_ys=26, held_ys=False), NAMES, settings(port), tmp_path)
    assert [(a.kind, a.unit_code) for a in again] == [("overdue", "YS")]
    assert len(inbox.messages) == 4
    journal = [json.loads(line) for line in (tmp_path / SENT_FILE).read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["key"]) for e in journal] == [
        ("sent", "surge:JC-NORD:2025-09"),
        ("sent", "held:YS"),
        ("sent", "overdue:YS"),
        ("ended", "held:YS"),
        ("ended", "overdue:YS"),
        ("sent", "overdue:YS"),
    ]


def test_nothing_is_sent_without_smtp_or_contacts(smtp_server, tmp_path, monkeypatch):
    inbox, port = smtp_server
    monkeypatch.setenv("SAGSTID_TEST_SMTP_PASSWORD", PASSWORD)
    assert send_alerts(results(), NAMES, AlertSettings(), tmp_path) == []
    assert send_alerts(results(), NAMES, settings(port, contacts={}), tmp_path) == []
    assert inbox.messages == [] and not (tmp_path / SENT_FILE).exists()
    # the alerts are found all the same (the run's results), they are just not mailed
    assert len(find_alerts(results(), NAMES, 25)) == 4  # surge, held YS, overdue JC-SYD and YS


def test_an_unreachable_server_is_retried_the_next_night(smtp_server, tmp_path, monkeypatch, caplog):
    _inbox, port = smtp_server
    monkeypatch.setenv("SAGSTID_TEST_SMTP_PASSWORD", PASSWORD)
    assert send_alerts(results(), NAMES, settings(free_port()), tmp_path) == []  # nobody listens
    assert PASSWORD not in caplog.text and "could not connect or log in to the mail server" in caplog.text
    assert len(send_alerts(results(), NAMES, settings(port), tmp_path)) == 3


def test_a_wrong_password_sends_nothing_and_is_not_shown(smtp_server, tmp_path, monkeypatch, caplog):
    inbox, port = smtp_server
    monkeypatch.setenv("SAGSTID_TEST_SMTP_PASSWORD", "forkert-kodeord")
    assert send_alerts(results(), NAMES, settings(port), tmp_path) == []
    assert inbox.messages == [] and "forkert-kodeord" not in caplog.text


# --- the nightly job --------------------------------------------------------------------------

DEADLINES = "deadlines:\n  - {area: KH-ANS, name: Kontanthjælp, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"


def decision(ident: int, received: str) -> dict[str, Any]:
    return {
        "decision_id": ident,
        "case_id": f"S-{ident}",
        "citizen_ref": "010101-1234",
        "unit_code": "JC-NORD",
        "case_area_code": "KH-ANS",
        "received_date": received,
    }


def test_the_nightly_run_mails_overdue_cases_once(smtp_server, make_db, make_config, tmp_path, monkeypatch):
    inbox, port = smtp_server
    monkeypatch.setenv("SAGSTID_TEST_SMTP_PASSWORD", PASSWORD)
    root = tmp_path / "root"
    monkeypatch.setenv("SAGSTID_OUT", str(root))
    config = make_config(deadlines=DEADLINES)
    (config / "alerts.yaml").write_text(
        f"smtp: {{host: 127.0.0.1, port: {port}, sender: sagstid@kommune.example, username: sagstid,"
        " password_env: SAGSTID_TEST_SMTP_PASSWORD}\n"
        "contacts: {JC-NORD: [chef.nord@kommune.example]}\noverdue_above: 2\n",
        encoding="utf-8",
    )
    # open on 2025-10-14: received 09-01, 09-15, 10-01 (D 09-11, 09-25, 10-11: all overdue) and
    # 10-10 (D 10-20: not yet) -> 3 overdue > 2
    db = make_db(
        decisions=[
            decision(1, "2025-09-01"),
            decision(2, "2025-09-15"),
            decision(3, "2025-10-01"),
            decision(4, "2025-10-10"),
        ]
    )
    args = ["nightly", "--db", db, "--config", str(config), "--as-of", "2025-10-14", "--workers", "1"]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert len(inbox.messages) == 1
    to, message = inbox.messages[0]
    assert to == ["chef.nord@kommune.example"]
    assert message["Subject"] == "Sagstid: 3 åbne sager over fristen i Jobcenter Nord"
    body = message.get_content()
    assert "Jobcenter Nord har 3 åbne sager" in body and "14. oktober 2025" in body
    assert "010101" not in message.as_string() and "S-1" not in body
    second = CliRunner().invoke(
        cli, args[:-4] + ["--as-of", "2025-10-15", "--workers", "1"], catch_exceptions=False
    )
    assert second.exit_code == 0, second.output
    assert len(inbox.messages) == 1  # still above the level: not sent again
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".jsonl"):
            assert PASSWORD not in path.read_text(encoding="utf-8"), path
    assert PASSWORD not in first.output + second.output
    assert (root / SENT_FILE).exists() and (root / "runs.jsonl").exists()
