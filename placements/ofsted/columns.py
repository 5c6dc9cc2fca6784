"""The columns of Ofsted's provider files, by every name they have been published under, and the
words Ofsted uses in their cells, mapped to the register's codes.

Headers are compared after `normalise_header` (lower case, '&' read as 'and', punctuation and repeated
spaces dropped), so "Provision Type", " provision type " and "PROVISION_TYPE" are one column. The annual
and monthly files differ slightly in wording; every known wording is an alias here. Columns we do not
use are ignored.
"""

from __future__ import annotations

import re

# Canonical column -> the normalised headers it is published under: the monthly management information
# (provider-level MI), the annual "Children's social care data in England" provider-level workbook, and
# the provider lists councils receive (the children's homes list; the SCP/CH list with its "Providers"
# and "SA Providers" sheets).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "urn": ("urn", "ofsted urn", "unique reference number", "provider urn", "setting urn"),
    "name": ("setting name", "provider name", "name", "name of setting"),
    "provision_type": (
        "provision type",
        "provider type",
        "setting type",
        "type of provision",
        "type of provider",
    ),
    "provision_subtype": ("provider subtype", "provision subtype", "setting subtype", "provider sub type"),
    "registration_date": (
        "registration date",
        "date of registration",
        "registered date",
        "first registration date",
    ),
    "registration_status": (
        "registration status",
        "provider status",
        "status",
        "setting registration status",
        "provider registration status",
    ),
    "closed_date": (
        "closed date",
        "date closed",
        "closure date",
        "deregistration date",
        "deregistered date",
        "date of deregistration",
        "date deregistered",
        "date of closure",
    ),
    "local_authority": (
        "local authority",
        "local authority name",
        "la",
        "la name",
        "local authority area",
        "setting local authority",
        "setting la",
    ),
    "region": ("region", "ofsted region", "government office region", "setting region"),
    "sector": ("sector", "provider sector", "ownership", "ownership type"),
    "places": (
        "places",
        "registered places",
        "number of registered places",
        "number of places",
        "maximum users",
        "max users",
        "registered places total",
    ),
    # Supported accommodation lists give each of a provider's settings (premises) a capacity.
    "capacity": ("capacity", "setting capacity"),
    "setting_status": ("setting status",),
    "owner": (
        "organisation which owns the provider",
        "organisation that owns the provider",
        "owner",
        "owner name",
        "provider organisation",
        "organisation name",
        "registered provider",
    ),
    "postcode": (
        "setting postcode",
        "setting address postcode",
        "postcode",
        "provider postcode",
        "provider address postcode",
        "post code",
    ),
    "postcode_district": ("postcode area", "postcode district", "setting postcode district"),
    "inspection_date": (
        "inspection date",
        "latest full inspection date",
        "date of latest full inspection",
        "date of last full inspection",
        "last full inspection date",
        "full inspection date",
        "full inspection start date",
        "latest full inspection start date",
        "inspection start date",
        "latest inspection date",
        "date of inspection",
    ),
    "inspection_type": ("inspection type", "event type", "type of inspection", "inspection event type"),
    "judgement": (
        "overall experiences and progress of children and young people",
        "overall experiences and progress of young people",
        "overall experiences and progress of children",
        "overall effectiveness",
        "overall effectiveness grade",
        "latest overall effectiveness grade from last full inspection",
        "latest overall effectiveness",
        "full inspection overall effectiveness",
        "overall judgement",
        "overall outcome",
        "inspection outcome",
    ),
}

# Long judgement headers carry words around them ("(latest full inspection)", "Latest ... grade from last
# full inspection"): a header naming one of these is the judgement, unless it names another inspection.
JUDGEMENT_HEADER_WORDS = ("overall experiences and progress", "overall effectiveness")
NOT_THE_FULL_JUDGEMENT_WORDS = ("interim", "monitoring", "assurance", "linked school", "previous", "prior")

REQUIRED_COLUMNS = ("urn", "provision_type")
# A header row names the required columns and at least this many known columns in all: a sheet such as
# "Registration Conditions" names the URN and a few details but no provision type and is not read.
MIN_KNOWN_COLUMNS = 3

COLUMN_LABELS = {
    "urn": "URN",
    "name": "Setting name",
    "provision_type": "Provision type",
    "provision_subtype": "Provider subtype",
    "registration_date": "Registration date",
    "registration_status": "Registration status",
    "closed_date": "Closed date",
    "local_authority": "Local authority",
    "region": "Region",
    "sector": "Sector",
    "places": "Places",
    "capacity": "Capacity",
    "setting_status": "Setting status",
    "owner": "Organisation which owns the provider",
    "postcode": "Postcode",
    "postcode_district": "Postcode area",
    "inspection_date": "Inspection date",
    "inspection_type": "Inspection type",
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
    if any(word in key for word in JUDGEMENT_HEADER_WORDS) and not any(
        word in key for word in NOT_THE_FULL_JUDGEMENT_WORDS
    ):
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
    ("supported accomodation", SUPPORTED_ACCOMMODATION),  # as some lists spell it
    ("residential special school", RESIDENTIAL_SPECIAL_SCHOOL),
    ("secure childrens home", SECURE_CHILDRENS_HOME),
)

# The children's homes list gives secure homes as Provider type "Children's Home", subtype "Secure Unit".
SECURE_SUBTYPE_PREFIX = "secure"

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
    "closed": "closed",
    "deregistered": "deregistered",
    "de registered": "deregistered",
}
# A setting's status on a supported accommodation list: its capacity no longer counts once it is one of these.
ENDED_SETTING_STATUS_PREFIXES = (
    "closed",
    "inactive",
    "deregistered",
    "de registered",
    "cancelled",
    "resigned",
)

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
ILACS = "ilacs"
ADEQUATE = "adequate"
MET = "met"
NOT_MET = "not_met"

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
# States outside both scales, kept as such (normalised text -> code). Matched by the text's start, so
# "Not provided as service is inspected as part of the ILACS inspection" and its variants are one state.
OTHER_STATES: tuple[tuple[str, str], ...] = (
    ("not provided as service is inspected as part of the ilacs", ILACS),
    ("not provided as the service is inspected as part of the ilacs", ILACS),
    ("inspected as part of the ilacs", ILACS),
    ("inspected under ilacs", ILACS),
    ("ilacs", ILACS),
    ("adequate", ADEQUATE),
    ("not met", NOT_MET),
    ("met", MET),
)
# Interim inspections and monitoring visits say how a setting has moved since its last full inspection;
# they are not a full judgement, which stands until the next full inspection.
INTERIM_OUTCOMES = (
    "improved effectiveness",
    "sustained effectiveness",
    "declined in effectiveness",
    "no change in effectiveness",
)
INTERIM_INSPECTION_TYPE_WORDS = ("interim", "monitoring", "assurance", "emergency")
# Cells meaning "nothing here" in every column (published files use "-" for not applicable).
BLANK_CELLS = frozenset({"", "-", "\u2013", "\u2014", ".", "..", "n/a", "na", "n.a.", "null", "#n/a"})

REDACTED = "redacted"
