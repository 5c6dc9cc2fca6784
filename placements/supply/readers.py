"""Readers of the supply side's uploaded files: the fostering households CSV.

Pure Python and pandas, no Django, like the SSDA903 reader (`placements.ssda903`) and the Ofsted reader
(`placements.ofsted`): bytes in, validated rows and row-by-row problems out. Whether an agency's URN is a
known Ofsted setting is a question for the database, so the caller passes `agency_ids` (URNs to ids);
`placements.supply.services.households_import` does, and writes the rows only if there is no problem.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from placements.ofsted.columns import normalise_header

HOUSEHOLD_COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "household reference", "household ref", "household", "carer reference"),
    "route": ("route", "type", "household type"),
    "agency_urn": ("agency urn", "ifa urn", "urn"),
    "approval_date": ("approval date", "date approved", "approved"),
    "approved_places": ("approved places", "places", "number of places"),
    "age_min": ("age min", "minimum age", "age from", "youngest age"),
    "age_max": ("age max", "maximum age", "age to", "oldest age"),
    "status": ("status",),
    "deregistration_date": ("deregistration date", "date deregistered", "deregistered"),
    "postcode_district": ("postcode district", "district", "postcode"),
}
HOUSEHOLD_REQUIRED = ("reference", "route", "approval_date", "approved_places")
MAX_HOUSEHOLD_PLACES = 10
# Values of `placements.choices.HouseholdRouteChoices` and `HouseholdStatusChoices` (a test keeps them so).
IN_HOUSE, AGENCY = "in_house", "agency"
AVAILABLE, ON_HOLD, DEREGISTERED = "available", "on_hold", "deregistered"
_ROUTES = {
    "in house": IN_HOUSE,
    "inhouse": IN_HOUSE,
    "local authority": IN_HOUSE,
    "agency": AGENCY,
    "ifa": AGENCY,
    "independent fostering agency": AGENCY,
}
_STATUSES = {
    "available": AVAILABLE,
    "on hold": ON_HOLD,
    "deregistered": DEREGISTERED,
}
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass(frozen=True)
class HouseholdProblem:
    """One problem in the file: ``row`` is "" for the whole file, 1 for the header, 2 for the first row."""

    row: int | str
    column: str
    value: str
    message: str


@dataclass
class HouseholdsRead:
    """What the reader found: the rows counted, the valid households (field values by model field name,
    ``agency_id`` resolved) and every problem. Write nothing unless ``problems`` is empty."""

    rows: int = 0
    households: list[dict[str, Any]] = field(default_factory=list)
    problems: list[HouseholdProblem] = field(default_factory=list)


def _parse_date(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("must be a date, for example 27/03/2025")


def read_households(content: bytes, *, agency_ids: Callable[[set[str]], Mapping[str, int]]) -> HouseholdsRead:
    """Read and validate a CSV of an authority's fostering households (UTF-8, headers matched loosely).

    A file that is not a CSV, or lacks a required column, is one problem and no rows; otherwise every row
    is checked and each problem reported with its row and column.
    """
    read = HouseholdsRead()
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        read.problems.append(HouseholdProblem("", "", "", "The file must be a CSV file saved as UTF-8"))
        return read
    mapping: dict[str, str] = {}
    for column in frame.columns:
        key = normalise_header(column)
        for canonical, aliases in HOUSEHOLD_COLUMNS.items():
            if key in aliases and canonical not in mapping.values():
                mapping[column] = canonical
    frame = frame[list(mapping)].rename(columns=mapping)
    missing = [c for c in HOUSEHOLD_REQUIRED if c not in frame.columns]
    if missing:
        read.problems.append(
            HouseholdProblem(1, ", ".join(missing), "", f"The file needs the column(s): {', '.join(missing)}")
        )
        return read
    read.rows = len(frame)

    agency_urns = set(frame["agency_urn"].str.strip().str.upper()) - {""} if "agency_urn" in frame else set()
    agencies = dict(agency_ids(agency_urns))
    seen: set[str] = set()
    for index, raw in enumerate(frame.to_dict("records")):
        row_number = index + 2
        problems_before = len(read.problems)

        def error(column: str, value: Any, message: str, row_number: int = row_number) -> None:
            read.problems.append(HouseholdProblem(row_number, column, str(value), message))

        values = {k: str(v).strip() for k, v in raw.items()}
        if not any(values.values()):
            continue
        data: dict[str, Any] = {}
        reference = values.get("reference", "")
        if not reference or len(reference) > 20:
            error("reference", reference, "Enter the household reference (up to 20 characters)")
        elif reference in seen:
            error("reference", reference, "This household reference appears more than once in the file")
        seen.add(reference)
        route = _ROUTES.get(normalise_header(values.get("route")).replace("_", " "))
        if route is None:
            error("route", values.get("route"), "Route must be in-house or agency")
        data["route"] = route
        urn = values.get("agency_urn", "").upper()
        data["agency_id"] = agencies.get(urn) if urn else None
        if urn and urn not in agencies:
            error("agency_urn", urn, "No Ofsted setting has this URN: import the Ofsted file first")
        for column, required in (("approval_date", True), ("deregistration_date", False)):
            text = values.get(column, "")
            data[column] = None
            if text:
                try:
                    data[column] = _parse_date(text)
                except ValueError as exc:
                    error(column, text, f"{column.replace('_', ' ').capitalize()} {exc}")
            elif required:
                error(column, "", "Enter the approval date")
        for column, default, low, high in (
            ("approved_places", None, 0, MAX_HOUSEHOLD_PLACES),
            ("age_min", 0, 0, 20),
            ("age_max", 17, 0, 20),
        ):
            text = values.get(column, "")
            if not text and default is not None:
                data[column] = default
                continue
            if not text.isdigit() or not low <= int(text) <= high:
                error(
                    column,
                    text,
                    f"{column.replace('_', ' ').capitalize()} must be a whole number from {low} to {high}",
                )
                continue
            data[column] = int(text)
        ages = (data.get("age_min"), data.get("age_max"))
        if isinstance(ages[0], int) and isinstance(ages[1], int) and ages[0] > ages[1]:
            error("age_min", values.get("age_min"), "Minimum age must not be more than maximum age")
        status = _STATUSES.get(normalise_header(values.get("status")) or "available")
        if status is None:
            error("status", values.get("status"), "Status must be available, on hold or deregistered")
        data["status"] = status
        if status == DEREGISTERED and not data.get("deregistration_date"):
            error("deregistration_date", "", "Enter the date a deregistered household was deregistered")
        district = values.get("postcode_district", "").upper().replace(" ", "")
        if district and not _DISTRICT.match(district):
            error(
                "postcode_district",
                district[:4],
                "Give the postcode district only (for example WS1), never a full postcode",
            )
        data["postcode_district"] = district
        if len(read.problems) == problems_before:
            read.households.append({"reference": reference, **data})
    return read
