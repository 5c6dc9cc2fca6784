"""The placement request's lifecycle: allowed moves happen (timestamped, attributed, audited), illegal
ones are refused by a named rule and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.finding import lifecycle, services
from placements.finding.lifecycle import FindingRuleViolation
from placements.models import PlacementRequest, PlacementRequestEvent
from sufficiency.authorities.models import AuditEvent
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db


def test_a_request_can_be_logged_with_only_the_required_fields(walsall, placement_finder):
    request = services.placement_request_create(
        authority=walsall,
        data={
            "birth_month": dt.date(2010, 3, 9),
            "sex": "M",
            "requested_on": dt.date(2025, 6, 2),
            "urgency": "same_day",
            "fostering": "preferred",
            "residential": "suitable",
            "supported": "unsuitable",
        },
        acting_user=placement_finder,
    )
    assert request.status == "open"
    assert request.is_referral and request.is_emergency
    assert request.birth_month == dt.date(2010, 3, 1)  # the day of birth is never held
    assert request.created_by == placement_finder
    event = request.events.get()
    assert (event.action, event.to_status, event.by) == ("created", "open", placement_finder)
    assert AuditEvent.objects.filter(action="placement_request.created", object_id=str(request.pk)).exists()


def test_a_request_for_a_child_in_the_register_takes_birth_month_sex_and_home_sector(
    walsall, placement_finder, child
):
    request = services.placement_request_create(
        authority=walsall, data={"child_ref": "c1001", **_quick()}, acting_user=placement_finder
    )
    assert request.child_ref == "C1001"
    assert (request.birth_month, request.sex, request.home_postcode, request.legal_status) == (
        dt.date(2012, 5, 1),
        "F",
        "WS1 1",
        "C2",
    )


def _quick():
    return {
        "requested_on": dt.date(2025, 6, 2),
        "urgency": "planned",
        "fostering": "preferred",
        "residential": "suitable",
        "supported": "unsuitable",
    }


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        ({"child_ref": "NOPE"}, "ChildMustBeInTheRegister"),
        ({"sex": "F"}, "ReferralNeedsBasics"),
        (
            {"birth_month": dt.date(2012, 1, 1), "sex": "F", "home_postcode": "WS1 1TP"},
            "HomePostcodeIsDistrictOrSector",
        ),
        (
            {
                "birth_month": dt.date(2012, 1, 1),
                "sex": "F",
                "fostering": "unsuitable",
                "residential": "unsuitable",
            },
            "SomeKindMustBeSuitable",
        ),
        (
            {"birth_month": dt.date(2012, 1, 1), "sex": "F", "requested_on": dt.date(2999, 1, 1)},
            "DatesNotInTheFuture",
        ),
    ],
)
def test_logging_refuses_a_request_that_breaks_a_rule(walsall, placement_finder, data, rule):
    with pytest.raises(FindingRuleViolation) as error:
        services.placement_request_create(
            authority=walsall, data={**_quick(), **data}, acting_user=placement_finder
        )
    assert error.value.rule == rule
    assert not PlacementRequest.objects.exists()


def test_another_authoritys_child_cannot_be_named(walsall, sandwell, placement_finder):
    from tests.factories import ChildFactory

    ChildFactory(authority=sandwell, child_ref="S1")
    with pytest.raises(FindingRuleViolation, match="No child in your register"):
        services.placement_request_create(
            authority=walsall, data={"child_ref": "S1", **_quick()}, acting_user=placement_finder
        )


def test_the_full_journey_is_timestamped_attributed_and_audited(
    make_request, placement_finder, home, household
):
    request = make_request()
    maple, carers = services.placement_request_approach(
        placement_request=request, settings=[home], households=[household], acting_user=placement_finder
    )
    assert request.status == "searching"
    services.approach_offer_record(
        approach=maple, weekly_cost=5200, start=dt.date(2025, 6, 9), acting_user=placement_finder
    )
    request.refresh_from_db()
    assert request.status == "offers_received"
    services.approach_decline(
        approach=carers, declined_by="provider", reason="MATCHING", acting_user=placement_finder
    )
    request.refresh_from_db()
    assert request.status == "offers_received"  # Maple's offer still stands
    services.placement_request_place(
        placement_request=request, approach=maple, placed_on=dt.date(2025, 6, 9), acting_user=placement_finder
    )
    request.refresh_from_db()
    maple.refresh_from_db()
    assert request.status == "placed" and maple.status == "accepted"
    assert request.agreed_weekly_cost == 5200 and request.placed_category == "residential_external"
    assert request.placed_route == "framework" and request.days_to_place == 7
    assert request.distance_miles is not None and request.distance_method == "district"
    transitions = list(
        request.events.filter(action="transition").values_list("from_status", "to_status", "by")
    )
    assert transitions == [
        ("open", "searching", placement_finder.pk),
        ("searching", "offers_received", placement_finder.pk),
        ("offers_received", "placed", placement_finder.pk),
    ]
    assert all(e.at is not None for e in request.events.all())
    actions = set(AuditEvent.objects.filter(authority=request.authority).values_list("action", flat=True))
    assert {"placement_request.searching", "placement_request.offers_received", "placement_request.placed",
            "approach.offered", "approach.declined"} <= actions  # fmt: skip


def test_declining_the_last_offer_goes_back_to_searching(make_request, placement_finder, home):
    request = make_request()
    (approach,) = services.placement_request_approach(
        placement_request=request, settings=[home], acting_user=placement_finder
    )
    services.approach_offer_record(approach=approach, acting_user=placement_finder)
    services.approach_decline(
        approach=approach, declined_by="child", reason="DECLINED_BY_CHILD", acting_user=placement_finder
    )
    request.refresh_from_db()
    assert request.status == "searching"


@pytest.mark.parametrize("final", ["placed", "withdrawn", "not_placed"])
@pytest.mark.parametrize("target", ["searching", "offers_received", "placed", "withdrawn", "not_placed"])
def test_nothing_leaves_a_final_state(make_request, placement_finder, household, final, target):
    request = make_request()
    if final == "placed":
        services.placement_request_place(
            placement_request=request,
            household=household,
            placed_on=dt.date(2025, 6, 2),
            acting_user=placement_finder,
        )
    elif final == "withdrawn":
        services.placement_request_withdraw(
            placement_request=request, reason="returned_home", acting_user=placement_finder
        )
    else:
        services.placement_request_mark_not_placed(
            placement_request=request, reason="no_vacancy", acting_user=placement_finder
        )
    events = PlacementRequestEvent.objects.count()
    with pytest.raises(FindingRuleViolation) as error:
        lifecycle.TransitionMustBeAllowed.check(request.status, target)
    assert error.value.rule == "TransitionMustBeAllowed"
    with pytest.raises(FindingRuleViolation):
        if target == "withdrawn":
            services.placement_request_withdraw(
                placement_request=request, reason="other", acting_user=placement_finder
            )
        elif target == "not_placed":
            services.placement_request_mark_not_placed(
                placement_request=request, reason="other", acting_user=placement_finder
            )
        elif target == "placed":
            services.placement_request_place(
                placement_request=request,
                household=household,
                placed_on=dt.date(2025, 6, 3),
                acting_user=placement_finder,
            )
        else:
            services.placement_request_approach(
                placement_request=request, households=[household], acting_user=placement_finder
            )
    request.refresh_from_db()
    assert request.status == final
    assert PlacementRequestEvent.objects.count() == events


def test_an_open_request_cannot_jump_to_offers_received():
    with pytest.raises(FindingRuleViolation):
        lifecycle.TransitionMustBeAllowed.check("open", "offers_received")
    with pytest.raises(FindingRuleViolation):
        lifecycle.TransitionMustBeAllowed.check("searching", "open")


def test_closing_needs_a_coded_reason(make_request, placement_finder):
    request = make_request()
    with pytest.raises(FindingRuleViolation) as error:
        services.placement_request_withdraw(
            placement_request=request, reason="because", acting_user=placement_finder
        )
    assert error.value.rule == "ClosingNeedsAReason"
    request.refresh_from_db()
    assert request.status == "open"


def test_a_placement_needs_exactly_one_setting_or_household(make_request, placement_finder, home, household):
    request = make_request()
    for kwargs in ({}, {"setting": home, "household": household}):
        with pytest.raises(FindingRuleViolation) as error:
            services.placement_request_place(
                placement_request=request,
                placed_on=dt.date(2025, 6, 3),
                acting_user=placement_finder,
                **kwargs,
            )
        assert error.value.rule == "PlacementNeedsOneSettingOrHousehold"


def test_a_placement_cannot_start_before_the_request(make_request, placement_finder, household):
    with pytest.raises(FindingRuleViolation) as error:
        services.placement_request_place(
            placement_request=make_request(),
            household=household,
            placed_on=dt.date(2025, 6, 1),
            acting_user=placement_finder,
        )
    assert error.value.rule == "PlacementStartsOnOrAfterRequest"


def test_offers_need_an_awaiting_approach_and_declines_a_reason(make_request, placement_finder, home):
    request = make_request()
    (approach,) = services.placement_request_approach(
        placement_request=request, settings=[home], acting_user=placement_finder
    )
    services.approach_decline(
        approach=approach, declined_by="provider", reason="NO_VACANCY", acting_user=placement_finder
    )
    with pytest.raises(FindingRuleViolation) as error:
        services.approach_offer_record(approach=approach, acting_user=placement_finder)
    assert error.value.rule == "OfferNeedsAnAwaitingApproach"
    (other,) = services.placement_request_approach(
        placement_request=request, settings=[SettingFactory()], acting_user=placement_finder
    )
    with pytest.raises(FindingRuleViolation) as error:
        services.approach_decline(
            approach=other, declined_by="provider", reason="", acting_user=placement_finder
        )
    assert error.value.rule == "DeclineNeedsAReasonAndWho"


def test_a_declined_offer_cannot_be_accepted(make_request, placement_finder, home):
    request = make_request()
    (approach,) = services.placement_request_approach(
        placement_request=request, settings=[home], acting_user=placement_finder
    )
    services.approach_decline(
        approach=approach, declined_by="authority", reason="COST", acting_user=placement_finder
    )
    with pytest.raises(FindingRuleViolation) as error:
        services.placement_request_place(
            placement_request=request,
            approach=approach,
            placed_on=dt.date(2025, 6, 3),
            acting_user=placement_finder,
        )
    assert error.value.rule == "AcceptedApproachMustStand"


def test_approaching_the_same_provider_twice_records_one_approach(make_request, placement_finder, home):
    request = make_request()
    services.placement_request_approach(
        placement_request=request, settings=[home], acting_user=placement_finder
    )
    assert (
        services.placement_request_approach(
            placement_request=request, settings=[home], acting_user=placement_finder
        )
        == []
    )
    assert request.approaches.count() == 1


def test_every_rule_has_a_policy_statement():
    assert all(rule.policy for rule in lifecycle.RULES)
    assert len({rule.__name__ for rule in lifecycle.RULES}) == len(lifecycle.RULES)


@pytest.mark.parametrize(
    ("suitability", "category", "expected"),
    [
        (
            {"fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
            "fostering_inhouse",
            True,
        ),
        (
            {"fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
            "fostering_external",
            True,
        ),
        (
            {"fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
            "residential_external",
            False,
        ),
        (
            {"fostering": "suitable", "residential": "preferred", "supported": "unsuitable"},
            "residential_inhouse",
            True,
        ),
        ({"fostering": "suitable", "residential": "unsuitable", "supported": "preferred"}, "supported", True),
        (
            {"fostering": "preferred", "residential": "suitable", "supported": "suitable"},
            "with_parents",
            False,
        ),
    ],
)
def test_placed_to_plan_means_the_kind_placed_was_preferred(suitability, category, expected):
    assert lifecycle.placed_to_plan(suitability, category) is expected


def test_placed_to_plan_is_stored_at_placement(make_request, placement_finder, home, household):
    to_plan = make_request()
    services.placement_request_place(
        placement_request=to_plan,
        household=household,
        placed_on=dt.date(2025, 6, 2),
        acting_user=placement_finder,
    )
    not_to_plan = make_request()
    services.placement_request_place(
        placement_request=not_to_plan,
        setting=home,
        placed_on=dt.date(2025, 6, 2),
        acting_user=placement_finder,
    )
    assert PlacementRequest.objects.get(pk=to_plan.pk).placed_to_plan is True
    assert PlacementRequest.objects.get(pk=not_to_plan.pk).placed_to_plan is False


def test_approach_actions_follow_the_approach_status():
    from placements.finding.lifecycle import approach_actions

    assert approach_actions("awaiting") == ["offer", "decline", "place"]
    assert approach_actions("offered") == ["decline", "place"]
    assert approach_actions("declined") == []
    assert approach_actions("accepted") == []
