"""The vacancies page filters with the API's FilterSet: status (open by default), fresh and category."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Vacancy
from placements.supply import services
from placements.supply.filtersets import VacancyListFilterSet
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vacancies(walsall):
    def record(urn, name, categories):
        home = SettingFactory(urn=urn, name=name, postcode="WV1 1RQ")
        return services.vacancy_record(
            authority=walsall, setting=home, acting_user=None, age_min=8, age_max=17, categories=categories
        )

    fresh = record("SC900001", "Alder House", ["residential_external"])
    stale = record("SC900002", "Birch House", ["residential_external"])
    Vacancy.objects.filter(pk=stale.pk).update(recorded_at=timezone.now() - dt.timedelta(days=365))
    filled = record("SC900003", "Cedar House", ["residential_external"])
    services.vacancy_close(vacancy=filled, status="filled", acting_user=None)
    return fresh, stale, filled


def _names(client, **params):
    response = client.get(reverse("placements:vacancy-list", kwargs={"code": "335"}), params)
    assert response.status_code == 200
    html = response.content.decode()
    return {name for name in ("Alder House", "Birch House", "Cedar House") if name in html}


def test_the_page_filters_by_status_and_freshness_as_the_api_does(client, la_user, vacancies):
    client.force_login(la_user)
    assert _names(client) == {"Alder House", "Birch House"}
    assert _names(client, status="nonsense") == {"Alder House", "Birch House"}
    assert _names(client, status="filled") == {"Cedar House"}
    assert _names(client, fresh="false") == {"Birch House"}
    assert _names(client, fresh="true") == {"Alder House"}


def test_the_page_filterset_is_the_apis_with_the_status():
    from placements.api.vacancies import VacancyViewSet

    assert issubclass(VacancyListFilterSet, VacancyViewSet.filterset_class)
    assert set(VacancyListFilterSet.base_filters) == {"status", "fresh", "category"}
