"""Template filters for the one formatting module (`sufficiency.core.formatting`), loaded in every template
(settings TEMPLATES builtins): `{{ day|date_long }}` prints 5 January 2026, `{{ day|date_short }}` 5 Jan 2026,
`{{ amount|money }}` £1,234, `{{ amount|money_short }}` £47.3m. A date and time is read in local time first,
as Django's own `date` filter does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from sufficiency.core import formatting

register = template.Library()


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def date_long(value: Any) -> str:
    return formatting.date_long(_local(value), empty="")


@register.filter
def date_short(value: Any) -> str:
    return formatting.date_short(_local(value), empty="")


@register.filter
def money(value: Any) -> str:
    return formatting.money(value)


@register.filter
def money_short(value: Any) -> str:
    return formatting.money_short(value, empty="–")
