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


# The sets of roles each page and endpoint needs are in `sufficiency.authorities.permissions`.
