"""Reading a fostering recruitment funnel from CSV (no Django): one row per month and route.

Columns (header names, any order, case and spaces ignored): ``month`` (``yyyy-mm``, ``mm/yyyy`` or a
date ``dd/mm/yyyy``), ``route`` (``in_house``/``in-house`` or ``agency``), ``enquiries``,
``initial_visits``, ``applications``, ``assessments_started``, ``approvals``, and optionally
``approved_places``, ``deregistrations``, ``deregistered_places``, ``days_enquiry_to_approval`` and one
``dereg_<reason>`` column per deregistration reason code.

File-level problems (not UTF-8, no header, a required column missing) refuse the whole file with
:class:`FunnelFileError`; row-level problems are returned row by row and the row is left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from .funnel import FunnelMonth

REQUIRED = (
    "month",
    "route",
    "enquiries",
    "initial_visits",
    "applications",
    "assessments_started",
    "approvals",
)
OPTIONAL = ("approved_places", "deregistrations", "deregistered_places", "days_enquiry_to_approval")
ROUTES = {
    "in_house": "in_house",
    "inhouse": "in_house",
    "in-house": "in_house",
    "agency": "agency",
    "ifa": "agency",
}
REASON_PREFIX = "dereg_"
MAX_ROWS = 5000


class FunnelFileError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class FunnelReadResult:
    months: list[FunnelMonth] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def parse_month(text: str) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m", "%m/%Y", "%d/%m/%Y", "%Y-%m-%d", "%b %Y", "%B %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    raise ValueError(f"month '{text}' is not a month (use yyyy-mm)")


def read_funnel_csv(
    data: bytes, *, reason_codes: frozenset[str] | set[str] = frozenset()
) -> FunnelReadResult:
    """Read the file; ``reason_codes`` are the deregistration reasons accepted in ``dereg_<code>`` columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FunnelFileError("The file is not UTF-8 text: save it as CSV UTF-8 and try again.") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise FunnelFileError("The file is empty: the first row must name the columns.")
    keys = [_key(h) for h in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise FunnelFileError(f"The file has no column for: {', '.join(missing)}.")
    reason_columns = {k: k[len(REASON_PREFIX) :] for k in keys if k.startswith(REASON_PREFIX)}
    unknown = sorted(r for r in reason_columns.values() if r not in reason_codes)
    if unknown:
        raise FunnelFileError(f"Unknown deregistration reason columns: {', '.join(unknown)}.")
    result = FunnelReadResult()
    seen: dict[tuple[dt.date, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise FunnelFileError(f"The file has more than {MAX_ROWS} rows.")
        if not any(cell.strip() for cell in raw):
            continue
        row = dict(zip(keys, raw, strict=False))
        problems: list[str] = []
        try:
            month = parse_month(row.get("month", ""))
        except ValueError as exc:
            problems.append(str(exc))
            month = None
        route = ROUTES.get(_key(row.get("route", "")))
        if route is None:
            problems.append(f"route '{row.get('route', '').strip()}' must be in-house or agency")
        counts: dict[str, int | None] = {}
        for column in REQUIRED[2:] + OPTIONAL + tuple(reason_columns):
            cell = (row.get(column) or "").strip()
            if cell == "":
                counts[column] = None if column == "days_enquiry_to_approval" else 0
                continue
            if not cell.isdigit():
                problems.append(f"{column} '{cell}' must be a whole number of 0 or more")
                continue
            counts[column] = int(cell)
        reasons = {reason_columns[c]: counts.get(c) or 0 for c in reason_columns if counts.get(c)}
        deregistrations = counts.get("deregistrations") or 0
        if sum(reasons.values()) > deregistrations:
            problems.append("the deregistration reasons add up to more than the deregistrations")
        if month is not None and route is not None:
            if (month, route) in seen:
                problems.append(f"{month:%Y-%m} {route} is repeated (first on line {seen[(month, route)]})")
            else:
                seen[(month, route)] = line
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        assert month is not None and route is not None
        result.months.append(
            FunnelMonth(
                month=month,
                route=route,
                enquiries=counts["enquiries"] or 0,
                initial_visits=counts["initial_visits"] or 0,
                applications=counts["applications"] or 0,
                assessments_started=counts["assessments_started"] or 0,
                approvals=counts["approvals"] or 0,
                approved_places=counts.get("approved_places") or 0,
                deregistrations=deregistrations,
                deregistered_places=counts.get("deregistered_places") or 0,
                deregistration_reasons=reasons,
                days_enquiry_to_approval=counts.get("days_enquiry_to_approval"),
            )
        )
    return result
