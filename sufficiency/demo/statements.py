"""Demo sufficiency statements for the synthetic demo region: a drafted statement for the demo authority,
with narrative in every section, and a regional statement for its region (West Midlands), with narrative
in the sections the region writes together (context, children, forecast and what we will do; the other
sections carry the generated figures only, for a commissioner to write). The text is synthetic, written as
councils write theirs; the figures are generated from the demo register. Both stay drafts so a
commissioner signing in can edit, review and publish them. Safe to run again: nothing is created twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sufficiency.authorities.models import LocalAuthority
from sufficiency.reports.models import Statement
from sufficiency.reports.statement import services
from sufficiency.reports.statement.choices import StatementSectionChoices as S

AUTHORITY_NARRATIVE = {
    S.CONTEXT: "This statement sets out how we will meet our duty to secure sufficient accommodation for the "
    "children we look after. It was prepared with our commissioning, fostering and residential teams and with "
    "the Children in Care Council, whose members told us that living close to school and friends matters most.",
    S.CHILDREN: "The number of children we look after has been broadly stable. Teenagers and unaccompanied "
    "asylum-seeking children make up a growing share, and their needs shape the homes we must secure.",
    S.WHERE_THEY_LIVE: "Most of our children live in foster families. Too many still live more than 20 miles "
    "from home, mostly in residential homes outside the borough.",
    S.STABILITY: "Placement stability is close to the regional figure; long-term stability is our priority.",
    S.QUALITY: "Nearly all children in Ofsted-registered homes live in homes judged good or outstanding. We "
    "review every child living in a home judged below good.",
    S.SUPPLY: "Recruitment of in-house foster carers has not kept pace with carers leaving. Residential "
    "capacity in the borough is fully used; supported accommodation providers are completing Ofsted "
    "registration.",
    S.UNMET_NEED: "Emergency requests remain too common, and some children whose plan was fostering were "
    "placed in residential care because no foster family was found.",
    S.COSTS: "Spend on external residential placements is the main pressure on the placements budget.",
    S.FORECAST: "On current trends demand for fostering and for homes for older teenagers will grow. The "
    "scenarios show the effect of our edge-of-care work and of more unaccompanied children arriving.",
    S.CARE_LEAVERS: "Most care leavers aged 19 to 21 are in suitable accommodation; we will extend "
    "Staying Put and Staying Close.",
    S.WHAT_WE_WILL_DO: "Our commissioning intentions: recruit more of our own foster carers, open two small "
    "children's homes in the borough, re-tender the regional supported accommodation framework and "
    "reduce emergency placements. The objectives, measures and actions, with their leads and dates, follow.",
}

REGIONAL_NARRATIVE = {
    S.CONTEXT: "The authorities of the region commission together where that secures sufficiency better: "
    "regional frameworks for independent fostering and residential care, and a shared approach to "
    "supported accommodation. Each authority's figures are shown beside the region's.",
    S.CHILDREN: "Across the region the number of children in care is broadly stable, with more teenagers "
    "and unaccompanied children than five years ago.",
    S.FORECAST: "Together the authorities' forecasts show where regional demand will outgrow supply; the "
    "regional commissioning plan responds to that gap.",
    S.WHAT_WE_WILL_DO: "The region will develop a Regional Care Co-operative plan for residential care and "
    "fostering recruitment, with joint measures reported to each authority's Corporate Parenting Board.",
}


def demo_statements_load(*, authority: LocalAuthority, as_at: dt.date, acting_user: Any) -> list[Statement]:
    """The demo authority's draft statement and its region's, as at the demo date (each created once)."""
    made = []
    for region, narrative, title in (
        (None, AUTHORITY_NARRATIVE, "Placement sufficiency statement"),
        (authority.region, REGIONAL_NARRATIVE, "Regional placement sufficiency statement"),
    ):
        existing = Statement.objects.for_authority(authority).filter(as_at=as_at, region=region).first()
        if existing is not None:
            made.append(existing)
            continue
        statement = services.statement_create(
            authority=authority, as_at=as_at, acting_user=acting_user, title=title, region=region
        )
        services.narrative_update(
            statement=statement, texts={k.value: v for k, v in narrative.items()}, acting_user=acting_user
        )
        made.append(statement)
    return made
