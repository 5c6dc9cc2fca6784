"""The Ofsted reader on files laid out as Ofsted publishes them (synthetic settings, real layouts):
the annual provider-level workbook, the monthly management information, the children's homes list and
the SCP/CH list; header variants; states outside the judgement scales; skipped rows; file problems."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from placements.ofsted import read_ofsted
from placements.ofsted.columns import match_column

from . import ofsted_layouts as layouts


def _read(name: str, data: bytes):
    return read_ofsted([(name, data)])


def _settings(result):
    return result.settings.set_index("urn")


# --- Layouts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_annual_workbook_reads_every_table_sheet_and_passes_over_cover_contents_and_notes(fmt):
    result = _read(f"csc_providers_2025.{fmt}", layouts.annual_workbook(fmt))
    assert result.ok, result.errors
    sheets = {s.sheet: s for s in result.sheets}
    assert set(sheets) == {"Providers", "Closed"}
    assert (
        sheets["Providers"].header_row,
        sheets["Providers"].rows_read,
        sheets["Providers"].rows_skipped,
    ) == (
        4,
        11,
        2,
    )
    assert (sheets["Closed"].header_row, sheets["Closed"].rows_read, sheets["Closed"].rows_skipped) == (
        3,
        4,
        0,
    )
    assert result.files[0].kind == f"ofsted_{fmt}"
    settings = _settings(result)
    assert len(settings) == 15
    home = settings.loc["SC800001"]
    assert (home["judgement"], home["inspection_date"], home["registered_places"]) == (
        "good",
        dt.date(2024, 11, 5),
        4,
    )
    assert home["owner"] == "Synthetic Homes Ltd"
    assert home["source_sheet"] == "Providers"
    assert home["source_row"] == 5  # title, source note, blank, header: the first setting is row 5
    assert settings.loc["SC800002", "judgement"] == "requires_improvement"
    assert settings.loc["SC800003", "registration_status"] == "suspended"
    assert settings.loc["SC800004", "provision_type"] == "secure_childrens_home"
    assert settings.loc["SC800007", "provision_type"] == "residential_special_school"
    assert settings.loc["2800010", ["judgement_scale", "judgement"]].tolist() == [
        "three_outcome",
        "sa_inconsistent",
    ]


def test_annual_closed_table_gives_closed_deregistered_resigned_and_cancelled_settings():
    settings = _settings(_read("annual.xlsx", layouts.annual_workbook()))
    assert settings.loc["SC800020", ["registration_status", "closed_date"]].tolist() == [
        "closed",
        dt.date(2024, 12, 31),
    ]
    assert settings.loc["SC800021", ["registration_status", "closed_date"]].tolist() == [
        "deregistered",
        dt.date(2025, 2, 28),
    ]
    assert settings.loc["SC800022", "registration_status"] == "resigned"
    assert settings.loc["SC800023", ["registration_status", "judgement"]].tolist() == [
        "cancelled",
        "inadequate",
    ]


@pytest.mark.parametrize(
    ("name", "builder"),
    [
        ("mi.csv", layouts.monthly_mi_csv),
        ("mi.xlsx", layouts.monthly_mi_workbook),
        ("mi.ods", lambda: layouts.monthly_mi_workbook("ods")),
    ],
)
def test_monthly_management_information_with_a_title_line(name, builder):
    result = _read(name, builder())
    assert result.ok, result.errors
    assert [(s.header_row, s.rows_read, s.rows_skipped) for s in result.sheets] == [(2, 6, 1)]
    settings = _settings(result)
    assert settings.loc["SC800001", ["judgement", "registered_places"]].tolist() == ["good", 4]
    assert settings.loc["SC800030", "provision_type"] == "secure_childrens_home"  # subtype "Secure Unit"
    assert settings.loc["SC800031", ["registration_status", "closed_date", "registered_places"]].tolist() == [
        "closed",
        dt.date(2025, 1, 31),
        None,
    ]
    assert settings.loc["SC800032", "registration_status"] == "deregistered"
    # Interim inspections and monitoring visits are not full judgements: only the full one is recorded.
    assert sorted(result.inspections.loc[result.inspections["urn"] == "SC800001", "judgement"]) == ["good"]
    assert "SC800002" not in set(result.inspections["urn"])
    interim = [w for w in result.warnings if w.rule == "JudgementOutsideTheScales"]
    assert {w.value for w in interim} == {"Improved effectiveness", "Declined in effectiveness"}
    assert all("not a full judgement" in w.message for w in interim)


@pytest.mark.parametrize("title_rows", [False, True])
def test_childrens_homes_list(title_rows):
    result = _read("ch_list.xlsx", layouts.childrens_homes_list(title_rows=title_rows))
    assert result.ok, result.errors
    # "Registration Conditions" names URN and setting details but no provision type: not read.
    assert [s.sheet for s in result.sheets] == ["Provider information"]
    assert result.sheets[0].header_row == (3 if title_rows else 1)
    settings = _settings(result)
    assert list(settings.index) == ["SC800040", "SC800041", "SC800042"]
    house = settings.loc["SC800040"]
    assert (house["postcode"], house["registered_places"], house["judgement"]) == ("WS1 1ZZ", 4, "good")
    assert house["owner"] == "Synthetic Homes Ltd"
    # The interim judgement is its own column, not the full judgement.
    assert list(result.inspections.loc[result.inspections["urn"] == "SC800040", "judgement"]) == ["good"]
    secure = settings.loc["SC800041"]
    assert (secure["provision_type"], secure["postcode"]) == ("secure_childrens_home", "WS2")  # area only
    assert settings.loc["SC800042", ["registration_status", "closed_date"]].tolist() == [
        "closed",
        dt.date(2025, 1, 31),
    ]
    skipped = result.skipped[0]
    assert (skipped.sheet, skipped.row, skipped.column, skipped.value) == (
        "Provider information",
        7 if title_rows else 5,
        "Max Users",
        "four",
    )


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_scp_ch_list_providers_and_supported_accommodation_sheets(fmt):
    result = _read(f"scp_ch.{fmt}", layouts.scp_ch_list(fmt))
    assert result.ok, result.errors
    assert [(s.sheet, s.rows_read) for s in result.sheets] == [("Providers", 3), ("SA Providers", 5)]
    settings = _settings(result)
    court = settings.loc["SC800050"]
    assert (court["name"], court["postcode"], court["registered_places"], court["judgement"]) == (
        "Synthetic Court",
        "WS4 4ZZ",
        5,
        "requires_improvement",
    )
    assert court["registration_status"] == "active"  # "Registered"
    assert settings.loc["SC800051", "judgement"] == "ilacs"
    assert settings.loc["SC800052", ["registration_status", "closed_date"]].tolist() == [
        "deregistered",
        dt.date(2025, 3, 3),
    ]
    sa = settings.loc["2800060"]
    # One provider, three settings: places are the capacity of the two still open (3 + 4).
    assert (sa["provision_type"], sa["judgement_scale"], sa["registered_places"]) == (
        "supported_accommodation",
        "three_outcome",
        7,
    )
    assert sa["postcode"] == "WS5 5ZZ"
    assert sa["local_authority"] == "Walsall"  # the setting's authority, not the provider's
    assert settings.loc["2800061", "provision_type"] == "supported_accommodation"  # "Accomodation"
    assert settings.loc["2800062", ["registration_status", "registered_places"]].tolist() == [
        "cancelled",
        None,
    ]


def test_several_published_files_at_once():
    result = read_ofsted(
        [
            ("annual.xlsx", layouts.annual_workbook()),
            ("mi.csv", layouts.monthly_mi_csv()),
            ("ch_list.xlsx", layouts.childrens_homes_list()),
            ("scp_ch.xlsx", layouts.scp_ch_list()),
        ]
    )
    assert result.ok, result.errors
    assert len(result.sheets) == 6
    assert sum(s.rows_read for s in result.sheets) == 15 + 6 + 3 + 8
    assert result.settings["urn"].is_unique


# --- Header variants ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Date of last full inspection", "inspection_date"),
        ("Full Inspection Start Date", "inspection_date"),
        ("Latest full inspection date", "inspection_date"),
        ("Setting Address Postcode", "postcode"),
        ("Provider postcode", "postcode"),
        ("Postcode Area", "postcode_district"),
        ("Max Users", "places"),
        ("Number of registered places", "places"),
        ("Places", "places"),
        ("Capacity", "capacity"),
        ("Provider Status", "registration_status"),
        ("Registration status", "registration_status"),
        ("Closed Date", "closed_date"),
        ("Deregistration date", "closed_date"),
        ("URN", "urn"),
        ("Provider type", "provision_type"),
        ("Setting type", "provision_type"),
        ("Provision type", "provision_type"),
        ("Provider Subtype", "provision_subtype"),
        ("Overall effectiveness", "judgement"),
        ("Latest overall Effectiveness grade from last full inspection", "judgement"),
        (
            "Overall experiences and progress of children and young people (latest full inspection)",
            "judgement",
        ),
        ("Local Authority", "local_authority"),
        ("Setting local authority", "local_authority"),
        ("Region", "region"),
        ("Sector", "sector"),
        ("Ownership", "sector"),
        ("Organisation which owns the provider", "owner"),
        ("Owner Name", "owner"),
        ("Setting Name", "name"),
        ("Provider name", "name"),
        ("Inspection type", "inspection_type"),
        # Not the setting's full judgement, nor its authority:
        ("Interim Inspection Overall Effectiveness", None),
        ("Linked school overall effectiveness", None),
        ("Provider local authority", None),
        ("Top company (as listed on Companies' House)", None),
    ],
)
def test_header_variants(header, canonical):
    assert match_column(header) == canonical


# --- States --------------------------------------------------------------------------------------------------

_STATES_HEADER = "URN,Provider type,Date of last full inspection,Overall effectiveness\n"


@pytest.mark.parametrize(
    ("cells", "judgement", "dated"),
    [
        (f"Local Authority Fostering Agency,{layouts.ILACS},{layouts.ILACS}", "ilacs", False),
        (f"Local Authority Adoption Agency,-,{layouts.ILACS}", "ilacs", False),
        ("Independent fostering agency,14/03/2013,Adequate", "adequate", True),
        ("Residential special school,08/02/2024,Met", "met", True),
        ("Residential special school,08/02/2024,Not met", "not_met", True),
        ("Children's home,Not yet inspected,Not yet inspected", "not_yet_inspected", False),
        ("Children's home,-,-", "not_yet_inspected", False),
        ("Children's home,N/A,N/A", "not_yet_inspected", False),
        ("Children's home,.,.", "not_yet_inspected", False),
        ("Supported accommodation,-,-", "not_yet_inspected", False),
        ("Supported accommodation,01/01/2025,Not met", "not_met", True),
    ],
)
def test_states_outside_the_scales_are_kept_with_a_warning(cells, judgement, dated):
    result = _read("states.csv", (_STATES_HEADER + f"SC1,{cells}\n").encode())
    assert result.ok, result.errors
    assert not result.skipped
    assert result.settings.iloc[0]["judgement"] == judgement
    assert (len(result.inspections) == 1) is dated
    if judgement not in ("not_yet_inspected",):
        warning = next(w for w in result.warnings if w.rule == "JudgementOutsideTheScales")
        assert warning.row == 2


@pytest.mark.parametrize(
    "value", ["Improved effectiveness", "Sustained effectiveness", "Declined in effectiveness"]
)
def test_interim_outcomes_are_not_recorded_as_judgements(value):
    text = (
        _STATES_HEADER + "SC1,Children's home,01/06/2023,Good\n" + f"SC1,Children's home,01/06/2024,{value}\n"
    )
    result = _read("interim.csv", text.encode())
    assert result.ok
    assert list(result.inspections["judgement"]) == ["good"]
    assert result.settings.iloc[0]["judgement"] == "good"
    assert any(w.value == value for w in result.warnings)


def test_state_warnings_are_one_per_state_per_sheet_with_a_count():
    rows = "".join(f"SC{i},Local authority fostering agency,-,{layouts.ILACS}\n" for i in range(1, 6))
    result = _read("la.csv", (_STATES_HEADER + rows).encode())
    warnings = [w for w in result.warnings if w.rule == "JudgementOutsideTheScales"]
    assert len(warnings) == 1
    assert warnings[0].message.startswith("5 row(s) from row 2")


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("Active", "active"),
        ("Registered", "active"),
        ("Suspended", "suspended"),
        ("Resigned", "resigned"),
        ("Cancelled", "cancelled"),
        ("Closed", "closed"),
        ("Deregistered", "deregistered"),
        ("De-registered", "deregistered"),
    ],
)
def test_registration_statuses(status, code):
    result = _read("s.csv", f"URN,Provider type,Provider Status\nSC1,Children's home,{status}\n".encode())
    assert result.settings.iloc[0]["registration_status"] == code


def test_a_blank_status_with_a_closed_date_is_closed():
    text = "URN,Provider type,Provider Status,Closed Date\nSC1,Children's home,-,31/01/2025\nSC2,Children's home,-,-\n"
    settings = _settings(_read("s.csv", text.encode()))
    assert settings.loc["SC1", "registration_status"] == "closed"
    assert settings.loc["SC2", ["registration_status", "closed_date"]].tolist() == ["active", None]


def test_dash_cells_are_blank_everywhere():
    text = (
        "URN,Provider type,Setting name,Sector,Places,Registration date,Closed Date,Setting Address Postcode,"
        "Full Inspection Start Date,Overall Effectiveness\n"
        "SC1,Children's home,-,-,-,-,-,-,-,-\n"
    )
    result = _read("dash.csv", text.encode())
    assert result.ok and not result.skipped and not result.warnings
    row = result.settings.iloc[0]
    assert [row[k] for k in ("name", "sector", "registered_places", "registration_date", "postcode")] == [
        None,
        "",
        None,
        None,
        None,
    ]


# --- Skipped rows ----------------------------------------------------------------------------------------------


def test_unreadable_rows_are_skipped_with_file_sheet_row_column_value_and_message():
    result = _read("annual.xlsx", layouts.annual_workbook())
    found = [(s.file, s.sheet, s.row, s.column, s.value) for s in result.skipped]
    assert found == [
        ("annual.xlsx", "Providers", 16, "URN", ""),
        ("annual.xlsx", "Providers", 17, "Latest full inspection date", "31/02/2024"),
    ]
    assert "URN" in result.skipped[0].message
    assert "must be a date" in result.skipped[1].message
    assert "SC800013" not in set(result.settings["urn"])


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (",Children's home,01/01/2024,Good", "URN"),
        ("TOO-LONG-URN1,Children's home,01/01/2024,Good", "URN"),
        ("SC1,,01/01/2024,Good", "Provider type"),
        ("SC1,Children's home,someday,Good", "Date of last full inspection"),
        ("SC1,Children's home,01/01/2024,Excellent", "Overall effectiveness"),
        ("SC1,Children's home,-,Good", "Date of last full inspection"),
        ("SC1,Supported accommodation,01/01/2024,Good", "Overall effectiveness"),
    ],
)
def test_each_kind_of_unreadable_row_is_skipped(row, column):
    text = _STATES_HEADER + row + "\nSC9,Children's home,01/01/2024,Good\n"
    result = _read("rows.csv", text.encode())
    assert result.ok
    assert list(result.settings["urn"]) == ["SC9"]
    assert [(s.row, s.column) for s in result.skipped] == [(2, column)]


def test_a_bad_postcode_or_sector_is_a_warning_not_a_skipped_row():
    text = "URN,Provider type,Sector,Setting Address Postcode\nSC1,Children's home,Section,sm0000\n"
    result = _read("p.csv", text.encode())
    assert not result.skipped
    assert result.settings.iloc[0]["postcode"] is None
    assert {w.rule for w in result.warnings} == {"PostcodeShouldBeValid", "SectorShouldBeKnown"}


# --- File problems ----------------------------------------------------------------------------------------


def _zip_of(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("empty.csv", b"", "FileMustNotBeEmpty"),
        ("blank.csv", b"\n\n  \n", "FileMustNotBeEmpty"),
        ("damaged.xlsx", _zip_of({"nonsense.txt": b"not a workbook"}), "FileMustBeReadable"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "FileMustBeReadable"),
        (
            "notes_only.xlsx",
            layouts.workbook({"Cover": [["Children's social care data"]], "Notes": [["URN", "Reference"]]}),
            "FileMustBeAnOfstedProviderFile",
        ),
        (
            "conditions.xlsx",
            layouts.workbook(
                {
                    "Registration Conditions": [
                        ["Local Authority", "URN", "Setting Name", "Postcode Area", "Conditions"],
                        ["Walsall", "SC1", "A home", "WS1", "None"],
                    ]
                }
            ),
            "FileMustBeAnOfstedProviderFile",
        ),  # fmt: skip
        ("header_only.csv", b"URN,Provider type,Overall effectiveness\n", "FileMustHaveRows"),
        (
            "all_bad.csv",
            b"URN,Provider type,Overall effectiveness\n,Children's home,Good\nSC1,Children's home,Excellent\n",
            "FileMustHaveReadableRows",
        ),
    ],
)
def test_file_problems_refuse_the_file(name, data, rule):
    result = _read(name, data)
    assert not result.ok
    assert result.errors[0].rule == rule
    assert result.errors[0].row is None
    assert result.settings.empty


def test_a_file_with_no_readable_row_lists_every_rows_problem_in_its_errors():
    result = _read("all_bad.csv", b"URN,Provider type,Overall effectiveness\n,Children's home,Good\n")
    assert [(e.row, e.column) for e in result.errors[1:]] == [(2, "URN")]
    assert not result.skipped


def test_one_refused_file_does_not_hide_the_others_problems():
    result = read_ofsted([("mi.csv", layouts.monthly_mi_csv()), ("empty.csv", b"")])
    assert not result.ok
    assert [e.file for e in result.errors] == ["empty.csv"]
    assert [s.file for s in result.sheets] == ["mi.csv"]


def test_footnotes_under_a_table_are_neither_settings_nor_skipped_rows():
    text = (
        "URN,Provider type,Overall effectiveness\n"
        "SC1,Children's home,-\n"
        ",,\n"
        "Source: Ofsted management information,,\n"
        ",Figures are provisional,\n"
        "SC2,,\n"
    )
    result = _read("notes.csv", text.encode())
    assert list(result.settings["urn"]) == ["SC1"]
    assert [(s.row, s.column) for s in result.skipped] == [(6, "Provider type")]


def test_dates_with_a_time_are_read():
    text = (
        "URN,Provider type,Inspection date,Overall effectiveness\nSC1,Children's home,05/11/2024 00:00,Good\n"
    )
    assert _read("t.csv", text.encode()).settings.iloc[0]["inspection_date"] == dt.date(2024, 11, 5)
