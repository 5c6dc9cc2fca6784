"""Framework membership is each authority's own record: which homes and agencies it buys through a
framework, and the tier it gave them. Matching, its reasons, the route of a placement and costs read the
searching authority's record, never a value on the shared Ofsted register or another authority's."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.apps import apps

from placements.finding import selectors
from placements.finding.matching import PASS
from placements.models import FrameworkMembership
from placements.selectors import costing_episode_frame_for_authority
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

pytestmark = pytest.mark.django_db


def _home_match(make_request, home):
    matches = selectors.match_candidates_for_request(placement_request=make_request())
    return next(m for m in matches if m.candidate.kind == "setting" and m.candidate.object_id == home.pk)


def test_the_search_names_the_authoritys_framework_and_tier(make_request, home, vacancies):
    match = _home_match(make_request, home)
    assert match.candidate.route == "framework"
    assert "On your framework: WM Residential FCA, tier 1" in [
        r.text for r in match.reasons if r.status == PASS
    ]


def test_another_authoritys_membership_or_the_shared_name_is_not_yours(
    walsall, sandwell, make_request, home, vacancies
):
    FrameworkMembership.objects.filter(authority=walsall).delete()
    FrameworkMembership.objects.create(authority=sandwell, setting=home, framework="Sandwell Homes", tier=1)
    home.framework = "A framework named on the shared record"
    home.save(update_fields=["framework"])
    match = _home_match(make_request, home)
    assert match.candidate.route == "spot"
    assert (match.candidate.framework, match.candidate.framework_tier) == ("", None)
    assert not [r for r in match.reasons if "framework" in r.text.lower()]


def test_costs_count_a_placement_as_framework_only_on_the_authoritys_own_membership(walsall, sandwell, home):
    for authority in (walsall, sandwell):
        EpisodeFactory(child=ChildFactory(authority=authority), setting=home, decom=dt.date(2025, 1, 6))
    assert costing_episode_frame_for_authority(authority=walsall)["on_framework"].tolist() == [True]
    assert costing_episode_frame_for_authority(authority=sandwell)["on_framework"].tolist() == [False]


def test_the_migration_keeps_what_matching_read_for_the_region_authorities(walsall, sandwell):
    import importlib

    migration = importlib.import_module("placements.migrations.0012_framework_membership")
    kent_home = SettingFactory(urn="SC770001", framework="Kent Framework", local_authority_id=None)
    wm_home = SettingFactory(urn="SC770002", framework="WM Framework", local_authority=sandwell)
    SettingFactory(urn="SC770003", framework="", local_authority=sandwell)
    migration.memberships_from_shared_frameworks(apps, None)
    rows = FrameworkMembership.objects.filter(setting__in=[kent_home, wm_home])
    west_midlands = set(walsall.region.authorities.values_list("pk", flat=True))
    assert {m.authority_id for m in rows} == west_midlands
    assert {(m.setting_id, m.framework, m.tier) for m in rows} == {(wm_home.pk, "WM Framework", None)}


def test_the_demo_loader_gives_each_authority_its_own_tiers(walsall, sandwell):
    from sufficiency.demo.loader import _load_framework_memberships

    homes = [SettingFactory(urn=f"SC77010{n}") for n in range(6)]
    region = SimpleNamespace(
        settings=[
            {"urn": h.urn, "framework": "WM Residential FCA" if n < 5 else ""} for n, h in enumerate(homes)
        ]
    )
    for authority in (walsall, sandwell):
        _load_framework_memberships(authority, region)
        _load_framework_memberships(authority, region)  # again: nothing twice
    tiers = {
        authority: dict(
            FrameworkMembership.objects.filter(authority=authority).values_list("setting__urn", "tier")
        )
        for authority in (walsall, sandwell)
    }
    assert set(tiers[walsall]) == set(tiers[sandwell]) == {h.urn for h in homes[:5]}
    assert set(tiers[walsall].values()) <= {1, 2, 3}
    assert tiers[walsall] != tiers[sandwell]
