"""Linking placed requests to the SSDA903 episodes a later import brings, and copying agreed costs."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.finding import linking, services
from placements.models import PlacementEpisode
from placements.services import AFTER_IMPORT_CALLBACKS
from tests.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db


def test_linking_runs_after_every_import():
    assert linking.finding_after_import in AFTER_IMPORT_CALLBACKS


def test_a_request_for_a_known_child_links_to_the_nearest_new_placement_within_seven_days(
    walsall, placement_finder, child, home
):
    request = services.placement_request_create(
        authority=walsall,
        data={"child_ref": "C1001", "requested_on": dt.date(2025, 6, 1), "urgency": "planned",
              "fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
        acting_user=placement_finder,
    )  # fmt: skip
    services.placement_request_place(
        placement_request=request,
        setting=home,
        placed_on=dt.date(2025, 6, 5),
        weekly_cost=5100,
        acting_user=placement_finder,
    )
    far = EpisodeFactory(child=child, decom=dt.date(2025, 6, 20), rne="P", place="K2", place_provider="PR4")
    near = EpisodeFactory(child=child, decom=dt.date(2025, 6, 8), rne="P", place="K2", place_provider="PR4")
    same_placement = EpisodeFactory(
        child=child, decom=dt.date(2025, 6, 15), rne="L", ls="C2", place="K2", place_provider="PR4"
    )
    counts = linking.placement_requests_link_episodes(authority=walsall)
    request.refresh_from_db()
    assert counts["linked"] == 1 and request.episode_decom == near.decom
    costs = dict(PlacementEpisode.objects.values_list("id", "weekly_cost"))
    assert costs[near.pk] == 5100 and costs[same_placement.pk] == 5100 and costs[far.pk] is None
    assert request.events.filter(action="episode_linked").count() == 1
    # A re-import replaces the episodes (costs lost): linking again restores the cost, and keeps the link.
    PlacementEpisode.objects.filter(pk=near.pk).update(weekly_cost=None)
    assert linking.placement_requests_link_episodes(authority=walsall)["kept"] == 1
    assert PlacementEpisode.objects.get(pk=near.pk).weekly_cost == 5100


def test_an_episode_outside_the_tolerance_is_not_linked(walsall, placement_finder, child, household):
    request = services.placement_request_create(
        authority=walsall,
        data={"child_ref": "C1001", "requested_on": dt.date(2025, 6, 1), "urgency": "planned",
              "fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
        acting_user=placement_finder,
    )  # fmt: skip
    services.placement_request_place(
        placement_request=request,
        household=household,
        placed_on=dt.date(2025, 6, 1),
        acting_user=placement_finder,
    )
    EpisodeFactory(child=child, decom=dt.date(2025, 6, 9), rne="P")
    assert linking.placement_requests_link_episodes(authority=walsall)["unmatched"] == 1


def test_a_referral_links_when_exactly_one_child_fits_and_takes_its_reference(
    walsall, make_request, placement_finder, home
):
    request = make_request(birth_month=dt.date(2011, 2, 1), sex="M")
    services.placement_request_place(
        placement_request=request, setting=home, placed_on=dt.date(2025, 6, 3), acting_user=placement_finder
    )
    newcomer = ChildFactory(authority=walsall, child_ref="N77", sex="M", dob=dt.date(2011, 2, 14))
    EpisodeFactory(
        child=newcomer, decom=dt.date(2025, 6, 3), rne="S", place="K2", place_provider="PR4", urn=home.urn
    )
    other = ChildFactory(authority=walsall, child_ref="N78", sex="F", dob=dt.date(2011, 2, 20))
    EpisodeFactory(
        child=other, decom=dt.date(2025, 6, 3), rne="S", place="K2", place_provider="PR4", urn=home.urn
    )
    linking.placement_requests_link_episodes(authority=walsall)
    request.refresh_from_db()
    assert (request.child_ref, request.episode_decom) == ("N77", dt.date(2025, 6, 3))


def test_a_referral_that_two_children_fit_is_left_unlinked(walsall, make_request, placement_finder, home):
    request = make_request(birth_month=dt.date(2011, 2, 1), sex="M")
    services.placement_request_place(
        placement_request=request, setting=home, placed_on=dt.date(2025, 6, 3), acting_user=placement_finder
    )
    for ref in ("N1", "N2"):
        kid = ChildFactory(authority=walsall, child_ref=ref, sex="M", dob=dt.date(2011, 2, 3))
        EpisodeFactory(
            child=kid, decom=dt.date(2025, 6, 4), rne="S", place="K2", place_provider="PR4", urn=home.urn
        )
    linking.placement_requests_link_episodes(authority=walsall)
    request.refresh_from_db()
    assert request.child_ref == "" and request.episode_decom is None
