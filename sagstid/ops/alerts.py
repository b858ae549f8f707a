"""E-mail alerts from the nightly run to those responsible (docs/alerts.md).

After a nightly run, its results.json is read for three kinds of alert per unit:

* ``surge``: a complaint surge alert (``surge_alerts.alerts``), one per unit and month;
* ``held``: the held-decision (gaming) flag (``held_decisions.by_unit[].gaming.flagged``);
* ``overdue``: more open cases past their deadline than ``overdue_above``
  (``open_cases.by_unit[].overdue``).

A surge alert is an event (unit and month) and is sent once. A held flag and an overdue level
are states: an alert is sent when the state begins, not again while it lasts, and again only
after it has ended (a nightly run without it) and begun anew. What was sent, and when a state
ended, is remembered in ``alerts-sent.jsonl`` beside ``runs.jsonl`` in the run store.

Nothing is sent without ``smtp`` in alerts.yaml or without a contact for the unit. The message
names the unit and the figures, never a case or a citizen. The SMTP password comes from the
environment variable ``smtp.password_env`` and is never written anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from sagstid.config import AlertSettings, SmtpSettings
from sagstid.ops.manifest import append_journal
from sagstid.report.words import MONTHS as _MONTHS

SENT_FILE = "alerts-sent.jsonl"
STATE_KINDS = ("held", "overdue")
log = logging.getLogger("sagstid.alerts")


@dataclass(frozen=True)
class Alert:
    kind: str  # surge | held | overdue
    unit_code: str
    key: str  # what makes it the same alert: surge:JC-NORD:2025-09, held:JC-NORD, overdue:JC-NORD
    subject: str
    body: str


def _num(value: Any, decimals: int = 0) -> str:
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _month_words(month: str) -> str:
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {year}"


def _date_words(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.day}. {_MONTHS[d.month - 1]} {d.year}"


def _closing(as_of: str) -> str:
    return (
        f"\n\nTallene er fra sagstids natlige kørsel pr. {_date_words(as_of)}. Detaljerne står i "
        "enhedens regneark fra kørslen.\n\nDenne besked sendes automatisk én gang pr. advarsel.\n"
    )


def find_alerts(
    results: dict[str, Any], unit_names: dict[str, str], overdue_above: int | None
) -> list[Alert]:
    """Every alert the run's results.json holds (sent or not)."""
    as_of = str(results.get("open_cases", {}).get("as_of") or results["period"]["to"])
    alerts: list[Alert] = []
    for row in (results.get("surge_alerts") or {}).get("alerts", []):
        unit = str(row["unit_code"])
        name = unit_names.get(unit, unit)
        alerts.append(
            Alert(
                "surge",
                unit,
                f"surge:{unit}:{row['month']}",
                f"Sagstid: markant stigning i klager i {name}",
                f"Til {name}\n\nAntallet af klager over {name} steg markant i "
                f"{_month_words(str(row['month']))}: {_num(row['count'])} klager mod normalt "
                f"{_num(row['baseline'], 1)} om måneden (gennemsnittet af de foregående måneder). "
                "En så stor stigning forekommer sjældent af tilfældige grunde." + _closing(as_of),
            )
        )
    for row in (results.get("held_decisions") or {}).get("by_unit", []):
        gaming = row.get("gaming") or {}
        if not gaming.get("flagged"):
            continue
        unit = str(row["unit_code"])
        name = unit_names.get(unit, unit)
        alerts.append(
            Alert(
                "held",
                unit,
                f"held:{unit}",
                f"Sagstid: tilbageholdte afgørelser i {name}",
                f"Til {name}\n\n{name} er markeret for tilbageholdte afgørelser: i "
                f"{_num(gaming.get('suspicious_weeks_in_window', 0))} af de seneste "
                f"{_num(gaming.get('window_weeks', 0))} uger lå andelen af for sent afsendte "
                "afgørelser lige under grænsen, mens for sene afgørelser ventede på at blive sendt. "
                f"{_num(row.get('held', 0))} af {_num(row.get('decisions', 0))} afgørelser i perioden "
                "blev ikke sendt straks." + _closing(as_of),
            )
        )
    if overdue_above is not None:
        for row in (results.get("open_cases") or {}).get("by_unit", []):
            overdue = int(row.get("overdue") or 0)
            if overdue <= overdue_above:
                continue
            unit = str(row["unit_code"])
            name = unit_names.get(unit, unit)
            alerts.append(
                Alert(
                    "overdue",
                    unit,
                    f"overdue:{unit}",
                    f"Sagstid: {_num(overdue)} åbne sager over fristen i {name}",
                    f"Til {name}\n\n{name} har {_num(overdue)} åbne sager, hvis frist er overskredet "
                    f"(grænsen for en advarsel er {_num(overdue_above)}). I alt har enheden "
                    f"{_num(row.get('open', 0))} åbne sager." + _closing(as_of),
                )
            )
    return alerts


def _read_sent(path: Path) -> tuple[set[str], set[str]]:
    """(surge keys ever sent, state keys whose state is still active)."""
    events: set[str] = set()
    active: set[str] = set()
    if not path.exists():
        return events, active
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line from a crash: the next run sends at most once more
        key, action = str(entry.get("key", "")), entry.get("action")
        if action == "sent":
            (active if key.split(":", 1)[0] in STATE_KINDS else events).add(key)
        elif action == "ended":
            active.discard(key)
    return events, active


def _message(smtp: SmtpSettings, alert: Alert, recipients: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = alert.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=smtp.sender.split("@", 1)[1])
    message.set_content(alert.body)
    return message


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    if smtp.ssl:
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout_seconds, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
    if smtp.username:
        password = os.environ.get(smtp.password_env or "", "")
        server.login(smtp.username, password)
    return server


def send_alerts(
    results: dict[str, Any], unit_names: dict[str, str], settings: AlertSettings, store_root: Path
) -> list[Alert]:
    """Send the new alerts of a nightly run's ``results`` and remember them; returns those sent.

    A failed send is logged (without the password) and not remembered, so the next nightly run
    tries again; it never fails the run."""
    if not settings.enabled or settings.smtp is None:
        return []
    path = store_root / SENT_FILE
    events, active = _read_sent(path)
    found = find_alerts(results, unit_names, settings.overdue_above)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    found_states = {a.key for a in found if a.kind in STATE_KINDS}
    for key in sorted(active - found_states):  # the state has ended: a later one is new again
        append_journal(path, {"key": key, "action": "ended", "at": now})
    new = [a for a in found if a.key not in events and a.key not in active]
    sent: list[Alert] = []
    to_send = [(a, settings.contacts.get(a.unit_code, [])) for a in new]
    to_send = [(a, r) for a, r in to_send if r]
    if not to_send:
        return sent
    try:
        server = _connect(settings.smtp)
    except (OSError, smtplib.SMTPException) as exc:
        # neither the server's address nor the login is shown, only what went wrong
        log.warning("alerts: could not connect or log in to the mail server (%s)", type(exc).__name__)
        return sent
    with server:
        for alert, recipients in to_send:
            try:
                server.send_message(_message(settings.smtp, alert, recipients))
            except (OSError, smtplib.SMTPException) as exc:
                log.warning(
                    "alerts: %s for %s not sent (%s)", alert.kind, alert.unit_code, type(exc).__name__
                )
                continue
            entry = {"key": alert.key, "action": "sent", "kind": alert.kind, "unit_code": alert.unit_code}
            append_journal(path, {**entry, "recipients": len(recipients), "at": now})
            sent.append(alert)
    return sent
