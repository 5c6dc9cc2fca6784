"""The FilterSets of vacancies: the API's, and the vacancies page's (the same filters and the status)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict

from ..categories import PLANNING_CATEGORY_LABELS
from ..choices import VacancyStatusChoices
from ..models import Vacancy


class VacancyFilterSet(django_filters.FilterSet):
    """`?fresh=true` (confirmed recently: the ones counted) or `false` (stale only); `?category=` a planning
    category the vacancy can take. `/api/v1/vacancies/` filters with it (open vacancies only)."""

    fresh = django_filters.BooleanFilter(
        method="filter_fresh", help_text="true: fresh only; false: stale only"
    )
    category = django_filters.ChoiceFilter(
        choices=list(PLANNING_CATEGORY_LABELS.items()),
        method="filter_category",
        help_text="A planning category the vacancy can take",
    )

    class Meta:
        model = Vacancy
        fields = ["fresh", "category"]

    def filter_fresh(self, queryset: QuerySet[Vacancy], name: str, value: bool | None) -> QuerySet[Vacancy]:
        if value is None:
            return queryset
        return queryset.fresh() if value else queryset.stale()  # type: ignore[attr-defined]  # VacancyQuerySet's method; the filter sees a plain QuerySet

    def filter_category(self, queryset: QuerySet[Vacancy], name: str, value: str) -> QuerySet[Vacancy]:
        if not value:
            return queryset
        # The categories are a JSON list of codes: match the quoted code (works on SQLite and PostgreSQL).
        return queryset.filter(categories__icontains=f'"{value}"')


class VacancyListFilterSet(VacancyFilterSet):
    """The vacancies page: the API's filters and `?status=`, open when none (or an unknown one) is asked
    for, since the API lists open vacancies only."""

    status = django_filters.ChoiceFilter(choices=VacancyStatusChoices.choices)

    class Meta:
        model = Vacancy
        fields = ["status", "fresh", "category"]

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if data.get("status") not in VacancyStatusChoices.values:
            data["status"] = VacancyStatusChoices.OPEN
        super().__init__(data, *args, **kwargs)
