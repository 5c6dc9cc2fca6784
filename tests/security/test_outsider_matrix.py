"""Attack: every route x every role x every method, by someone outside the authority whose records the
route names. Walsall (335) holds a child, an episode, a placement request and an import; each Sandwell
(333) role (the regional analyst included), the platform data steward and an anonymous visitor try every route of Walsall's with GET, POST, PUT,
PATCH and DELETE. None may read or change Walsall's records: the answer is a sign-in redirect, 401, 403,
404 or 405 — never a 2xx, and never a 500.

Routes are discovered from the URL configuration (as the bounded-parameters attack does), so a new page or
endpoint is attacked without editing this file. Region pages (`/regions/<code>/`) are not Walsall's own
records: they publish suppressed aggregates to the region's members and are attacked by the disclosure
control tests instead.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client

from placements.finding import services as finding_services
from placements.models import ImportJob
from sufficiency.authorities.models import Membership
from tests.factories import ChildFactory, EpisodeFactory, UserFactory
from tests.security.test_bounded_parameters import _routes

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
ROLES = (
    "commissioner",
    "placement_finder",
    "board_member",
    "data_manager",
    "regional_analyst",
    "administrator",
)
REFUSED = {301, 302, 303, 401, 403, 404, 405}
OWN_CODE = re.compile(r"<str:code>|\(\?P<code>\[0-9\]\{3\}\)")
# Not an authority's records: sign-in and account pages, health, schema and docs, static pages.
NOT_RECORDS = re.compile(r"^/(sign-|account|accounts/|healthz|api/v1/(schema|docs)|privacy|cookies|accessib)")
# Reference data every signed-in caller may read: the authority's own name, codes and region.
REFERENCE = {("get", "/api/v1/authorities/335/")}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def walsall_records(walsall):
    """One of each kind of Walsall record a route can name; returns their ids."""
    owner = UserFactory(email="owner@walsall.example.gov.uk")
    Membership.objects.create(user=owner, authority=walsall, role="placement_finder")
    child = ChildFactory(authority=walsall)
    episode = EpisodeFactory(child=child, decom=dt.date(2024, 4, 1))
    request = finding_services.placement_request_create(
        authority=walsall,
        data={"requested_on": dt.date(2025, 6, 2), "urgency": "planned", "fostering": "preferred",
              "residential": "suitable", "supported": "unsuitable", "sex": "F",
              "birth_month": dt.date(2012, 5, 1), "home_postcode": "WS1 1"},
        acting_user=owner,
    )  # fmt: skip
    job = ImportJob.objects.create(authority=walsall, status="succeeded", created_by=owner)
    return sorted({child.pk, episode.pk, request.pk, job.pk})


def _walsall_paths(ids: list[int]) -> list[str]:
    """Every route naming an authority, filled in with Walsall's code and each of Walsall's record ids."""
    paths = set()
    for template in _routes():
        if not OWN_CODE.search(template):
            continue
        path = OWN_CODE.sub("335", "/" + template)
        path = re.sub(r"<slug:page>", "overview", path)
        path = re.sub(r"<slug:key>", "children_in_care", path)
        for pk in ids:
            filled = re.sub(r"<int:\w+>|\(\?P<pk>\[\^/\.\]\+\)", str(pk), path)
            if "<" not in filled and "(?P" not in filled and not NOT_RECORDS.search(filled):
                paths.add(filled)
    return sorted(paths)


def _outsiders(sandwell) -> dict[str, Client]:
    clients: dict[str, Client] = {"anonymous": Client(raise_request_exception=False)}
    for role in ROLES:
        user = UserFactory(email=f"{role}@sandwell.example.gov.uk")
        Membership.objects.create(user=user, authority=sandwell, role=role)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[f"Sandwell {role}"] = client
    # The platform data steward belongs to no authority: national reference data only.
    steward = UserFactory(email="steward@platform.example.gov.uk", is_data_steward=True)
    client = Client(raise_request_exception=False)
    client.force_login(steward)
    clients["platform data steward"] = client
    return clients


def test_no_outsider_reads_or_changes_another_authoritys_records(walsall, sandwell, walsall_records):
    paths = _walsall_paths(walsall_records)
    # The attack reaches the register, finding, supply, imports, dashboards, reports and the API.
    for part in ("children", "requests", "imports", "supply", "dashboards", "api/v1"):
        assert any(part in p for p in paths), f"no route with {part!r} was found"
    failures = []
    tried = 0
    for who, client in _outsiders(sandwell).items():
        for path in paths:
            for method in METHODS:
                response = getattr(client, method)(path)
                tried += 1
                if response.status_code not in REFUSED and not (
                    who != "anonymous" and (method, path) in REFERENCE and response.status_code == 200
                ):
                    failures.append(f"{who} {method.upper()} {path}: {response.status_code}")
    assert tried > 1000
    assert not failures, f"{len(failures)} of {tried} requests were not refused:\n" + "\n".join(failures[:40])


def test_walsalls_own_member_is_not_refused_by_the_matrix(walsall, walsall_records):
    """The same routes do open for Walsall's own commissioner: the attack above tests scoping, not typos."""
    user = UserFactory(email="commissioner@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="commissioner")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    paths = _walsall_paths(walsall_records)
    opened = [p for p in paths if client.get(p).status_code == 200]
    assert any("/children/" in p for p in opened) and any("/dashboards/" in p for p in opened), opened
