"""The as-at date of an authority's figures, for pages (kept in the session) and the API (`?on=`).

The rule itself (default: the month end the register runs to, never after today; periods derived from
it) is `sufficiency.core.periods`; this module supplies the register's own end date and remembers a
user's choice while they move between pages of one authority.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.bounds import date_in_range
from sufficiency.core.periods import AsAt, as_at_resolve

from .selectors import register_data_date

#: Session key: {authority DfE code: ISO date} of the as-at dates a user chose.
SESSION_KEY = "as_at"
#: Query parameter of the banner's form: an ISO date, or "latest" to go back to the data's end.
PARAMETER = "as_at"


def as_at_for_authority(*, authority: LocalAuthority, requested: dt.date | None = None) -> AsAt:
    """The as-at date for an authority: `requested`, else the month end its register runs to."""
    return as_at_resolve(
        data_end=register_data_date(authority=authority), today=timezone.localdate(), requested=requested
    )


def _parse(value: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if date_in_range(day) else None


def as_at_for_request(request: Any, *, authority: LocalAuthority, requested: dt.date | None = None) -> AsAt:
    """The as-at date of a page: chosen in the banner (`?as_at=`, then kept in the session for this
    authority), or the page's own explicit date field (`requested`, also kept), else the default.

    Computed once per request and cached on it, so the banner and the page name the same date.
    """
    cache = getattr(request, "_as_at_cache", None)
    if cache is None:
        cache = {}
        request._as_at_cache = cache
    key = (authority.pk, requested)
    if key in cache:
        return cache[key]
    session = getattr(request, "session", None)
    chosen: dict[str, str] = dict(session.get(SESSION_KEY, {})) if session is not None else {}
    code = authority.dfe_code
    raw = request.GET.get(PARAMETER) if hasattr(request, "GET") else None
    if raw is not None and raw.strip().lower() in {"", "latest"}:
        chosen.pop(code, None)
    elif (parsed := _parse(raw)) is not None:
        chosen[code] = parsed.isoformat()
    if requested is not None:
        chosen[code] = requested.isoformat()
    if session is not None and chosen != session.get(SESSION_KEY, {}):
        session[SESSION_KEY] = chosen
    result = as_at_for_authority(authority=authority, requested=_parse(chosen.get(code)))
    cache[key] = result
    cache[(authority.pk, None)] = result
    return result
