"""API fixtures, named by role: own-authority tokens, an outsider's token, under-privileged tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from placements.models import ImportJob
from sufficiency.api.services import api_client_create
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

ALL_SCOPES = ["read:child", "read:aggregate", "write:import"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache: each test starts with a full allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def make_token(db):
    """make_token(authority, scopes) -> (client, token)."""

    def make(authority, scopes=ALL_SCOPES, **kwargs):
        return api_client_create(
            authority=authority, name=f"Client {authority.dfe_code}", scopes=scopes, **kwargs
        )

    return make


@pytest.fixture
def own_token(walsall, make_token):
    """Walsall's own client with every scope."""
    return make_token(walsall)[1]


@pytest.fixture
def partner_api_client(sandwell, make_token):
    """Sandwell's client (same region, West Midlands) with every scope: an outsider to Walsall's records."""
    return make_token(sandwell)[1]


@pytest.fixture
def aggregate_only_token(walsall, make_token):
    """Walsall's client that may read aggregates only: never child-level records or imports."""
    return make_token(walsall, ["read:aggregate"])[1]


@pytest.fixture
def child_only_token(walsall, make_token):
    """Walsall's client that may read child-level records only."""
    return make_token(walsall, ["read:child"])[1]


@pytest.fixture
def london_token(make_token):
    """A client of an authority in another region (Camden, London)."""
    from sufficiency.authorities.models import LocalAuthority

    return make_token(LocalAuthority.objects.get(dfe_code="202"))[1]


@pytest.fixture
def records(walsall, sandwell):
    """Synthetic register rows for Walsall (owner under test) and Sandwell (the outsider's own)."""
    from placements.models import Provider

    provider = Provider.objects.create(name="Oak Homes Ltd", sector="private")
    setting = SettingFactory(local_authority=walsall, provider=provider)
    walsall_children = []
    for i in range(7):
        child = ChildFactory(authority=walsall, child_ref=f"W{i:04d}")
        EpisodeFactory(
            child=child, decom=dt.date(2024, 1, 1), place="U4", place_provider="PR1", setting=setting
        )
        walsall_children.append(child)
    small = ChildFactory(authority=walsall, child_ref="W9999")
    EpisodeFactory(child=small, decom=dt.date(2024, 1, 1), place="K1", place_provider="PR4")
    sandwell_child = ChildFactory(authority=sandwell, child_ref="S0001")
    EpisodeFactory(child=sandwell_child, decom=dt.date(2024, 1, 1))
    job = ImportJob.objects.create(
        authority=walsall,
        status="failed",
        error_report="file,row,column,value,message\nx.csv,2,DEC,,bad\n",
        error_count=1,
    )
    sandwell_job = ImportJob.objects.create(authority=sandwell, status="succeeded")
    return {
        "child": walsall_children[0],
        "episode": walsall_children[0].episodes.get(),
        "setting": setting,
        "provider": provider,
        "job": job,
        "sandwell_child": sandwell_child,
        "sandwell_job": sandwell_job,
    }


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
