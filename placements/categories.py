"""Planning categories, age bands and SSDA903 code lists: the one place they are defined.

Every SSDA903 episode has a PLACE (placement type) and a PLACE_PROVIDER code; together they give the
*planning category* that sufficiency strategies plan and cost by (docs/domain.md section 2). This module is
pure Python (no Django imports) so that the importer, the counting rules, the forecasting engine and the
demo generator all share exactly one mapping.
"""

from __future__ import annotations

import datetime as dt

# --- Planning categories (the keys of cic_snapshot's by_category, in display order) -------------------
FOSTERING_INHOUSE = "fostering_inhouse"
FOSTERING_EXTERNAL = "fostering_external"
FOSTERING_KINSHIP = "fostering_kinship"
RESIDENTIAL_INHOUSE = "residential_inhouse"
RESIDENTIAL_EXTERNAL = "residential_external"
RESIDENTIAL_SECURE = "residential_secure"
RESIDENTIAL_SCHOOL = "residential_school"
SUPPORTED = "supported"
WITH_PARENTS = "with_parents"
ADOPTION = "adoption"
OTHER = "other"
TEMPORARY = "temporary"

PLANNING_CATEGORIES: tuple[str, ...] = (
    FOSTERING_INHOUSE,
    FOSTERING_EXTERNAL,
    FOSTERING_KINSHIP,
    RESIDENTIAL_INHOUSE,
    RESIDENTIAL_EXTERNAL,
    RESIDENTIAL_SECURE,
    RESIDENTIAL_SCHOOL,
    SUPPORTED,
    WITH_PARENTS,
    ADOPTION,
    OTHER,
    TEMPORARY,
)

PLANNING_CATEGORY_LABELS: dict[str, str] = {
    FOSTERING_INHOUSE: "Fostering: in-house",
    FOSTERING_EXTERNAL: "Fostering: external (IFA or another LA)",
    FOSTERING_KINSHIP: "Fostering: kinship / connected carers",
    RESIDENTIAL_INHOUSE: "Residential: in-house children's home",
    RESIDENTIAL_EXTERNAL: "Residential: external children's home",
    RESIDENTIAL_SECURE: "Residential: secure",
    RESIDENTIAL_SCHOOL: "Residential: school / other residential",
    SUPPORTED: "Supported accommodation (16-17)",
    WITH_PARENTS: "Placed with parents",
    ADOPTION: "Placed for adoption",
    OTHER: "Other (health, mother-and-baby, custody, other)",
    TEMPORARY: "Temporary placement",
}

# Coarser groups used by the demand-model community (docs/domain.md section 2).
COARSE_GROUPS: dict[str, tuple[str, ...]] = {
    "FOSTERING": (FOSTERING_INHOUSE, FOSTERING_EXTERNAL, FOSTERING_KINSHIP),
    "RESIDENTIAL": (RESIDENTIAL_INHOUSE, RESIDENTIAL_EXTERNAL, RESIDENTIAL_SECURE, RESIDENTIAL_SCHOOL),
    "SUPPORTED": (SUPPORTED,),
    "OTHER": (WITH_PARENTS, ADOPTION, OTHER, TEMPORARY),
}

# --- SSDA903 code lists ---------------------------------------------------------------------------------
PLACE_CODES: dict[str, str] = {
    "A3": "Placed for adoption: consent, with current foster carer",
    "A4": "Placed for adoption: consent, not with current foster carer",
    "A5": "Placed for adoption: placement order, with current foster carer",
    "A6": "Placed for adoption: placement order, not with current foster carer",
    "H5": "Semi-independent living accommodation not subject to children's homes regulations",
    "K1": "Secure children's home",
    "K2": "Children's home subject to children's homes regulations",
    "K3": "Supported accommodation (registered with Ofsted)",
    "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
    "P2": "Independent living (e.g. flat, lodgings, bedsit)",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/health trust or other establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "Independent residential school",
    "T0": "Temporary: all types of temporary move",
    "T1": "Temporary: periods in hospital",
    "T2": "Temporary: absence in a holiday",
    "T3": "Temporary: accommodated by the LA in a period of the child's own carer's absence",
    "T4": "Temporary: other temporary move",
    "U1": "Foster placement with relative or friend: long-term fostering",
    "U2": "Foster placement with relative or friend who is a prospective adopter (FFA/concurrent)",
    "U3": "Foster placement with relative or friend: not long-term or FFA",
    "U4": "Foster placement with other foster carer: long-term fostering",
    "U5": "Foster placement with other foster carer who is a prospective adopter (FFA/concurrent)",
    "U6": "Foster placement with other foster carer: not long-term or FFA",
    "Z1": "Other placements",
    "Z11": "Other placements: with a parent in a family centre or mother and baby unit",
    "Z12": "Other placements: in a residential setting not registered with Ofsted",
    "Z13": "Other placements: in a non-residential setting not registered with Ofsted",
    "Z14": "Other placements: any other placement not covered elsewhere",
}

PLACE_PROVIDER_CODES: dict[str, str] = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the local authority)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (e.g. a primary care trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary / third sector provision",
}

RNE_CODES: dict[str, str] = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement only (same carer(s))",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (same carer(s)) at the same time",
}
NEW_PLACEMENT_RNE: frozenset[str] = frozenset({"S", "P", "T", "B", "U"})

LS_CODES: dict[str, str] = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks (individual episodes)",
    "V4": "Accommodated under an agreed series of short-term breaks (one record per year)",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with residence or fostering requirement",
}
SHORT_BREAK_LS: frozenset[str] = frozenset({"V3", "V4"})

CIN_CODES: dict[str, str] = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}

REC_CODES: dict[str, str] = {
    "X1": "Episode ceases and new episode begins on same day (still looked after)",
    "E11": "Adopted: application unopposed",
    "E12": "Adopted: consent dispensed with",
    "E13": "Left care to live with parent(s), relative(s) or other person(s)",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers (staying put)",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E41": "Residence order or child arrangements order granted",
    "E45": "Special guardianship order made to former foster carer(s) (relative or friend)",
    "E46": "Special guardianship order made to former foster carer(s) (other)",
    "E47": "Special guardianship order made to carer(s) other than former foster carer(s) (relative or friend)",
    "E48": "Special guardianship order made to carer(s) other than former foster carer(s) (other)",
    "E4A": "Returned home to live with parent(s) or relative(s) as part of the care plan",
    "E4B": "Returned home to live with parent(s) or relative(s) not as part of the care plan",
    "E5": "Moved into independent living arrangement and no longer looked after (supportive)",
    "E6": "Moved into independent living arrangement and no longer looked after (no formal support)",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
}
STILL_IN_CARE_REC = "X1"

REASON_PLACE_CHANGE_CODES: dict[str, str] = {
    "CARPL": "Change to or implementation of care plan",
    "CLOSE": "Resignation or closure of provision",
    "ALLEG": "Allegation (s47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer requests placement end due to child's behaviour",
    "CREQO": "Carer requests placement end: other reason",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible or area authority requests placement end",
    "PLACE": "Change in the status of the placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}

SEX_CODES: dict[str, str] = {"M": "Male", "F": "Female", "U": "Unknown or not stated"}
# 2023-24 and earlier returns used 1 and 2.
LEGACY_SEX: dict[str, str] = {"1": "M", "2": "F"}

ETHNIC_CODES: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

_FOSTERING_OTHER = frozenset({"U4", "U5", "U6"})
_FOSTERING_KINSHIP = frozenset({"U1", "U2", "U3"})
_RESIDENTIAL_HOME = frozenset({"K2", "R1"})
_RESIDENTIAL_SCHOOL = frozenset({"S1", "P3"})
_SUPPORTED = frozenset({"H5", "K3", "P2"})
_ADOPTION = frozenset({"A3", "A4", "A5", "A6"})
_OTHER = frozenset({"R2", "R3", "R5", "Z1", "Z11", "Z12", "Z13", "Z14"})
_TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})
_EXTERNAL_PROVIDERS = frozenset({"PR2", "PR3", "PR4", "PR5"})


def planning_category(place: str | None, place_provider: str | None) -> str:
    """Map an episode's PLACE and PLACE_PROVIDER to its planning category (docs/domain.md section 2).

    Fostering with other carers and children's homes split by provider: PR1 (own LA) is in-house,
    PR2-PR5 external. A foster or children's-home placement with a blank or PR0 provider cannot be
    in-house (the LA always records its own provision as PR1), so it is counted as external: this keeps
    every episode in exactly one category. An unknown PLACE code is "other".
    """
    place = (place or "").strip().upper()
    provider = (place_provider or "").strip().upper()
    if place in _FOSTERING_OTHER:
        return FOSTERING_INHOUSE if provider == "PR1" else FOSTERING_EXTERNAL
    if place in _FOSTERING_KINSHIP:
        return FOSTERING_KINSHIP
    if place in _RESIDENTIAL_HOME:
        return RESIDENTIAL_INHOUSE if provider == "PR1" else RESIDENTIAL_EXTERNAL
    if place == "K1":
        return RESIDENTIAL_SECURE
    if place in _RESIDENTIAL_SCHOOL:
        return RESIDENTIAL_SCHOOL
    if place in _SUPPORTED:
        return SUPPORTED
    if place == "P1":
        return WITH_PARENTS
    if place in _ADOPTION:
        return ADOPTION
    if place in _TEMPORARY:
        return TEMPORARY
    return OTHER


# --- Age bands (DfE) ------------------------------------------------------------------------------------
AGE_BANDS: tuple[str, ...] = ("under_1", "1_4", "5_9", "10_15", "16_17")
AGE_BAND_LABELS: dict[str, str] = {
    "under_1": "Under 1",
    "1_4": "1 to 4",
    "5_9": "5 to 9",
    "10_15": "10 to 15",
    "16_17": "16 to 17",
}
CARE_LEAVING_AGE = 18


def age_on(dob: dt.date, on: dt.date) -> int:
    """Age in completed years on a date (a child born on 29 February turns a year older on 1 March)."""
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


def age_band(age: int) -> str:
    """The DfE age band for an age in completed years (18 and over has no band: not a child in care)."""
    if age < 1:
        return "under_1"
    if age < 5:
        return "1_4"
    if age < 10:
        return "5_9"
    if age < 16:
        return "10_15"
    return "16_17"
