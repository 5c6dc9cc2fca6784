"""Reads of sufficiency statements. Callers have already resolved an authority the user may see
(AuthorityMixin); these selectors never cross authorities.

Who sees what follows the board report: commissioners and administrators see every statement (drafts, in
review, approved); every other reader of the authority's aggregates sees published statements only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sufficiency.authorities.models import LocalAuthority

from ..models import Statement
from .choices import StatementStatusChoices


def statement_list(*, authority: LocalAuthority, include_unpublished: bool) -> QuerySet[Statement]:
    """The authority's statements (its own and the regional ones it drafts), newest first."""
    statements = Statement.objects.for_authority(authority).select_related("region", "published")
    if not include_unpublished:
        statements = statements.filter(status=StatementStatusChoices.PUBLISHED)
    return statements.order_by("-as_at", "-id")


def statement_get(*, authority: LocalAuthority, pk: int, include_unpublished: bool) -> Statement:
    """One of the authority's statements (DoesNotExist if another authority's, or unpublished to a reader
    who may not see drafts)."""
    return (
        statement_list(authority=authority, include_unpublished=include_unpublished)
        .select_related("authority__region")
        .prefetch_related("sections")
        .get(pk=pk)
    )
