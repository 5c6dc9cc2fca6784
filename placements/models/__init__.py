"""The placement register's models, one module per sub-domain, re-exported here so that
`from placements.models import Child` keeps working."""

from .finding import Approach, PlacementRequest, PlacementRequestEvent
from .imports import ImportFile, ImportJob, ImportQualityReport, QuarantinedRecord
from .reference import Inspection, Provider, Setting
from .register import CareLeaverRecord, Child, PlacementEpisode, UnitCost
from .supply import (
    BlockContract,
    FosteringHousehold,
    FosteringRecruitmentMonth,
    HouseholdPlacesUnavailable,
    InHouseHome,
    Vacancy,
)

__all__ = [
    "Approach",
    "BlockContract",
    "CareLeaverRecord",
    "Child",
    "FosteringHousehold",
    "FosteringRecruitmentMonth",
    "HouseholdPlacesUnavailable",
    "ImportFile",
    "ImportJob",
    "ImportQualityReport",
    "InHouseHome",
    "Inspection",
    "PlacementEpisode",
    "PlacementRequest",
    "PlacementRequestEvent",
    "Provider",
    "QuarantinedRecord",
    "Setting",
    "UnitCost",
    "Vacancy",
]
