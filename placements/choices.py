"""Choices for the placement register. Official codes are stored; labels are plain English."""

from django.db import models

from .categories import PLANNING_CATEGORY_LABELS


class SexChoices(models.TextChoices):
    """SSDA903 SEX, normalised to the 2024-25 convention (1 and 2 are read as M and F)."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown or not stated"


PlanningCategoryChoices = models.TextChoices(  # type: ignore[misc]
    "PlanningCategoryChoices", [(key.upper(), (key, label)) for key, label in PLANNING_CATEGORY_LABELS.items()]
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
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    RESIGNED = "resigned", "Resigned"
    CANCELLED = "cancelled", "Cancelled"


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
