"""Synthetic Ofsted files in the layouts Ofsted publishes them, built in memory for the tests.

Every setting here is invented (URNs SC8xxxxx / 28xxxxx, made-up names and owners); only the layouts are
real: title and notes rows above the header, cover / contents / notes sheets, several tables in one
workbook, Ofsted's own header wordings, "-" for not applicable, and judgements outside the 4-point and
3-outcome scales.

    annual_workbook("xlsx")   "Children's social care data in England": provider-level workbook
    monthly_mi_csv()          monthly management information (provider-level MI), CSV with a title line
    monthly_mi_workbook(fmt)  the same as a workbook
    childrens_homes_list()    the children's homes list councils receive ("Provider information" and
                              "Registration Conditions" sheets)
    scp_ch_list()             the SCP/CH list: "Providers" and "SA Providers" (supported accommodation)
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd

Grid = list[list[Any]]
ILACS = "Not provided as service is inspected as part of the ILACS inspection"


def workbook(sheets: dict[str, Grid], fmt: str = "xlsx") -> bytes:
    """An XLSX (openpyxl) or ODS (odfpy) workbook with these sheets, cells as given (no header added)."""
    buffer = io.BytesIO()
    engine = {"xlsx": "openpyxl", "ods": "odf"}[fmt]
    with pd.ExcelWriter(buffer, engine=engine) as writer:
        for name, rows in sheets.items():
            pd.DataFrame(_padded(rows)).to_excel(writer, sheet_name=name, header=False, index=False)
    return buffer.getvalue()


def _padded(rows: Grid) -> Grid:
    """Rows of one width (title rows are short), blank cells as None."""
    width = max((len(row) for row in rows), default=0)
    return [[*row, *([None] * (width - len(row)))] for row in rows]


def csv_bytes(rows: Grid) -> bytes:
    buffer = io.StringIO()
    pd.DataFrame(_padded(rows)).to_csv(buffer, header=False, index=False)
    return buffer.getvalue().encode("utf-8-sig")


def d(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day)


# --- Annual: "Children's social care data in England", provider level ------------------------------------

ANNUAL_HEADER = [
    "URN",
    "Provision type",
    "Setting name",
    "Sector",
    "Local authority",
    "Region",
    "Registration status",
    "Registration date",
    "Number of registered places",
    "Organisation which owns the provider",
    "Latest full inspection date",
    "Overall experiences and progress of children and young people (latest full inspection)",
    "How well children and young people are helped and protected",
]
ANNUAL_PROVIDERS = [
    ["SC800001", "Children's home", "REDACTED", "Private", "Walsall", "West Midlands", "Active",
     d(2015, 4, 1), 4, "Synthetic Homes Ltd", d(2024, 11, 5), "Good", "Good"],
    ["SC800002", "Children's home", "REDACTED", "Private", "Walsall", "West Midlands", "Active",
     d(2019, 1, 10), 3, "Synthetic Homes Ltd", d(2024, 6, 12), "Requires improvement to be good",
     "Requires improvement to be good"],
    ["SC800003", "Children's home", "REDACTED", "Local Authority", "Sandwell", "West Midlands", "Suspended",
     d(2012, 9, 3), 2, "Sandwell", d(2025, 1, 20), "Inadequate", "Inadequate"],
    ["SC800004", "Secure children's home", "Example Secure Centre", "Local Authority", "Walsall",
     "West Midlands", "Active", d(2001, 5, 5), 10, "Walsall", d(2023, 10, 2), "Outstanding", "Outstanding"],
    ["SC800005", "Independent fostering agency", "Example Fostering", "Private", "Walsall", "West Midlands",
     "Active", d(2008, 2, 2), "-", "Example Fostering Group", d(2013, 3, 14), "Adequate", "-"],
    ["SC800006", "Local authority fostering agency", "Walsall Fostering", "Local Authority", "Walsall",
     "West Midlands", "Active", d(2010, 1, 1), "-", "Walsall", ILACS, ILACS, ILACS],
    ["SC800007", "Residential special school (>295 days/year)", "Example School", "Voluntary", "Walsall",
     "West Midlands", "Active", d(2005, 6, 6), 12, "Example Schools Trust", d(2024, 2, 8), "Met", "-"],
    ["SC800008", "Residential special school (>295 days/year)", "Example Other School", "Voluntary",
     "Sandwell", "West Midlands", "Active", d(2006, 6, 6), 8, "Example Schools Trust", d(2024, 3, 9),
     "Not met", "-"],
    ["SC800009", "Children's home", "REDACTED", "Private", "Walsall", "West Midlands", "Active",
     d(2025, 2, 1), 2, "New Homes Ltd", "-", "-", "-"],
    ["2800010", "Supported accommodation", "Example Supported Living", "Voluntary", "Walsall",
     "West Midlands", "Active", d(2023, 10, 28), 20, "Example Trust", d(2025, 3, 1),
     "Inconsistent quality of service delivery", "-"],
    ["2800011", "Supported accommodation", "Example Housing", "Private", "Sandwell", "West Midlands",
     "Active", d(2023, 11, 1), 6, "Example Housing Ltd", "Not yet inspected", "Not yet inspected", "-"],
    # Unreadable: no URN; an impossible date.
    ["", "Children's home", "REDACTED", "Private", "Walsall", "West Midlands", "Active", d(2020, 1, 1), 3,
     "Synthetic Homes Ltd", d(2024, 1, 1), "Good", "Good"],
    ["SC800013", "Children's home", "REDACTED", "Private", "Walsall", "West Midlands", "Active",
     d(2020, 1, 1), 3, "Synthetic Homes Ltd", "31/02/2024", "Good", "Good"],
]  # fmt: skip
CLOSED_HEADER = [
    "URN",
    "Provision type",
    "Setting name",
    "Sector",
    "Local authority",
    "Registration status",
    "Registration date",
    "Deregistration date",
    "Places",
    "Date of last full inspection",
    "Overall effectiveness",
]
ANNUAL_CLOSED = [
    ["SC800020", "Children's home", "REDACTED", "Private", "Walsall", "Closed", d(2011, 1, 1), d(2024, 12, 31),
     3, d(2022, 5, 5), "Good"],
    ["SC800021", "Children's home", "REDACTED", "Private", "Sandwell", "Deregistered", d(2014, 1, 1),
     d(2025, 2, 28), 4, d(2021, 7, 7), "Inadequate"],
    ["SC800022", "Children's home", "REDACTED", "Private", "Walsall", "Resigned", d(2016, 1, 1),
     d(2024, 8, 1), 2, "-", "-"],
    ["SC800023", "Children's home", "REDACTED", "Private", "Walsall", "Cancelled", d(2017, 1, 1),
     d(2024, 9, 1), 2, d(2023, 1, 1), "4"],
]  # fmt: skip


def annual_workbook(fmt: str = "xlsx") -> bytes:
    """Cover, contents and notes sheets, then two tables each with title and notes rows above the header."""
    return workbook(
        {
            "Cover": [
                ["Children's social care data in England 2025"],
                ["Provider-level data: settings and places at 31 March 2025"],
                ["Official statistics"],
            ],
            "Contents": [
                ["Contents"],
                ["Sheet", "Table"],
                ["Providers", "Table 1: Providers and places at 31 March 2025"],
                ["Closed", "Table 2: Providers that closed in the year"],
            ],
            "Notes": [
                ["Notes"],
                ["URN", "Unique reference number of the setting"],
                ["Provision type", "The type of provision"],
                ["-", "Not applicable"],
            ],
            "Providers": [
                ["Table 1: Children's social care providers and places at 31 March 2025"],
                ["Source: Ofsted. Names of children's homes are withheld (REDACTED)."],
                [],
                ANNUAL_HEADER,
                *ANNUAL_PROVIDERS,
                [],
                ["Source: Ofsted, children's social care providers at 31 March 2025."],
                ["1. Places are the number of children a setting is registered for."],
            ],
            "Closed": [
                ["Table 2: Providers that closed between 1 April 2024 and 31 March 2025"],
                [],
                CLOSED_HEADER,
                *ANNUAL_CLOSED,
            ],
        },
        fmt,
    )


# --- Monthly management information (provider-level MI) ------------------------------------------------

MI_HEADER = [
    "URN",
    "Provider type",
    "Provider subtype",
    "Setting name",
    "Provider Status",
    "Registration date",
    "Closed date",
    "Local authority",
    "Region",
    "Sector",
    "Max Users",
    "Inspection type",
    "Inspection start date",
    "Overall effectiveness",
]
MI_ROWS = [
    ["SC800001", "Children's home", "Children's home", "REDACTED", "Active", "01/04/2015", "-", "Walsall",
     "West Midlands", "Private", "4", "Full inspection", "05/11/2024", "Good"],
    ["SC800001", "Children's home", "Children's home", "REDACTED", "Active", "01/04/2015", "-", "Walsall",
     "West Midlands", "Private", "4", "Interim inspection", "20/05/2025", "Improved effectiveness"],
    ["SC800002", "Children's home", "Children's home", "REDACTED", "Active", "10/01/2019", "-", "Walsall",
     "West Midlands", "Private", "3", "Monitoring visit", "01/04/2025", "Declined in effectiveness"],
    ["SC800030", "Children's home", "Secure Unit", "Example Secure Unit", "Active", "01/01/2000", "-",
     "Sandwell", "West Midlands", "Local Authority", "8", "Full inspection", "02/02/2025", "Good"],
    ["SC800031", "Children's home", "Children's home", "REDACTED", "Closed", "01/01/2018", "31/01/2025",
     "Walsall", "West Midlands", "Private", "-", "Full inspection", "03/03/2023", "Requires improvement to be good"],
    ["SC800032", "Children's home", "Children's home", "REDACTED", "Deregistered", "01/01/2018", "28/02/2025",
     "Walsall", "West Midlands", "Private", "2", "-", "-", "-"],
    ["SC800033", "Children's home", "Children's home", "REDACTED", "Dormant", "01/01/2018", "-",
     "Walsall", "West Midlands", "Private", "2", "-", "-", "-"],
]  # fmt: skip


def monthly_mi_rows() -> Grid:
    return [["Management information: children's social care providers, 31 May 2025"], MI_HEADER, *MI_ROWS]


def monthly_mi_csv() -> bytes:
    return csv_bytes(monthly_mi_rows())


def monthly_mi_workbook(fmt: str = "xlsx") -> bytes:
    return workbook(
        {"Notes": [["About this data"], ["Published monthly"]], "Providers": monthly_mi_rows()}, fmt
    )


# --- The children's homes list ---------------------------------------------------------------------------

CH_HEADER = [
    "Local Authority",
    "URN",
    "Provider Type",
    "Provider Subtype",
    "Sector",
    "Setting Name",
    "Postcode Area",
    "Registration Date",
    "Provider Status",
    "Closed Date",
    "Max Users",
    "Full Inspection Start Date",
    "Overall Effectiveness",
    "CYP Safety",
    "Interim Inspection Start Date",
    "Interim Inspection Overall Effectiveness",
    "Setting Address Postcode",
    "Owner Name",
]
CH_ROWS = [
    ["Walsall", "SC800040", "Childrens Home", "Children's home", "Private", "Synthetic House", "WS1",
     d(2018, 3, 3), "Active", "-", 4, d(2024, 9, 9), "Good", "Good", d(2025, 3, 3), "Improved effectiveness",
     "WS1 1ZZ", "Synthetic Homes Ltd"],
    ["Walsall", "SC800041", "Childrens Home", "Secure Unit", "Local Authority", "Synthetic Secure", "WS2",
     d(2000, 1, 1), "Active", "-", 6, d(2024, 10, 10), "Outstanding", "Outstanding", "-", "-", "-",
     "Walsall"],
    ["Sandwell", "SC800042", "Childrens Home", "Children's home", "Private", "Synthetic Lodge", "B70",
     d(2016, 6, 6), "Closed", d(2025, 1, 31), 3, d(2023, 2, 2), "Inadequate", "Inadequate", "-", "-",
     "B70 9ZZ", "Lodge Care Ltd"],
    ["Walsall", "SC800043", "Childrens Home", "Children's home", "Private", "Synthetic Grange", "WS3",
     d(2025, 1, 1), "Active", "-", "four", "-", "-", "-", "-", "-", "WS3 3ZZ", "Grange Care Ltd"],
]  # fmt: skip


def childrens_homes_list(fmt: str = "xlsx", *, title_rows: bool = False) -> bytes:
    titles: Grid = [["Children's homes in the region: provider information"], []] if title_rows else []
    return workbook(
        {
            "Provider information": [*titles, CH_HEADER, *CH_ROWS],
            "Registration Conditions": [
                [
                    "Local Authority",
                    "URN",
                    "Setting Name",
                    "Postcode Area",
                    "Conditions",
                    "Multi Building CH",
                ],
                ["Walsall", "SC800040", "Synthetic House", "WS1", "Up to 4 children aged 8 to 17", "No"],
            ],
        },
        fmt,
    )


# --- The SCP/CH list: "Providers" and "SA Providers" ----------------------------------------------------

SCP_HEADER = [
    "Local authority",
    "URN",
    "Provider type",
    "Provider subtype",
    "Sector",
    "Provider name",
    "Registration date",
    "Registration status",
    "Deregistration date",
    "Placement code",
    "Provider postcode",
    "Owner type",
    "Owner name",
    "Region",
    "Date of last full inspection",
    "Overall effectiveness",
    "CYP safety",
    "Interim inspection overall effectiveness",
    "Number of registered places",
    "Linked school overall effectiveness",
]
SCP_ROWS = [
    ["Walsall", "SC800050", "Children's Home", "Children's home", "Private", "Synthetic Court", d(2019, 1, 1),
     "Registered", "-", "K2", "WS4 4ZZ", "Organisation", "Court Care Ltd", "West Midlands", d(2024, 4, 4),
     "Requires improvement to be good", "Good", "Sustained effectiveness", 5, "Good"],
    ["Walsall", "SC800051", "Local Authority Fostering Agency", None, "Local Authority", "Walsall Fostering",
     d(2010, 1, 1), "Registered", "-", "U1", "WS1 2ZZ", "Organisation", "Walsall", "West Midlands", ILACS,
     ILACS, ILACS, None, "-", None],
    ["Sandwell", "SC800052", "Children's Home", "Children's home", "Private", "Synthetic Rise", d(2012, 1, 1),
     "Deregistered", d(2025, 3, 3), "K2", "B71 1ZZ", "Organisation", "Rise Care Ltd", "West Midlands",
     d(2022, 2, 2), "Good", "Good", None, 3, None],
]  # fmt: skip
SA_HEADER = [
    "Provider local authority",
    "Setting local authority",
    "URN",
    "Provider type",
    "Sector",
    "Provider name",
    "Registration date",
    "Registration status",
    "Closed date",
    "Setting status",
    "Setting category",
    "Capacity",
    "Setting address postcode",
    "Owner name",
]
SA_ROWS = [
    ["Birmingham", "Walsall", "2800060", "Supported Accommodation", "Private", "Synthetic Supported Homes",
     d(2023, 10, 28), "Active", "-", "Active", "Shared", 3, "WS5 5ZZ", "Supported Homes Ltd"],
    ["Birmingham", "Walsall", "2800060", "Supported Accommodation", "Private", "Synthetic Supported Homes",
     d(2023, 10, 28), "Active", "-", "Active", "Single", 4, "WS5 6ZZ", "Supported Homes Ltd"],
    ["Birmingham", "Walsall", "2800060", "Supported Accommodation", "Private", "Synthetic Supported Homes",
     d(2023, 10, 28), "Active", "-", "Closed", "Shared", 5, "WS5 7ZZ", "Supported Homes Ltd"],
    ["Sandwell", "Sandwell", "2800061", "Supported Accomodation", "Voluntary", "Synthetic Lodgings",
     d(2023, 11, 1), "Active", "-", "Active", "Single", 2, "B70 1ZZ", "Lodgings Trust"],
    ["Sandwell", "Sandwell", "2800062", "Supported Accommodation", "Voluntary", "Closed Lodgings",
     d(2023, 11, 1), "Cancelled", d(2024, 12, 1), "Closed", "Single", 2, "B70 2ZZ", "Lodgings Trust"],
]  # fmt: skip


def scp_ch_list(fmt: str = "xlsx") -> bytes:
    return workbook({"Providers": [SCP_HEADER, *SCP_ROWS], "SA Providers": [SA_HEADER, *SA_ROWS]}, fmt)
