"""``sagstid explain`` on the hard days, against text worked out by hand.

Catalogue: A 3 working_days, M 1 months, R 10 calendar_days rolled to a working day, all from
2020-01-01 (a Wednesday). calendar.yaml closes 2024-05-10 (the Friday after Kristi
himmelfartsdag 2024). Weekday and holiday facts used below:
- Easter 2025: Skærtorsdag Thu 04-17, Langfredag Fri 04-18, Påskedag Sun 04-20, Anden
  påskedag Mon 04-21.
- Store bededag was a holiday up to 2023 (Fri 2023-05-05) and is not one from 2024 (it would
  have been Fri 2024-04-26).
- Kristi himmelfartsdag 2024: Thu 05-09.
- 2025-01-31 and 2025-02-28 are Fridays; 2025-03-01 is a Saturday; 2025-04-08 a Tuesday.
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from sagstid.cli import cli
from sagstid.ops.explain import UnknownCase, explain_case

CATALOGUE = """\
catalogue_version: "Testkatalog"
deadlines:
  - {area: A, name: Område A, value: 3, unit: working_days, valid_from: 2020-01-01}
  - {area: M, name: Område M, value: 1, unit: months, valid_from: 2020-01-01}
  - {area: R, name: Område R, value: 10, unit: calendar_days, valid_from: 2020-01-01, roll_to_working_day: true}
"""
CALENDAR = "closed_dates: [2024-05-10]\n"

COLUMNS = (
    "decision_id",
    "case_id",
    "unit_code",
    "case_area_code",
    "received_date",
    "decided_date",
    "delay_notice_date",
)
DECISIONS = [
    (1, "S-1", "JC-NORD", "A", "2025-04-15", "2025-04-24", "2025-04-23"),  # Easter 2025
    (2, "S-2", "JC-NORD", "A", "2023-05-03", "2023-05-09", None),  # Store bededag 2023
    (3, "S-3", "JC-NORD", "A", "2024-04-24", "2024-04-30", None),  # no Store bededag 2024
    (4, "S-4", "JC-SYD", "M", "2025-01-31", "2025-02-28", None),  # month end
    (5, "S-5", "JC-SYD", "A", "2025-03-01", "2025-03-05", None),  # Saturday receipt
    (6, "S-6", "JC-SYD", "R", "2025-04-08", "2025-04-22", None),  # 10 days land on Langfredag
    (7, "S-7", "YS", "A", "2024-05-08", "2024-05-16", None),  # a closed day
    (8, "S-8", "YS", "A", "2025-04-15", None, None),  # open
    (9, "S-9", "YS", "A", "2025-04-15", "2025-04-10", None),  # decided before received
]
COMPLAINTS = [
    {
        "complaint_id": 70,
        "case_id": "S-1",
        "unit_code": "JC-NORD",
        "complaint_kind": "decision",
        "insured_unemployed": 1,
        "five_day_rule": 1,
        "outcome": "upheld",
        "received_date": "2025-04-15",
        "answered_date": "2025-04-25",
    }
]


@pytest.fixture
def setup(make_db, make_config):
    db = make_db(decisions=[dict(zip(COLUMNS, row, strict=True)) for row in DECISIONS], complaints=COMPLAINTS)
    return db, make_config(deadlines=CATALOGUE, calendar=CALENDAR)


def explained(setup, key: str, kind: str = "decision", as_of: str = "2026-01-01") -> str:
    db, config = setup
    return explain_case(db, config, kind, key, dt.date.fromisoformat(as_of))


HEAD_A = (
    "Fristkatalog: Testkatalog\n"
    'Anvendt post: A "Område A", gyldig fra onsdag 1. januar 2020 uden slutdato'
    " (den version, der gælder på modtagelsesdatoen)\n"
    "Hvorfor: sagsområdets generelle frist (afgørelsen har ingen variant)\n"
    "Fristregel: 3 arbejdsdage\n"
)


def test_easter_2025(setup):
    # Tue 04-15 + 3 working days: Wed 16 is 1; Thu 17 - Mon 21 are Easter and a weekend;
    # Tue 22 is 2, Wed 23 is 3. Decided Thu 24: one day late; notified on the deadline day.
    assert explained(setup, "1") == (
        "Afgørelse 1, sag S-1, enhed JC-NORD, sagsområde A\n"
        + HEAD_A
        + "Modtaget: tirsdag 15. april 2025 (startdato)\n"
        "  Arbejdsdagene tælles fra dagen efter modtagelsen:\n"
        "  onsdag 16. april 2025: arbejdsdag 1\n"
        "  torsdag 17. april 2025: tælles ikke (helligdag: Skærtorsdag)\n"
        "  fredag 18. april 2025: tælles ikke (helligdag: Langfredag)\n"
        "  lørdag 19. april 2025: tælles ikke (weekend)\n"
        "  søndag 20. april 2025: tælles ikke (helligdag: Påskedag)\n"
        "  mandag 21. april 2025: tælles ikke (helligdag: Anden påskedag)\n"
        "  tirsdag 22. april 2025: arbejdsdag 2\n"
        "  onsdag 23. april 2025: arbejdsdag 3\n"
        "Frist: onsdag 23. april 2025\n"
        "Afgjort: torsdag 24. april 2025\n"
        "Resultat: fristen er overskredet med 1 dag\n"
        "Underretning om forsinkelse: givet onsdag 23. april 2025, rettidigt (senest på fristdagen)\n"
    )


def test_store_bededag_2023(setup):
    # Wed 2023-05-03: Thu 04 is 1; Fri 05 Store bededag; weekend; Mon 08 is 2, Tue 09 is 3.
    assert explained(setup, "2") == (
        "Afgørelse 2, sag S-2, enhed JC-NORD, sagsområde A\n"
        + HEAD_A
        + "Modtaget: onsdag 3. maj 2023 (startdato)\n"
        "  Arbejdsdagene tælles fra dagen efter modtagelsen:\n"
        "  torsdag 4. maj 2023: arbejdsdag 1\n"
        "  fredag 5. maj 2023: tælles ikke (helligdag: Store bededag)\n"
        "  lørdag 6. maj 2023: tælles ikke (weekend)\n"
        "  søndag 7. maj 2023: tælles ikke (weekend)\n"
        "  mandag 8. maj 2023: arbejdsdag 2\n"
        "  tirsdag 9. maj 2023: arbejdsdag 3\n"
        "Frist: tirsdag 9. maj 2023\n"
        "Afgjort: tirsdag 9. maj 2023\n"
        "Resultat: inden for fristen\n"
        "Underretning om forsinkelse: ikke nødvendig\n"
    )


def test_no_store_bededag_in_2024(setup):
    # Wed 2024-04-24: Thu 25 is 1, Fri 26 (Store bededag no more) is 2, Mon 29 is 3.
    # Decided Tue 30: one day late, no notice.
    assert explained(setup, "3") == (
        "Afgørelse 3, sag S-3, enhed JC-NORD, sagsområde A\n"
        + HEAD_A
        + "Modtaget: onsdag 24. april 2024 (startdato)\n"
        "  Arbejdsdagene tælles fra dagen efter modtagelsen:\n"
        "  torsdag 25. april 2024: arbejdsdag 1\n"
        "  fredag 26. april 2024: arbejdsdag 2\n"
        "  lørdag 27. april 2024: tælles ikke (weekend)\n"
        "  søndag 28. april 2024: tælles ikke (weekend)\n"
        "  mandag 29. april 2024: arbejdsdag 3\n"
        "Frist: mandag 29. april 2024\n"
        "Afgjort: tirsdag 30. april 2024\n"
        "Resultat: fristen er overskredet med 1 dag\n"
        "Underretning om forsinkelse: ikke givet\n"
    )


def test_month_end(setup):
    # 31 January + 1 month: there is no 31 February, so the month's last day, Fri 28 February.
    text = explained(setup, "4")
    assert "Fristregel: 1 måned\n" in text
    assert (
        "Modtaget: fredag 31. januar 2025 (startdato)\n"
        "  fredag 31. januar 2025 + 1 måned = fredag 28. februar 2025"
        " (samme dato, eller månedens sidste dag hvis datoen ikke findes)\n"
        "Frist: fredag 28. februar 2025\n"
        "Afgjort: fredag 28. februar 2025\n"
        "Resultat: inden for fristen\n"
    ) in text


def test_saturday_receipt(setup):
    # Sat 2025-03-01: Sun 02 is skipped, Mon 03 is 1, Tue 04 is 2, Wed 05 is 3.
    text = explained(setup, "5")
    assert (
        "Modtaget: lørdag 1. marts 2025 (startdato)\n"
        "  Arbejdsdagene tælles fra dagen efter modtagelsen:\n"
        "  søndag 2. marts 2025: tælles ikke (weekend)\n"
        "  mandag 3. marts 2025: arbejdsdag 1\n"
        "  tirsdag 4. marts 2025: arbejdsdag 2\n"
        "  onsdag 5. marts 2025: arbejdsdag 3\n"
        "Frist: onsdag 5. marts 2025\n"
    ) in text


def test_roll_over_easter(setup):
    # Tue 04-08 + 10 calendar days = Fri 04-18, Langfredag; rolled past the weekend and
    # Anden påskedag to Tue 04-22. Decided that day: within.
    text = explained(setup, "6")
    assert (
        "Fristregel: 10 kalenderdage\n"
        "Modtaget: tirsdag 8. april 2025 (startdato)\n"
        "  tirsdag 8. april 2025 + 10 kalenderdage = fredag 18. april 2025\n"
        "  fredag 18. april 2025: tælles ikke (helligdag: Langfredag)\n"
        "  lørdag 19. april 2025: tælles ikke (weekend)\n"
        "  søndag 20. april 2025: tælles ikke (helligdag: Påskedag)\n"
        "  mandag 21. april 2025: tælles ikke (helligdag: Anden påskedag)\n"
        "  Rykkes til første arbejdsdag: tirsdag 22. april 2025\n"
        "Frist: tirsdag 22. april 2025\n"
        "Afgjort: tirsdag 22. april 2025\n"
        "Resultat: inden for fristen\n"
    ) in text


def test_closed_day(setup):
    # Wed 2024-05-08: Thu 09 Kristi himmelfartsdag, Fri 10 closed (calendar.yaml), weekend;
    # Mon 13 is 1, Tue 14 is 2, Wed 15 is 3. Decided Thu 16: one day late.
    text = explained(setup, "7")
    assert (
        "  torsdag 9. maj 2024: tælles ikke (helligdag: Kristi himmelfartsdag)\n"
        "  fredag 10. maj 2024: tælles ikke (lukkedag i calendar.yaml)\n"
        "  lørdag 11. maj 2024: tælles ikke (weekend)\n"
        "  søndag 12. maj 2024: tælles ikke (weekend)\n"
        "  mandag 13. maj 2024: arbejdsdag 1\n"
        "  tirsdag 14. maj 2024: arbejdsdag 2\n"
        "  onsdag 15. maj 2024: arbejdsdag 3\n"
        "Frist: onsdag 15. maj 2024\n"
        "Afgjort: torsdag 16. maj 2024\n"
        "Resultat: fristen er overskredet med 1 dag\n"
    ) in text


def test_open_case_days_left_and_overdue(setup):
    # Received Tue 2025-04-15, deadline Wed 04-23 (as in the Easter case).
    # As of Wed 04-16: 7 calendar days left; working days in (04-16, 04-23]: 22 and 23 = 2.
    text = explained(setup, "8", as_of="2025-04-16")
    assert text.endswith(
        "Frist: onsdag 23. april 2025\n"
        "Status pr. onsdag 16. april 2025: åben\n"
        "Tilbage: 7 dage (2 arbejdsdage) til fristen\n"
    )
    # As of Fri 04-25: two days past the deadline, no notice given.
    assert explained(setup, "8", as_of="2025-04-25").endswith(
        "Status pr. fredag 25. april 2025: åben\n"
        "Overskredet: fristen er overskredet med 2 dage\n"
        "Underretning om forsinkelse: ikke givet\n"
    )
    assert "Tilbage: fristen er i dag\n" in explained(setup, "8", as_of="2025-04-23")


def test_an_exclusion_names_its_reason(setup):
    text = explained(setup, "9")
    assert text == (
        "Afgørelse 9, sag S-9, enhed YS, sagsområde A\n"
        "Modtaget: tirsdag 15. april 2025 (startdato)\n"
        "Udeladt af målingen: Afgjort før modtaget. Afgørelsesdatoen ligger før modtagelsesdatoen.\n"
    )


def test_a_complaint_under_the_five_day_rule(setup):
    # Insured unemployed, decision upheld: 5 working days from Tue 2025-04-15: Wed 16 is 1,
    # Easter and a weekend, Tue 22 - Fri 25 are 2-5. Answered Fri 25: on the deadline.
    text = explained(setup, "70", kind="complaint")
    assert text.startswith("Klage 70, sag S-1, enhed JC-NORD, klagetype realitetsklage\n")
    assert "  fredag 25. april 2025: arbejdsdag 5\nFrist: fredag 25. april 2025\n" in text
    assert "Resultat: inden for fristen\n" in text


def test_unknown_id(setup):
    with pytest.raises(UnknownCase, match="no decisions row has decision_id 404"):
        explained(setup, "404")
    db, config = setup
    result = CliRunner().invoke(cli, ["explain", "--db", db, "--config", str(config), "--decision", "404"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["sagstid: error: no decisions row has decision_id 404"]


def test_cli_prints_the_explanation(setup):
    db, config = setup
    args = ["explain", "--db", db, "--config", str(config), "--decision", "1", "--as-of", "2026-01-01"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert result.output == explained(setup, "1")


def test_the_plausible_dates_of_measurement_yaml(make_db, make_config):
    """explain judges a row by measurement.yaml's plausible dates, as the reports do: with
    ``earliest`` 2024-01-01 decision 2 (received 2023-05-03) has a placeholder date and is
    excluded as an unreadable date; a decision date 9999-12-31 is one too, not an open case."""
    rows = [DECISIONS[1], (10, "S-10", "YS", "A", "2025-04-15", "9999-12-31", None)]
    db = make_db(decisions=[dict(zip(COLUMNS, row, strict=True)) for row in rows])
    config = make_config(deadlines=CATALOGUE, calendar=CALENDAR)
    (config / "measurement.yaml").write_text("plausible_dates:\n  earliest: 2024-01-01\n", encoding="utf-8")
    unreadable = (
        "Udeladt af målingen: Ulæselig dato. En dato kan ikke læses (fx 31/02/2024) eller er en "
        "pladsholder uden for de plausible datoer (fx 0001-01-01). En ulæselig afgørelsesdato tælles "
        "med i hver måling.\n"
    )
    # the received date is the placeholder: no start date to show
    assert explain_case(db, config, "decision", "2", dt.date(2026, 1, 1)) == (
        "Afgørelse 2, sag S-2, enhed JC-NORD, sagsområde A\n" + unreadable
    )
    assert explain_case(db, config, "decision", "10", dt.date(2026, 1, 1)) == (
        "Afgørelse 10, sag S-10, enhed YS, sagsområde A\n"
        "Modtaget: tirsdag 15. april 2025 (startdato)\n" + unreadable
    )
