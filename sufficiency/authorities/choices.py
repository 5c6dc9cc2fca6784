"""Roles a person can hold in a local authority."""

from django.db import models


class RoleChoices(models.TextChoices):
    """What a member of an authority may do. A person may hold several roles, in several authorities."""

    COMMISSIONER = "commissioner", "Commissioner"
    PLACEMENT_FINDER = "placement_finder", "Placement finder"
    BOARD_MEMBER = "board_member", "Corporate Parenting Board member"
    DATA_MANAGER = "data_manager", "Data manager"
    REGIONAL_ANALYST = "regional_analyst", "Regional analyst"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that may see child-level records (children, episodes, requests) of their own authority.
CHILD_LEVEL_ROLES = frozenset(
    {
        RoleChoices.COMMISSIONER,
        RoleChoices.PLACEMENT_FINDER,
        RoleChoices.DATA_MANAGER,
        RoleChoices.ADMINISTRATOR,
    }
)
# Roles that may read the authority's dashboards (aggregates).
DASHBOARD_ROLES = CHILD_LEVEL_ROLES | {RoleChoices.BOARD_MEMBER, RoleChoices.REGIONAL_ANALYST}
# Roles that may upload SSDA903 and other data files.
IMPORT_ROLES = frozenset({RoleChoices.DATA_MANAGER, RoleChoices.ADMINISTRATOR})
