"""The placement register's models, one module per sub-domain, re-exported here so that
`from placements.models import Child` keeps working."""

from .finding import Approach, PlacementRequest, PlacementRequestEvent
from .imports import ImportFile, ImportJob, ImportQualityReport, QuarantinedRecord
from .national import (
    ComparatorGroup,
    NationalFigure,
    NationalStatisticsImport,
    StatisticalNeighbour,
    StatisticalNeighbourList,
)
from .reference import Inspection, Provider, ReferenceDataProposal, Setting
from .register import CareLeaverRecord, Child, PlacementEpisode, UnitCost
from .supply import (
    BlockContract,
    FosteringHousehold,
    FosteringRecruitmentMonth,
    FrameworkMembership,
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
    "FrameworkMembership",
    "ComparatorGroup",
    "FosteringRecruitmentMonth",
    "HouseholdPlacesUnavailable",
    "ImportFile",
    "ImportJob",
    "ImportQualityReport",
    "InHouseHome",
    "Inspection",
    "NationalFigure",
    "NationalStatisticsImport",
    "PlacementEpisode",
    "PlacementRequest",
    "PlacementRequestEvent",
    "Provider",
    "QuarantinedRecord",
    "ReferenceDataProposal",
    "Setting",
    "StatisticalNeighbour",
    "StatisticalNeighbourList",
    "UnitCost",
    "Vacancy",
]
