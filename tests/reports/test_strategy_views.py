"""Who can see and change strategies and KPIs. Another authority's is always a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sufficiency.authorities.models import AuditEvent
from sufficiency.core.locking import version_of
from sufficiency.reports import services
from sufficiency.reports.kpis import registry
from sufficiency.reports.models import Action, Measure, Objective, Strategy

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy(walsall, la_user):
    strategy = services.strategy_create(
        authority=walsall,
        acting_user=la_user,
        title="Placement Sufficiency Strategy",
        start_year=2023,
        end_year=2026,
    )
    objective = services.objective_create(
        strategy=strategy,
        acting_user=la_user,
        number=1,
        title="90% of fostered children placed within 20 miles of home by 2026",
    )
    measure = services.measure_create(
        objective=objective,
        acting_user=la_user,
        kpi_key="pct_placed_over_20_miles",
        baseline_value=16,
        baseline_date=dt.date(2023, 3, 31),
        target_value=10,
        target_date=dt.date(2026, 3, 31),
        direction="lower",
        tolerance=2,
    )
    action = services.action_create(
        strategy=strategy,
        acting_user=la_user,
        activity="Fostering recruitment strategy",
        description="Recruit 20 carers a year",
        timescale="Ongoing",
        childrens_services_lead="Head of Fostering",
        commissioning_lead="Commissioning Manager",
        status="on_track",
    )
    return {"strategy": strategy, "objective": objective, "measure": measure, "action": action}


def _urls(s):
    code, pk = "335", s["strategy"].pk
    return {
        "kpi-list": (reverse("reports:kpi-list", kwargs={"code": code}), "read"),
        "strategy-list": (reverse("reports:strategy-list", kwargs={"code": code}), "read"),
        "strategy-detail": (reverse("reports:strategy-detail", kwargs={"code": code, "pk": pk}), "read"),
        "strategy-history": (reverse("reports:strategy-history", kwargs={"code": code, "pk": pk}), "read"),
        "strategy-create": (reverse("reports:strategy-create", kwargs={"code": code}), "edit"),
        "strategy-update": (reverse("reports:strategy-update", kwargs={"code": code, "pk": pk}), "edit"),
        "objective-create": (reverse("reports:objective-create", kwargs={"code": code, "pk": pk}), "edit"),
        "objective-update": (
            reverse("reports:objective-update", kwargs={"code": code, "pk": pk, "item": s["objective"].pk}),
            "edit",
        ),
        "measure-create": (
            reverse("reports:measure-create", kwargs={"code": code, "pk": pk, "item": s["objective"].pk}),
            "edit",
        ),
        "measure-update": (
            reverse("reports:measure-update", kwargs={"code": code, "pk": pk, "item": s["measure"].pk}),
            "edit",
        ),
        "action-create": (reverse("reports:action-create", kwargs={"code": code, "pk": pk}), "edit"),
        "action-update": (
            reverse("reports:action-update", kwargs={"code": code, "pk": pk, "item": s["action"].pk}),
            "edit",
        ),
    }


NAMES = [
    "kpi-list",
    "strategy-list",
    "strategy-detail",
    "strategy-history",
    "strategy-create",
    "strategy-update",
    "objective-create",
    "objective-update",
    "measure-create",
    "measure-update",
    "action-create",
    "action-update",
]


@pytest.mark.parametrize("name", NAMES)
def test_own_commissioner_can_open_every_page(client, strategy, la_user, name):
    client.force_login(la_user)
    assert client.get(_urls(strategy)[name][0]).status_code == 200


@pytest.mark.parametrize("name", NAMES)
def test_board_member_reads_but_cannot_edit(client, strategy, board_member, name):
    url, kind = _urls(strategy)[name]
    client.force_login(board_member)
    response = client.get(url)
    assert response.status_code == (200 if kind == "read" else 404)
    if kind == "read":
        assert b"Add an objective" not in response.content and b"Add a strategy" not in response.content


@pytest.mark.parametrize("name", NAMES)
def test_another_authoritys_user_gets_404(client, strategy, other_la_user, name):
    client.force_login(other_la_user)
    assert client.get(_urls(strategy)[name][0]).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_sign_in(client, strategy, name):
    response = client.get(_urls(strategy)[name][0])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_strategy_id_under_another_authoritys_code_is_404(client, strategy, sandwell, other_la_user):
    theirs = Strategy.objects.create(authority=sandwell, title="Theirs", start_year=2024, end_year=2027)
    client.force_login(other_la_user)
    url = reverse("reports:strategy-detail", kwargs={"code": "333", "pk": strategy["strategy"].pk})
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("reports:strategy-detail", kwargs={"code": "333", "pk": theirs.pk})).status_code
        == 200
    )


def test_board_member_cannot_post_a_change(client, strategy, board_member):
    client.force_login(board_member)
    url, _ = _urls(strategy)["action-update"]
    assert client.post(url, {"activity": "Hijacked", "status": "complete"}).status_code == 404
    strategy["action"].refresh_from_db()
    assert strategy["action"].activity == "Fostering recruitment strategy"


def test_commissioner_creates_a_strategy_with_history_and_audit(client, walsall, la_user):
    client.force_login(la_user)
    response = client.post(
        reverse("reports:strategy-create", kwargs={"code": "335"}),
        {"title": "Sufficiency Strategy", "start_year": "2025", "end_year": "2028", "summary": ""},
    )
    strategy = Strategy.objects.get(title="Sufficiency Strategy")
    assert response.status_code == 302
    assert strategy.authority == walsall and strategy.period == "2025-2028"
    assert strategy.history.get().history_user == la_user
    assert AuditEvent.objects.filter(
        action="strategy.created", object_id=str(strategy.pk), actor=la_user
    ).exists()


def test_strategy_form_refuses_a_period_ending_before_it_starts(client, walsall, la_user):
    client.force_login(la_user)
    response = client.post(
        reverse("reports:strategy-create", kwargs={"code": "335"}),
        {"title": "Backwards", "start_year": "2026", "end_year": "2023"},
    )
    assert response.status_code == 200
    assert "The last year must be the same as or after the first year" in response.content.decode()
    assert not Strategy.objects.filter(title="Backwards").exists()


def test_commissioner_adds_a_measure_with_the_kpis_direction_by_default(client, strategy, la_user):
    client.force_login(la_user)
    url, _ = _urls(strategy)["measure-create"]
    response = client.post(
        url,
        {
            "kpi_key": "stability_long_term",
            "target_value": "75",
            "target_date_day": "31",
            "target_date_month": "3",
            "target_date_year": "2026",
            "direction": "",
            "tolerance": "",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(kpi_key="stability_long_term")
    assert measure.direction == "higher" and measure.tolerance == 0
    assert measure.objective == strategy["objective"]


def test_measure_on_a_neutral_kpi_must_say_its_direction(client, strategy, la_user):
    assert registry["children_in_care"].direction == "neutral"
    client.force_login(la_user)
    url, _ = _urls(strategy)["measure-create"]
    response = client.post(
        url,
        {
            "kpi_key": "children_in_care",
            "target_value": "600",
            "target_date_day": "31",
            "target_date_month": "3",
            "target_date_year": "2026",
        },
    )
    assert response.status_code == 200
    assert "Choose whether higher or lower is better" in response.content.decode()


def test_updating_an_action_keeps_its_history_and_audits_the_fields(client, strategy, la_user):
    client.force_login(la_user)
    url, _ = _urls(strategy)["action-update"]
    action = strategy["action"]
    response = client.post(
        url,
        {
            "activity": action.activity,
            "description": action.description,
            "timescale": "Ongoing",
            "childrens_services_lead": action.childrens_services_lead,
            "commissioning_lead": action.commissioning_lead,
            "status": "at_risk",
            "update_notes": "Two approvals in the quarter; marketing budget delayed",
            "version": version_of(action),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "at_risk"
    assert [h.status for h in action.history.order_by("history_date")] == ["on_track", "at_risk"]
    event = AuditEvent.objects.get(action="strategy.action_updated")
    assert event.detail == {"fields": ["status", "update_notes"]}
    history = client.get(_urls(strategy)["strategy-history"][0]).content.decode()
    assert "Changed: status, update notes" in history


def test_action_objective_must_belong_to_the_strategy(walsall, strategy, la_user):
    from django.core.exceptions import ValidationError

    other = services.strategy_create(
        authority=walsall, acting_user=la_user, title="Old", start_year=2019, end_year=2022
    )
    foreign = Objective.objects.create(strategy=other, number=1, title="Elsewhere")
    with pytest.raises(ValidationError):
        services.action_update(action=strategy["action"], acting_user=la_user, objective=foreign)
    assert Action.objects.get(pk=strategy["action"].pk).objective is None


def test_strategy_page_shows_measure_rag_from_the_register(client, register, strategy, la_user):
    client.force_login(la_user)
    url, _ = _urls(strategy)["strategy-detail"]
    content = client.get(url, {"on_day": "31", "on_month": "3", "on_year": "2025"}).content.decode()
    # 40.0% over 20 miles against a target of 10 (lower is better, tolerance 2): red.
    assert "40.0%" in content and "Off target" in content
    assert 'href="/kpis/definitions/#pct_placed_over_20_miles"' in content


def test_kpi_page_lists_every_kpi_within_a_query_cap(
    client, register, la_user, django_assert_max_num_queries
):
    from pathlib import Path

    from placements.national.services import national_statistics_import

    dfe = Path(__file__).resolve().parents[1] / "fixtures" / "dfe" / "la_cla_at_31_march.csv"
    national_statistics_import(files=[(dfe.name, dfe.read_bytes())])
    client.force_login(la_user)
    url = reverse("reports:kpi-list", kwargs={"code": "335"})
    # Counted live (no precomputed KPIs for the date): one more query than before, looking for them; 5 for
    # the published comparators (latest years, figures, neighbour list, neighbours, import provenance);
    # 12 fixed reads per scope or date (usable fostering places, the funnel, in-house homes), never per row;
    # +3 for the as-at banner (the register's end date, the stored figures' time, the session write);
    # +2 for the targets of the strategy covering the date; +1 for the ledger's approaches, read grouped
    # apart from its requests; +2 for the unit costs the requests' extra annual cost is worked out from
    # (authority and region); +1 for the neighbour list's name (the synthetic stand-in label), +1 with the
    # short-break homes counted apart in the supply KPIs. Fixed reads, none per row.
    with django_assert_max_num_queries(59):
        response = client.get(url, {"on_day": "31", "on_month": "3", "on_year": "2025"})
    content = response.content.decode()
    for kpi in registry:
        assert f'id="{kpi.key}"' in content
        assert f'/kpis/definitions/#{kpi.key}"' in content
    assert "81,770" in content  # England comparator, from the imported DfE table
    assert "Key performance indicators on 31 March 2025" in content


def test_kpi_definitions_page_is_open_to_any_signed_in_user(client, other_la_user):
    client.force_login(other_la_user)
    content = client.get(reverse("reports:kpi-definitions")).content.decode()
    for kpi in registry:
        assert f'id="{kpi.key}"' in content
    # A KPI with a national equivalent names the published measure it is compared with; one without does not.
    rate = content.split('id="cla_rate_per_10000"')[1].split("</dd>")[0]
    assert "published figure “Rate per 10,000 children” for statistical neighbours" in rate
    assert "published figure" not in content.split('id="placement_requests"')[1].split("</dd>")[0]
    assert client.get(reverse("reports:kpi-definitions")).status_code == 200
    client.logout()
    assert client.get(reverse("reports:kpi-definitions")).status_code == 302
