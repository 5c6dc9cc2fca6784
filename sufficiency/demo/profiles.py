"""Published figures the demo region is built from, one profile per West Midlands authority.

Every number that a commissioner could recognise comes from the councils' own published sufficiency
documents where they publish it (each cited in ``sources``); the rest are *plausible* values for an
authority of that size and kind, and are marked as such. Nothing here describes a real child.

The 14 West Midlands authorities (docs/domain.md section 4) are all listed, because settings (children's homes,
fostering agencies, supported accommodation) are spread across the whole region and children are placed
across its boundaries. Only the authorities with ``simulate=True`` get children by default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuthorityProfile:
    """What the generator needs to know about one authority.

    ``in_care_target`` is the number of children in care the demo must show on the ``as_at`` date (the
    published figure where there is one). ``history`` holds published earlier counts used only to shape
    the trend of entries into care. Mix parameters describe how the authority places children.
    """

    dfe_code: str
    ons_code: str
    name: str
    kind: str  # "metropolitan" | "unitary" | "county"
    neighbours: tuple[str, ...]  # DfE codes of West Midlands authorities sharing a boundary
    simulate: bool = False
    in_care_target: int = 0
    population_0_17: int = 0  # ONS mid-year estimate of under-18s in population_year
    population_year: int = 2024
    population_growth: float = 0.003  # a year, used to extend the estimate to other years
    published_rate: float | None = None  # per 10,000, where the authority published it
    history: tuple[tuple[dt.date, int], ...] = ()
    inhouse_fostering_share: float = 0.5  # in-house share of non-kinship foster placements
    kinship_weight: float = 1.0
    residential_weight: float = 1.0
    supported_weight: float = 1.0
    parents_weight: float = 1.0
    far_weight: float = 1.0  # scales the chance of placements in non-neighbouring authorities
    own_weight: float = 1.0  # scales the chance of placements inside the authority's own boundary
    uasc_share: float = 0.08  # share of entries into care that are unaccompanied asylum-seeking children
    ethnicity: tuple[tuple[str, float], ...] = (("WBRI", 1.0),)
    inhouse_homes: tuple[
        tuple[str, int], ...
    ] = ()  # (name, registered places); first one may be short breaks
    inhouse_households: int = 0  # approved in-house fostering households now
    agency_households: int = 0  # IFA households living in the authority now
    private_homes: int = 10  # private/voluntary children's homes located in the authority
    supported_settings: int = 3
    cost_factor: float = 1.0
    bom: bool = False  # export files carry a UTF-8 byte-order mark
    crlf: bool = False  # export files use Windows line endings
    sources: tuple[str, ...] = field(default_factory=tuple)


_METRO_ETHNICITY = (
    ("WBRI", 0.62),
    ("WOTH", 0.03),
    ("MWBC", 0.09),
    ("MWBA", 0.02),
    ("MWAS", 0.03),
    ("MOTH", 0.04),
    ("AIND", 0.02),
    ("APKN", 0.04),
    ("ABAN", 0.01),
    ("AOTH", 0.02),
    ("BCRB", 0.02),
    ("BAFR", 0.03),
    ("BOTH", 0.01),
    ("OOTH", 0.01),
    ("NOBT", 0.01),
)
_SHIRE_ETHNICITY = (
    ("WBRI", 0.86),
    ("WOTH", 0.03),
    ("WIRT", 0.01),
    ("WROM", 0.01),
    ("MWBC", 0.03),
    ("MWAS", 0.01),
    ("MOTH", 0.02),
    ("AOTH", 0.01),
    ("BAFR", 0.01),
    ("OOTH", 0.01),
)
_SANDWELL_ETHNICITY = (
    ("WBRI", 0.512),
    ("WOTH", 0.04),
    ("MWBC", 0.11),
    ("MWBA", 0.02),
    ("MWAS", 0.03),
    ("MOTH", 0.04),
    ("AIND", 0.05),
    ("APKN", 0.05),
    ("ABAN", 0.02),
    ("AOTH", 0.02),
    ("BCRB", 0.04),
    ("BAFR", 0.04),
    ("BOTH", 0.01),
    ("OOTH", 0.018),
)
_DUDLEY_ETHNICITY = (  # Dudley 2021: White 75.4%, Mixed 16.7%, Black 4.2%, Asian 2.4%, Other 1.3%
    ("WBRI", 0.72),
    ("WOTH", 0.034),
    ("MWBC", 0.10),
    ("MWBA", 0.02),
    ("MWAS", 0.02),
    ("MOTH", 0.027),
    ("AIND", 0.008),
    ("APKN", 0.012),
    ("AOTH", 0.004),
    ("BCRB", 0.022),
    ("BAFR", 0.015),
    ("BOTH", 0.005),
    ("OOTH", 0.013),
)

AUTHORITIES: dict[str, AuthorityProfile] = {
    p.dfe_code: p
    for p in (
        AuthorityProfile(
            "330",
            "E08000025",
            "Birmingham",
            "metropolitan",
            ("333", "334", "335", "332", "860", "885", "937"),
            inhouse_homes=(("Elmstead House", 4), ("Kingsbury Lodge", 4), ("Northfield View", 3)),
            private_homes=60,
            supported_settings=10,
        ),
        AuthorityProfile(
            "331",
            "E08000026",
            "Coventry",
            "metropolitan",
            ("937", "334"),
            inhouse_homes=(("Wyken Lodge", 4), ("Canley House", 3)),
            private_homes=15,
            supported_settings=4,
        ),
        AuthorityProfile(
            "332",
            "E08000027",
            "Dudley",
            "metropolitan",
            ("333", "336", "860", "885", "330"),
            simulate=True,
            in_care_target=621,
            population_0_17=67_400,
            population_year=2021,
            history=((dt.date(2019, 3, 31), 659), (dt.date(2020, 3, 31), 623), (dt.date(2021, 3, 31), 621)),
            inhouse_fostering_share=0.48,
            kinship_weight=0.8,
            parents_weight=1.3,
            far_weight=2.2,
            uasc_share=0.04,
            ethnicity=_DUDLEY_ETHNICITY,
            inhouse_homes=(("Greenfield Lodge", 4), ("Sedgley View", 3)),
            inhouse_households=150,
            agency_households=150,
            private_homes=16,
            supported_settings=4,
            bom=True,
            own_weight=0.75,
            sources=(
                "Dudley Commissioning and Sufficiency Strategy 2021-23: 621 children in care at 31 March "
                "2021, 623 in 2020, 659 in 2019; c.55% placed in borough and 80% of out-of-borough "
                "placements within 20 miles; fostering evenly split between in-house and IFA carers "
                "(slightly more IFA); 31 external residential placements and 29 in supported accommodation "
                "at 31/3/21.",
                "Population 0-17 (67,400) and rate are plausible values, not published in the strategy.",
            ),
        ),
        AuthorityProfile(
            "333",
            "E08000028",
            "Sandwell",
            "metropolitan",
            ("330", "332", "335", "336"),
            simulate=True,
            in_care_target=848,
            population_0_17=82_995,
            population_year=2021,
            published_rate=102.0,
            history=((dt.date(2020, 3, 31), 900), (dt.date(2020, 11, 1), 859), (dt.date(2021, 11, 1), 848)),
            inhouse_fostering_share=0.47,
            kinship_weight=1.15,
            parents_weight=1.5,
            far_weight=2.6,
            uasc_share=0.11,
            ethnicity=_SANDWELL_ETHNICITY,
            inhouse_homes=(("Tipton Lodge", 4), ("Oldbury House", 3), ("Hill Top View", 3)),
            inhouse_households=150,
            agency_households=190,
            private_homes=14,
            supported_settings=5,
            crlf=True,
            own_weight=0.55,
            sources=(
                "Sandwell Children in Care Sufficiency Strategy 2021-24: 848 children in care on 1 November "
                "2021, rate 102 per 10,000; 82,995 children and young people under 18; 47% of fostered "
                "children with Trust carers, 53% external; 11% placed with parents; 11.4% placed more than "
                "20 miles away; 150 foster carer households at March 2021; 57 in external residential, 27 in"
                " supported accommodation (2020/21 costs).",
            ),
        ),
        AuthorityProfile(
            "334",
            "E08000029",
            "Solihull",
            "metropolitan",
            ("330", "331", "937", "885"),
            inhouse_homes=(("Shirley Lodge", 3),),
            private_homes=10,
            supported_settings=3,
        ),
        AuthorityProfile(
            "335",
            "E08000030",
            "Walsall",
            "metropolitan",
            ("336", "333", "330", "860"),
            simulate=True,
            in_care_target=637,
            population_0_17=68_790,
            population_year=2024,
            published_rate=92.6,
            history=((dt.date(2021, 3, 31), 665), (dt.date(2024, 7, 30), 637)),
            inhouse_fostering_share=0.53,
            residential_weight=1.45,
            parents_weight=1.0,
            far_weight=7.5,
            uasc_share=0.07,
            ethnicity=_METRO_ETHNICITY,
            inhouse_homes=(
                ("Brackendale Short Breaks", 4),
                ("Fernbank House", 3),
                ("Rushall Lodge", 2),
                ("Aldridge View", 2),
                ("Willenhall Court", 2),
                ("Palfrey House", 3),
            ),
            inhouse_households=175,
            agency_households=140,
            private_homes=15,
            supported_settings=4,
            bom=True,
            own_weight=0.8,
            sources=(
                "Walsall Placement Sufficiency Strategy update, Corporate Parenting Board Sept 2024: 637 "
                "children in care at 30 July 2024, rate 92.6 per 10,000 (665 at 31/03/21); 425 in foster "
                "care (66.7%, half with in-house carers), 138 in residential settings incl. supported "
                "accommodation, 45 with parents/family, 28 with adopters; five in-house children's homes "
                "incl. short breaks, a sixth for 3 children in 2024/25 (16 places in all).",
                "Population 0-17 = 637 / 92.6 x 10,000 = 68,790.",
            ),
        ),
        AuthorityProfile(
            "336",
            "E08000031",
            "Wolverhampton",
            "metropolitan",
            ("335", "333", "332", "860"),
            simulate=True,
            in_care_target=540,
            population_0_17=63_200,
            population_year=2024,
            inhouse_fostering_share=0.55,
            far_weight=9.0,
            uasc_share=0.08,
            ethnicity=_METRO_ETHNICITY,
            inhouse_homes=(("Penn Lodge", 4), ("Bilston House", 3), ("Tettenhall View", 3)),
            inhouse_households=145,
            agency_households=110,
            private_homes=14,
            supported_settings=4,
            own_weight=0.8,
            sources=("Plausible values for a metropolitan borough of this size; not from the seeds.",),
        ),
        AuthorityProfile(
            "860",
            "E10000028",
            "Staffordshire",
            "county",
            ("861", "893", "894", "336", "335", "332", "330", "885", "937"),
            simulate=True,
            in_care_target=1370,
            population_0_17=171_250,
            population_year=2022,
            published_rate=80.0,
            history=(
                (dt.date(2021, 3, 31), 1050),
                (dt.date(2022, 3, 31), 1260),
                (dt.date(2022, 10, 7), 1344),
                (dt.date(2023, 2, 28), 1370),
            ),
            inhouse_fostering_share=0.49,
            residential_weight=0.95,
            far_weight=1.15,
            uasc_share=0.1,
            ethnicity=_SHIRE_ETHNICITY,
            inhouse_homes=(
                ("Rowan Short Breaks", 4),
                ("Chase View Short Breaks", 4),
                ("Trent Lodge", 4),
                ("Moorlands House", 3),
                ("Cannock Court", 4),
            ),
            inhouse_households=285,
            agency_households=270,
            private_homes=80,
            supported_settings=8,
            bom=True,
            crlf=True,
            sources=(
                "Staffordshire Sufficiency Strategy 2023-26: 1,370 children in care (80 per 10,000), up 110 "
                "in 12 months and 20% in 2021/22; 1,344 at 07/10/2022; 119 in residential care, 376 in "
                "independent foster care, 354 with in-house foster carers, 68 in supported accommodation "
                "(non-UASC); 5 in-house homes with 19 beds incl. two 4-bed short-break homes; c.500 external"
                " residential beds in the county, only 36% of its residential children placed in "
                "Staffordshire.",
                "Population 0-17 = 1,370 / 80 x 10,000 = 171,250.",
            ),
        ),
        AuthorityProfile(
            "861",
            "E06000021",
            "Stoke-on-Trent",
            "unitary",
            ("860",),
            inhouse_homes=(("Hanley Lodge", 4), ("Burslem House", 3)),
            private_homes=25,
            supported_settings=4,
        ),
        AuthorityProfile(
            "884",
            "E06000019",
            "Herefordshire",
            "unitary",
            ("893", "885"),
            simulate=True,
            in_care_target=330,
            population_0_17=36_300,
            population_year=2019,
            history=((dt.date(2018, 11, 30), 326),),
            inhouse_fostering_share=0.63,
            kinship_weight=1.2,
            residential_weight=0.8,
            far_weight=1.7,
            uasc_share=0.04,
            ethnicity=_SHIRE_ETHNICITY,
            inhouse_homes=(("Wye Lodge", 3),),
            inhouse_households=107,
            agency_households=35,
            private_homes=12,
            supported_settings=3,
            cost_factor=0.97,
            sources=(
                "Herefordshire Placement Sufficiency Strategy 2019-24: 326 looked-after children at November"
                " 2018; in-house fostering £550/wk vs IFA framework £780 and spot £920 (2018); in-house/IFA "
                "bed nights 63%/37%; 107 general and specialist in-house carer households (Nov 2018); 30% of"
                " residential placements within 20 miles of home.",
                "Population 0-17 (36,300) is a plausible value, not published in the strategy.",
            ),
        ),
        AuthorityProfile(
            "885",
            "E10000034",
            "Worcestershire",
            "county",
            ("884", "893", "860", "332", "330", "334", "937"),
            inhouse_homes=(("Malvern Lodge", 4), ("Severn House", 3)),
            private_homes=45,
            supported_settings=6,
        ),
        AuthorityProfile(
            "893",
            "E06000051",
            "Shropshire",
            "unitary",
            ("894", "860", "884", "885"),
            inhouse_homes=(("Ludlow House", 3),),
            private_homes=50,
            supported_settings=4,
        ),
        AuthorityProfile(
            "894",
            "E06000020",
            "Telford and Wrekin",
            "unitary",
            ("893", "860"),
            simulate=True,
            in_care_target=470,
            population_0_17=40_600,
            population_year=2024,
            inhouse_fostering_share=0.52,
            far_weight=4.0,
            uasc_share=0.05,
            ethnicity=_SHIRE_ETHNICITY,
            inhouse_homes=(("Wrekin View", 4), ("Dawley Lodge", 3)),
            inhouse_households=115,
            agency_households=95,
            private_homes=25,
            supported_settings=3,
            sources=("Plausible values for a unitary authority of this size; not from the seeds.",),
        ),
        AuthorityProfile(
            "937",
            "E10000031",
            "Warwickshire",
            "county",
            ("331", "334", "330", "860", "885"),
            inhouse_homes=(("Avon Lodge", 4), ("Nuneaton House", 3)),
            private_homes=30,
            supported_settings=5,
        ),
    )
}

#: The authorities simulated by default, in the order they are generated.
DEFAULT_AUTHORITIES: tuple[str, ...] = ("335", "333", "332", "884", "860", "336", "894")

#: Weekly unit costs (GBP) in 2025-26 by planning category and route to market (docs/domain.md section 4;
#: Herefordshire's 2018 £550 / £780 / £920 uprated). Earlier years are deflated year by year.
UNIT_COSTS_2025: dict[tuple[str, str], float] = {
    ("fostering_inhouse", "in_house"): 615.0,
    ("fostering_external", "framework"): 880.0,
    ("fostering_external", "spot"): 985.0,
    ("fostering_kinship", "in_house"): 430.0,
    ("residential_inhouse", "in_house"): 4_650.0,
    ("residential_external", "framework"): 5_650.0,
    ("residential_external", "block"): 4_950.0,
    ("residential_external", "spot"): 7_250.0,
    ("residential_secure", "spot"): 8_900.0,
    ("residential_school", "spot"): 5_300.0,
    ("supported", "framework"): 1_650.0,
    ("supported", "block"): 1_350.0,
    ("supported", "spot"): 2_350.0,
    ("with_parents", "in_house"): 120.0,
    ("adoption", "in_house"): 160.0,
    ("other", "spot"): 3_900.0,
}
#: Yearly uplift of unit costs into a financial year (April to March), by the year the uplift lands in.
COST_UPLIFT: dict[int, float] = {2021: 0.03, 2022: 0.05, 2023: 0.08, 2024: 0.06, 2025: 0.04}
