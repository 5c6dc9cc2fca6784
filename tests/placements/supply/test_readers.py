"""The households CSV reader: pure (no Django, no database), row-by-row problems, file problems whole."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from placements.choices import HouseholdRouteChoices, HouseholdStatusChoices
from placements.supply import readers
from placements.supply.readers import HouseholdProblem, read_households

ROOT = Path(__file__).resolve().parents[3]
HEADER = "Household reference,Type,IFA URN,Date approved,Places,Status,Postcode district\n"


def _no_agencies(urns: set[str]) -> dict[str, int]:
    return {}


def test_read_households_gives_valid_rows_with_defaults_and_agency_ids():
    content = (HEADER + "H1,In house,,27/03/2025,2,,WS1\nH2,IFA,sc123456,2024-01-05,1,On hold,\n").encode()
    asked: list[set[str]] = []

    def agency_ids(urns: set[str]) -> dict[str, int]:
        asked.append(urns)
        return {"SC123456": 42}

    read = read_households(content, agency_ids=agency_ids)
    assert read.problems == []
    assert asked == [{"SC123456"}]
    assert read.rows == 2
    assert read.households == [
        {
            "reference": "H1",
            "route": "in_house",
            "agency_id": None,
            "approval_date": dt.date(2025, 3, 27),
            "deregistration_date": None,
            "approved_places": 2,
            "age_min": 0,
            "age_max": 17,
            "status": "available",
            "postcode_district": "WS1",
        },
        {
            "reference": "H2",
            "route": "agency",
            "agency_id": 42,
            "approval_date": dt.date(2024, 1, 5),
            "deregistration_date": None,
            "approved_places": 1,
            "age_min": 0,
            "age_max": 17,
            "status": "on_hold",
            "postcode_district": "",
        },
    ]


def test_read_households_reports_each_bad_row_and_keeps_none_of_them():
    content = (
        HEADER
        + "H1,In house,,27/03/2025,2,,WS1 1TP\n"  # a full postcode
        + "H1,Agency,SC999999,31/02/2025,11,Gone,\n"  # repeated reference, unknown URN, bad date/places/status
        + ",,,,,,\n"  # blank rows are skipped
        + "H3,In house,,01/04/2025,1,,\n"
    ).encode()
    read = read_households(content, agency_ids=_no_agencies)
    assert [(p.row, p.column) for p in read.problems] == [
        (2, "postcode_district"),
        (3, "reference"),
        (3, "agency_urn"),
        (3, "approval_date"),
        (3, "approved_places"),
        (3, "status"),
    ]
    assert read.problems[0].value == "WS11"  # never the whole postcode
    assert [h["reference"] for h in read.households] == ["H3"]


def test_read_households_refuses_a_file_that_is_not_csv_or_lacks_columns():
    assert read_households(b"\xff\xfe\x00bad", agency_ids=_no_agencies).problems == [
        HouseholdProblem("", "", "", "The file must be a CSV file saved as UTF-8")
    ]
    read = read_households(b"Household reference,Places\nH1,2\n", agency_ids=_no_agencies)
    assert read.rows == 0 and read.households == []
    assert read.problems == [
        HouseholdProblem(1, "route, approval_date", "", "The file needs the column(s): route, approval_date")
    ]


def test_reader_codes_are_the_models_choices():
    assert {readers.IN_HOUSE, readers.AGENCY} == set(HouseholdRouteChoices.values)
    assert {readers.AVAILABLE, readers.ON_HOLD, readers.DEREGISTERED} == set(HouseholdStatusChoices.values)


def test_reader_imports_no_django():
    probe = "import sys, placements.supply.readers; print(sorted(m for m in sys.modules if m.startswith('django')))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
