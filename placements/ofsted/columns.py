"""The columns of Ofsted's provider files, by every name they have been published under, and the
words Ofsted uses in their cells, mapped to the register's codes.

Headers are compared after `normalise_header` (lower case, '&' read as 'and', punctuation and repeated
spaces dropped), so "Provision Type", " provision type " and "PROVISION_TYPE" are one column. The annual
and monthly files differ slightly in wording; every known wording is an alias here. Columns we do not
use are ignored.
"""

from __future__ import annotations

import re

# Canonical column -> the normalised headers it is published under.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "urn": ("urn", "ofsted urn", "unique reference number", "provider urn", "setting urn"),
    "name": ("setting name", "provider name", "name", "name of setting"),
    "provision_type": (
        "provision type",
        "provider type",
        "setting type",
        "type of provision",
        "provider subtype",
    ),
    "registration_date": (
        "registration date",
        "date of registration",
        "registered date",
        "first registration date",
    ),
    "registration_status": ("registration status", "provider status", "status"),
    "closed_date": ("closed date", "date closed", "closure date", "deregistration date", "date of closure"),
    "local_authority": ("local authority", "local authority name", "la", "la name", "local authority area"),
    "region": ("region", "ofsted region", "government office region"),
    "sector": ("sector", "provider sector"),
    "places": (
        "places",
        "registered places",
        "number of registered places",
        "number of places",
        "maximum users",
        "max users",
    ),
    "owner": (
        "organisation which owns the provider",
        "organisation that owns the provider",
        "owner",
        "owner name",
        "provider organisation",
        "organisation name",
        "registered provider",
    ),
    "postcode": ("setting postcode", "postcode", "provider postcode", "post code"),
    "inspection_date": (
        "inspection date",
        "latest full inspection date",
        "date of latest full inspection",
        "inspection start date",
        "latest inspection date",
    ),
    "judgement": (
        "overall experiences and progress of children and young people",
        "overall experiences and progress of young people",
        "overall experiences and progress of children",
        "overall effectiveness",
        "overall judgement",
        "overall outcome",
        "inspection outcome",
    ),
}

# Long judgement headers carry suffixes such as "(latest full inspection)": matched by their start.
JUDGEMENT_HEADER_PREFIXES = ("overall experiences and progress", "overall effectiveness")

REQUIRED_COLUMNS = ("urn", "provision_type")

COLUMN_LABELS = {
    "urn": "URN",
    "name": "Setting name",
    "provision_type": "Provision type",
    "registration_date": "Registration date",
    "registration_status": "Registration status",
    "closed_date": "Closed date",
    "local_authority": "Local authority",
    "region": "Region",
    "sector": "Sector",
    "places": "Places",
    "owner": "Organisation which owns the provider",
    "postcode": "Postcode",
    "inspection_date": "Inspection date",
    "judgement": "Overall experiences and progress of children and young people",
}

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise_header(text: object) -> str:
    """A header as compared: lower case, '&' read as 'and', apostrophes dropped, other punctuation a space."""
    value = str(text or "").replace("\ufeff", "").lower().replace("&", " and ")
    value = value.replace("'", "").replace("\u2019", "")
    return _NOT_WORD.sub(" ", value).strip()


def match_column(header: object) -> str | None:
    """The canonical column a header is, or None for a column we do not use."""
    key = normalise_header(header)
    if not key:
        return None
    for canonical, aliases in COLUMN_ALIASES.items():
        if key in aliases:
            return canonical
    if key.startswith(JUDGEMENT_HEADER_PREFIXES):
        return "judgement"
    return None


# --- Local authority names ---------------------------------------------------------------------------------

_AUTHORITY_AFFIXES = re.compile(
    r"^(the |city of |county of |county |royal borough of |london borough of |metropolitan borough of |"
    r"borough of )|( city of| county of| city council| county council| borough council| council| city)$"
)


def authority_key(name: object) -> str:
    """A local authority's name reduced so that Ofsted's and the DfE's spellings meet:
    "Bristol, City of", "City of Bristol" and "Bristol" are one key; so are "Telford & Wrekin" and
    "Telford and Wrekin", "St. Helens" and "St Helens", "County Durham" and "Durham"."""
    key = normalise_header(name)
    previous = None
    while key != previous:
        previous = key
        key = _AUTHORITY_AFFIXES.sub("", key).strip()
    return key


# --- Cell values -------------------------------------------------------------------------------------------
# Values are the register's codes (placements.choices); tests check the two stay in step.

CHILDRENS_HOME = "childrens_home"
SECURE_CHILDRENS_HOME = "secure_childrens_home"
RESIDENTIAL_SPECIAL_SCHOOL = "residential_special_school"
INDEPENDENT_FOSTERING_AGENCY = "independent_fostering_agency"
LOCAL_AUTHORITY_FOSTERING = "local_authority_fostering"
SUPPORTED_ACCOMMODATION = "supported_accommodation"
RESIDENTIAL_FAMILY_CENTRE = "residential_family_centre"
OTHER_PROVISION = "other"

PROVISION_TYPES: dict[str, str] = {
    "childrens home": CHILDRENS_HOME,
    "children home": CHILDRENS_HOME,
    "secure childrens home": SECURE_CHILDRENS_HOME,
    "independent fostering agency": INDEPENDENT_FOSTERING_AGENCY,
    "ifa": INDEPENDENT_FOSTERING_AGENCY,
    "local authority fostering agency": LOCAL_AUTHORITY_FOSTERING,
    "local authority fostering service": LOCAL_AUTHORITY_FOSTERING,
    "la fostering agency": LOCAL_AUTHORITY_FOSTERING,
    "residential family centre": RESIDENTIAL_FAMILY_CENTRE,
}
PROVISION_TYPE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("supported accommodation", SUPPORTED_ACCOMMODATION),
    ("residential special school", RESIDENTIAL_SPECIAL_SCHOOL),
    ("secure childrens home", SECURE_CHILDRENS_HOME),
)

SECTORS: dict[str, str] = {
    "local authority": "local_authority",
    "la": "local_authority",
    "private": "private",
    "voluntary": "voluntary",
    "health authority": "health",
    "health": "health",
}

REGISTRATION_STATUSES: dict[str, str] = {
    "active": "active",
    "registered": "active",
    "suspended": "suspended",
    "resigned": "resigned",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}

FOUR_POINT = "four_point"
THREE_OUTCOME = "three_outcome"

OUTSTANDING = "outstanding"
GOOD = "good"
REQUIRES_IMPROVEMENT = "requires_improvement"
INADEQUATE = "inadequate"
NOT_YET_INSPECTED = "not_yet_inspected"
SA_STRONG = "sa_strong"
SA_INCONSISTENT = "sa_inconsistent"
SA_SERIOUS = "sa_serious"

# Ofsted's 4-point judgement, as a grade number or in words.
FOUR_POINT_JUDGEMENTS: dict[str, str] = {
    "1": OUTSTANDING,
    "outstanding": OUTSTANDING,
    "2": GOOD,
    "good": GOOD,
    "3": REQUIRES_IMPROVEMENT,
    "requires improvement": REQUIRES_IMPROVEMENT,
    "requires improvement to be good": REQUIRES_IMPROVEMENT,
    "4": INADEQUATE,
    "inadequate": INADEQUATE,
}
# Supported accommodation's 3 outcomes (SCCIF: supported accommodation), as a number or in words.
THREE_OUTCOME_JUDGEMENTS: dict[str, str] = {
    "1": SA_STRONG,
    "outcome 1": SA_STRONG,
    "2": SA_INCONSISTENT,
    "outcome 2": SA_INCONSISTENT,
    "3": SA_SERIOUS,
    "outcome 3": SA_SERIOUS,
}
THREE_OUTCOME_PREFIXES: tuple[tuple[str, str], ...] = (
    ("consistently strong", SA_STRONG),
    ("inconsistent", SA_INCONSISTENT),
    ("serious or widespread", SA_SERIOUS),
)
NOT_INSPECTED_WORDS = frozenset(
    {
        "",
        "not yet inspected",
        "not inspected",
        "no judgement",
        "none",
        "n a",
        "na",
        "not applicable",
        "awaiting inspection",
    }
)

REDACTED = "redacted"
