"""Choices for the placement register. Official codes are stored; labels are plain English."""

from django.db import models

from .categories import PLANNING_CATEGORY_LABELS


class SexChoices(models.TextChoices):
    """SSDA903 SEX, normalised to the 2024-25 convention (1 and 2 are read as M and F)."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown or not stated"


PlanningCategoryChoices = models.TextChoices(
    "PlanningCategoryChoices",
    [(key.upper(), (key, label)) for key, label in PLANNING_CATEGORY_LABELS.items()],
)


class ProvisionTypeChoices(models.TextChoices):
    """Ofsted provision types we plan with."""

    CHILDRENS_HOME = "childrens_home", "Children's home"
    SECURE_CHILDRENS_HOME = "secure_childrens_home", "Secure children's home"
    RESIDENTIAL_SPECIAL_SCHOOL = "residential_special_school", "Residential special school"
    INDEPENDENT_FOSTERING_AGENCY = "independent_fostering_agency", "Independent fostering agency"
    LOCAL_AUTHORITY_FOSTERING = "local_authority_fostering", "Local authority fostering service"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    RESIDENTIAL_FAMILY_CENTRE = "residential_family_centre", "Residential family centre"
    OTHER = "other", "Other"


class SectorChoices(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PRIVATE = "private", "Private"
    VOLUNTARY = "voluntary", "Voluntary"
    HEALTH = "health", "Health authority"


class RegistrationStatusChoices(models.TextChoices):
    """A setting's Ofsted registration. Only an active setting offers places (OFFERS_PLACES_STATUSES)."""

    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    RESIGNED = "resigned", "Resigned"
    CANCELLED = "cancelled", "Cancelled"
    CLOSED = "closed", "Closed"
    DEREGISTERED = "deregistered", "Deregistered"


#: Registration statuses under which a setting can take children. Suspended settings cannot (for now);
#: resigned, cancelled, closed and deregistered ones no longer exist as places.
OFFERS_PLACES_STATUSES = frozenset({RegistrationStatusChoices.ACTIVE})
#: Registration statuses that end a registration for good.
ENDED_STATUSES = frozenset(
    {
        RegistrationStatusChoices.RESIGNED,
        RegistrationStatusChoices.CANCELLED,
        RegistrationStatusChoices.CLOSED,
        RegistrationStatusChoices.DEREGISTERED,
    }
)


class JudgementChoices(models.TextChoices):
    """Ofsted overall judgements. Supported accommodation uses a 3-outcome scale (no Outstanding)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_YET_INSPECTED = "not_yet_inspected", "Not yet inspected"
    # Supported accommodation's 3-outcome model (SCCIF: supported accommodation, 2024): outcomes, not grades.
    SA_STRONG = "sa_strong", "Outcome 1: consistently strong service delivery"
    SA_INCONSISTENT = "sa_inconsistent", "Outcome 2: inconsistent quality of service delivery"
    SA_SERIOUS = "sa_serious", "Outcome 3: serious or widespread weaknesses"
    # States Ofsted's files hold outside the two scales (docs/ofsted-files.md says how each is treated).
    ILACS = "ilacs", "Inspected within the local authority's ILACS inspection"
    ADEQUATE = "adequate", "Adequate (earlier inspection framework)"
    MET = "met", "Met (standards met)"
    NOT_MET = "not_met", "Not met (standards not met)"


class JudgementScaleChoices(models.TextChoices):
    FOUR_POINT = "four_point", "Four-point scale (children's homes, fostering)"
    THREE_OUTCOME = "three_outcome", "Three-outcome scale (supported accommodation)"


class RouteChoices(models.TextChoices):
    """How a placement is bought (routes to market)."""

    IN_HOUSE = "in_house", "In-house"
    FRAMEWORK = "framework", "Framework"
    SPOT = "spot", "Spot purchase"
    BLOCK = "block", "Block contract"


class HouseholdRouteChoices(models.TextChoices):
    IN_HOUSE = "in_house", "In-house (the authority's own carers)"
    AGENCY = "agency", "Independent fostering agency"


class HouseholdStatusChoices(models.TextChoices):
    AVAILABLE = "available", "Available"
    ON_HOLD = "on_hold", "On hold"
    DEREGISTERED = "deregistered", "Deregistered"


class HouseholdTypeChoices(models.TextChoices):
    """What kind of fostering a household is approved for (occupancy is reported by it)."""

    MAINSTREAM = "mainstream", "Mainstream (long and short term)"
    SHORT_BREAK = "short_break", "Short breaks"
    PARENT_AND_CHILD = "parent_child", "Parent and child"
    EMERGENCY = "emergency", "Emergency and bridging"
    SPECIALIST = "specialist", "Specialist or therapeutic"


class PlacesUnavailableReasonChoices(models.TextChoices):
    """Why approved fostering places cannot be offered to a child for now."""

    CARERS_BREAK = "carers_break", "Carer's break"
    UNDER_INVESTIGATION = "investigation", "Under investigation"
    OWN_CHILDREN = "own_children", "Carer's own children"
    STAYING_PUT = "staying_put", "Staying put (young person aged 18 or over)"
    SIBLING_GROUP = "sibling_group", "Held for a sibling group kept together"


class DeregistrationReasonChoices(models.TextChoices):
    """Why a fostering household left (the reasons fostering panels record)."""

    RETIREMENT = "retirement", "Retirement or ill health"
    CHANGE_OF_CIRCUMSTANCES = "circumstances", "Change of circumstances"
    TRANSFER_TO_AGENCY = "to_agency", "Transferred to an agency"
    TRANSFER_TO_LA = "to_la", "Transferred to a local authority"
    SGO_OR_ADOPTION = "permanence", "Special guardianship or adoption of the child"
    STANDARDS = "standards", "Standards of care or allegation"
    OTHER = "other", "Other"


class FunnelRouteChoices(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    AGENCY = "agency", "Agency"


class DistanceMethodChoices(models.TextChoices):
    POSTCODE = "postcode", "Full postcodes"
    DISTRICT = "district", "Postcode district or sector centroid"


class ImportKindChoices(models.TextChoices):
    SSDA903 = "ssda903", "SSDA903 return"
    OFSTED = "ofsted", "Ofsted providers"


class JobStatusChoices(models.TextChoices):
    """The life of a background job: queued -> running -> succeeded | failed. Only the worker that
    claims a queued job (a conditional update) may run it, so a redelivered task does nothing."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


# Judgements a commissioner reads as "good or better" on either scale (for quality-of-supply measures).
GOOD_OR_BETTER_JUDGEMENTS = frozenset(
    {JudgementChoices.OUTSTANDING, JudgementChoices.GOOD, JudgementChoices.SA_STRONG}
)
# Judgements read as "below good": Requires improvement or Inadequate on either scale, the earlier
# framework's Adequate (the grade below Good then) and national minimum standards not met.
BELOW_GOOD_JUDGEMENTS = frozenset(
    {
        JudgementChoices.REQUIRES_IMPROVEMENT,
        JudgementChoices.INADEQUATE,
        JudgementChoices.SA_INCONSISTENT,
        JudgementChoices.SA_SERIOUS,
        JudgementChoices.ADEQUATE,
        JudgementChoices.NOT_MET,
    }
)
# States that are neither good nor bad: not yet inspected, judged within the authority's ILACS
# inspection, or standards met (a compliance check, not a grade). Left out of quality shares.
UNGRADED_JUDGEMENTS = frozenset(
    {JudgementChoices.NOT_YET_INSPECTED, JudgementChoices.ILACS, JudgementChoices.MET}
)


class HomeStatusChoices(models.TextChoices):
    """An in-house children's home's state: open homes count as capacity; a temporarily closed home's
    places are held but cannot be used; a closed home no longer counts."""

    OPEN = "open", "Open"
    TEMPORARILY_CLOSED = "temporarily_closed", "Temporarily closed"
    CLOSED = "closed", "Closed"


class VacancyStatusChoices(models.TextChoices):
    """A vacancy's life: open -> filled (a child moved in) | withdrawn (no longer offered). Only open
    vacancies count, and only while fresh (confirmed within settings.VACANCY_STALE_DAYS)."""

    OPEN = "open", "Open"
    FILLED = "filled", "Filled"
    WITHDRAWN = "withdrawn", "Withdrawn"


# --- Placement finding (placement requests: docs/domain.md section 5) --------------------------------------------


class UrgencyChoices(models.TextChoices):
    """How quickly a home is needed. Emergency and same-day searches count as "emergency" in the ledger."""

    PLANNED = "planned", "Planned"
    EMERGENCY = "emergency", "Emergency (within days)"
    SAME_DAY = "same_day", "Same day"


EMERGENCY_URGENCIES = frozenset({UrgencyChoices.EMERGENCY, UrgencyChoices.SAME_DAY})


class SuitabilityChoices(models.TextChoices):
    """What the child's plan says about a kind of placement (fostering, residential, supported)."""

    PREFERRED = "preferred", "Preferred"
    SUITABLE = "suitable", "Suitable but not preferred"
    UNSUITABLE = "unsuitable", "Unsuitable"


class RiskLevelChoices(models.TextChoices):
    """A risk rating on a placement request. Blank means not assessed."""

    NONE = "none", "None"
    LOW = "low", "Low"
    HIGH = "high", "High"


class NeedChoices(models.TextChoices):
    """Needs a placement must meet (a request may have several)."""

    DISABILITY = "disability", "Disability"
    MENTAL_HEALTH = "mental_health", "Mental health"
    EDUCATION = "education", "Education (special educational needs)"
    PHYSICAL_HEALTH = "physical_health", "Physical health or medical needs"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    PARENT_AND_CHILD = "parent_and_child", "Parent and child"


class StaffingRatioChoices(models.TextChoices):
    """The least staffing the child needs (staff to child), beyond a setting's usual staffing."""

    USUAL = "", "Usual staffing"
    ONE_TO_ONE = "1:1", "1 to 1"
    TWO_TO_ONE = "2:1", "2 to 1"
    THREE_TO_ONE = "3:1", "3 to 1"


class PlacementRequestStatusChoices(models.TextChoices):
    """The life of a placement request (placements.finding.lifecycle holds the allowed transitions):

    open -> searching -> offers received -> placed; a request that is not yet placed may be withdrawn
    (no longer needed) or closed as not placed (no home was found), each with a reason. Placed, withdrawn
    and not placed are final. When every offer has been declined the request goes back to searching.
    """

    OPEN = "open", "Open"
    SEARCHING = "searching", "Searching"
    OFFERS_RECEIVED = "offers_received", "Offers received"
    PLACED = "placed", "Placed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NOT_PLACED = "not_placed", "Not placed"


class CloseReasonChoices(models.TextChoices):
    """Why a request ended without a placement from the search (withdrawn or not placed)."""

    NO_SUITABLE_PLACEMENT = "no_suitable_placement", "No suitable placement found"
    NO_VACANCY = "no_vacancy", "No vacancy anywhere suitable"
    UNREGISTERED = "unregistered", "Child placed in an unregistered setting"
    RETURNED_HOME = "returned_home", "Child returned home or to family"
    PLAN_CHANGED = "plan_changed", "Care plan changed: placement no longer needed"
    CURRENT_PLACEMENT_HELD = "current_placement_held", "Current placement stabilised"
    DUPLICATE = "duplicate", "Duplicate request"
    OTHER = "other", "Other"


class ApproachStatusChoices(models.TextChoices):
    """An approach to a provider or carer: awaiting a reply -> offered (a place is offered) -> accepted
    (the child is placed there) | declined (by the provider, the authority or the child)."""

    AWAITING = "awaiting", "Awaiting reply"
    OFFERED = "offered", "Offer received"
    ACCEPTED = "accepted", "Offer accepted"
    DECLINED = "declined", "Declined"


class DeclineReasonChoices(models.TextChoices):
    """Why an approach or an offer did not lead to a placement (coded, for the unmet-need ledger)."""

    NO_VACANCY = "NO_VACANCY", "No vacancy"
    CANNOT_MEET_NEEDS = "CANNOT_MEET_NEEDS", "Cannot meet the child's needs"
    RISK_TO_OTHERS = "RISK_TO_OTHERS", "Risk to or from other children"
    MATCHING = "MATCHING", "Matching with the children already there"
    SIBLING_GROUP = "SIBLING_GROUP", "Cannot take the sibling group together"
    LOCATION = "LOCATION", "Location"
    COST = "COST", "Cost"
    DECLINED_BY_LA = "DECLINED_BY_LA", "Declined by the authority"
    DECLINED_BY_CHILD = "DECLINED_BY_CHILD", "Declined by the child or family"
    OTHER = "OTHER", "Other"


class DeclinedByChoices(models.TextChoices):
    PROVIDER = "provider", "The provider or carer"
    AUTHORITY = "authority", "The authority"
    CHILD = "child", "The child or family"


class SiblingsOutcomeChoices(models.TextChoices):
    """For a child to be placed with siblings: were they placed together?"""

    NOT_APPLICABLE = "", "No siblings to place with"
    TOGETHER = "together", "Placed together"
    SPLIT = "split", "Placed apart"


class PlacementRequestEventChoices(models.TextChoices):
    """What a line of a request's history records."""

    CREATED = "created", "Request logged"
    UPDATED = "updated", "Details changed"
    TRANSITION = "transition", "Status changed"
    APPROACHED = "approached", "Referral sent"
    OFFER = "offer", "Offer received"
    DECLINED = "declined", "Declined"
    EPISODE_LINKED = "episode_linked", "Linked to the SSDA903 episode"


class ReferenceDatasetChoices(models.TextChoices):
    """The national data sets an authority may propose changes to."""

    OFSTED = "ofsted", "Ofsted providers and inspections"
    NATIONAL_STATISTICS = "dfe_cla", "DfE statistics of children looked after"


class ProposalStatusChoices(models.TextChoices):
    """Where a proposed change to national data stands. Only a platform data steward moves it on from
    pending, and only once: published values are written to the national register, rejected ones never."""

    PENDING = "pending", "Awaiting review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
